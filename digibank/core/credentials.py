"""The one credential guard for free text about a person, in every app: a Belgian
national register number (checked by its check digits), a bank card number (checked by
Luhn) or a PIN, password or code of the person helped is never stored. Dutch, French and
English, the languages helpers and staff write in.

Forms put `validate_no_credentials` on every free-text field about a person (the error
shows at the field); services call `refuse_credentials` for text that arrives another
way (API, import, another app's service). Texts that are not about one person but may
name one (funding applications, reports, reviews) only refuse a national register
number: `core.validators.validate_no_national_number`.

The rules are phrasings, not single words: "pin 1234", "de pin is: 1234",
"pin van eID is 1 2 3 4", "ww: Kat123!", "mot de passe : soleil" are refused;
"postcode 9000", "PIN vergeten, nieuwe aangevraagd", "password reset done" are not.
The table in core/tests/test_credentials.py is the specification.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import contains_national_number
from .validators import NATIONAL_NUMBER_MESSAGE

SAFETY_PROMISE = _(
    "We never store passwords, PINs or codes of the people you help. "
    "Do not write them here, nor a national register number or a bank card number."
)
CARD_MESSAGE = _(
    "This looks like a bank card number. We never store card numbers: remove the number "
    "and try again."
)
SECRET_MESSAGE = _(
    "This looks like a PIN, password or code. We never store passwords, PINs or codes of "
    "the people you help: remove it and try again. You may write that you helped with a "
    "PIN or password, without the PIN or password itself."
)

# 13 to 19 digits, maybe in groups with spaces or dashes, not part of a longer number or
# of an account number such as BE68 5390 0754 7034.
_CARD_CANDIDATE = re.compile(r"(?<![\w])(?:\d[ \-]?){12,18}\d(?!\d)")

# Words that name a code made of digits. "code" alone too, except in "code postal"
# (and "postcode", "QR-code": the keyword must stand on its own).
_CODE_TERMS = (
    r"pin|pincode|pin-code|pin code|code pin|puk|pukcode|puk-code|code puk|"
    r"code(?!\s+postal)|geheime code|code secret|passcode|otp|toegangscode|"
    r"activeringscode|activatiecode|verificatiecode|sms-code|beveiligingscode|"
    r"code d'activation|code de vérification|code de verification|"
    r"verification code|activation code|security code"
)
# Words that name a password (of any letters). "ww" is the Dutch shorthand.
_PASSWORD_TERMS = (
    r"wachtwoord|paswoord|passwoord|wachtzin|ww|password|passwd|pwd|pass word|passphrase|"  # noqa: S105
    r"mot de passe|mdp"
)
_START = r"(?<![\w\-])(?<!zip )"
_END = r"(?![\w\-])"
# Up to four words between the keyword and what it is ("pin van de eID is ...");
# never digits or punctuation, so the phrase stays within one clause.
_FILLER = r"(?:\s+[^\s\d:=,;.!?()]+){0,4}?"
# "is", "est", "c'est", "was", "zijn", "are", maybe followed by ':' or '='; or ':' / '='.
_SAYS = r"\s*(?:(?:is|est|c'est|was|zijn|are)(?:\s*[:=])?|[:=])\s*"
# 4 to 12 digits, maybe spaced or dashed ("1 2 3 4", "123-456").
_DIGITS = r"\d(?:[ .\-]?\d){3,11}(?!\d)"
# What a password looks like when no ':' announces it: a word with a digit or a sign.
_PASSWORD_LIKE = r"(?=\S*[\d!@#$%^&*?+_])\S{4,}"  # noqa: S105 (a pattern)

_CODE_LINE = re.compile(
    rf"{_START}(?:{_CODE_TERMS}){_END}(?:\s*[:=]?\s*|{_FILLER}{_SAYS}){_DIGITS}",
    re.IGNORECASE,
)
# "ww: Kat123!", "mot de passe : soleil", "het wachtwoord van itsme: Lente"
_PASSWORD_ANNOUNCED = re.compile(
    rf"{_START}(?:{_PASSWORD_TERMS}){_END}{_FILLER}\s*[:=]\s*\S+", re.IGNORECASE
)
# "password Kat123!", "wachtwoord is Zomer2024", "het wachtwoord van itsme is Lente#22"
_PASSWORD_SAID = re.compile(
    rf"{_START}(?:{_PASSWORD_TERMS}){_END}"
    rf"(?:\s+(?:(?:is|est|c'est|was)\s+)?|{_FILLER}\s+(?:is|est|c'est|was)\s+){_PASSWORD_LIKE}",
    re.IGNORECASE,
)


def luhn_valid(number: str) -> bool:
    """The Luhn check of payment card numbers."""
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def contains_card_number(text: str) -> bool:
    for match in _CARD_CANDIDATE.finditer(text or ""):
        number = re.sub(r"\D", "", match.group())
        if 13 <= len(number) <= 19 and luhn_valid(number):
            return True
    return False


def contains_secret(text: str) -> bool:
    """A PIN, password or code phrase: 'pin 1234', 'ww: Kat123!', 'code d'activation 4821'."""
    text = text or ""
    return any(
        pattern.search(text) for pattern in (_CODE_LINE, _PASSWORD_ANNOUNCED, _PASSWORD_SAID)
    )


def credential_problem(text: str) -> str | None:
    """Why this text may not be stored, or None when it is fine."""
    if contains_national_number(text or ""):
        return str(NATIONAL_NUMBER_MESSAGE)
    if contains_card_number(text):
        return str(CARD_MESSAGE)
    if contains_secret(text):
        return str(SECRET_MESSAGE)
    return None


def validate_no_credentials(value: str) -> None:
    """Field validator (forms and models) for every free-text field about a person."""
    problem = credential_problem(str(value or ""))
    if problem:
        raise ValidationError(problem, code="sensitive")


def refuse_credentials(**texts: str) -> None:
    """For services, where text arrives from elsewhere (API, import, another app):
    `refuse_credentials(about=..., what_to_bring=...)` raises one ValidationError with a
    message for each field that holds something we never store."""
    errors = {
        field: problem for field, text in texts.items() if (problem := credential_problem(text))
    }
    if errors:
        raise ValidationError(errors, code="sensitive")
