"""Recognising what must never be written in a help note: a national register number,
a bank card number or a PIN, password or code of the person helped. Dutch, French and
English, the languages helpers write notes in."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digibank.core.text import contains_national_number
from digibank.core.validators import NATIONAL_NUMBER_MESSAGE

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

_CODE_TERMS = (
    r"pin|pincode|pin-code|puk|puk-code|code|pin code|code pin|code puk|otp|"
    r"activeringscode|activatiecode|verificatiecode|sms-code|beveiligingscode|"
    r"code d'activation|code de vérification|code de verification|code secret|"
    r"verification code|activation code|security code"
)
_LOGIN_TERMS = (
    r"wachtwoord|paswoord|password|passwd|pass word|mot de passe|mdp|passphrase|"
    r"login|gebruikersnaam en wachtwoord"
)
# "pin 1234", "PIN: 1234", "code 123456", "code d'activation : 4821"
_CODE_LINE = re.compile(
    rf"(?<![\w])(?:{_CODE_TERMS})\s*(?:[:=]|is|est|was|=)?\s*\d(?:[ \-]?\d){{3,9}}(?!\d)",
    re.IGNORECASE,
)
# "wachtwoord: Kat", "password = x", "mot de passe : soleil"
_PASSWORD_LINE = re.compile(rf"(?<![\w])(?:{_LOGIN_TERMS})\s*[:=]\s*\S+", re.IGNORECASE)
# "password Kat123!", "wachtwoord is Zomer2024", "mot de passe est soleil75":
# a word with a digit or a sign after the keyword.
_PASSWORD_TOKEN = re.compile(
    rf"(?<![\w])(?:{_LOGIN_TERMS})\s+(?:(?:is|est|was|=)\s+)?"
    r"(?=\S*[\d!@#$%^&*?+_])\S{4,}",
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
    """A PIN, password or code line: 'pin 1234', 'wachtwoord: …', 'code 123456'."""
    text = text or ""
    return bool(
        _CODE_LINE.search(text) or _PASSWORD_LINE.search(text) or _PASSWORD_TOKEN.search(text)
    )


def note_problem(text: str) -> str | None:
    """Why this text may not be stored, or None when it is fine."""
    if contains_national_number(text or ""):
        return str(NATIONAL_NUMBER_MESSAGE)
    if contains_card_number(text):
        return str(CARD_MESSAGE)
    if contains_secret(text):
        return str(SECRET_MESSAGE)
    return None


def refuse_sensitive(text: str, *, field: str = "note") -> None:
    """Raise a ValidationError keyed by `field` when the text holds something we never
    store."""
    problem = note_problem(text)
    if problem:
        raise ValidationError({field: problem}, code="sensitive")
