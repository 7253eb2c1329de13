"""Rules for the data a person gives us, shared by forms and services."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digibank.core.text import contains_national_number, digits, national_phone_digits

NATIONAL_NUMBER_MESSAGE = _(
    "We never store national register numbers. Remove the number and try again. "
    "You do not need it to help this person."
)

_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s/.\-()]+$")


def _is_international(phone: str) -> bool:
    return phone.startswith("+") or digits(phone).startswith("00")


def holds_national_number(value: str, *, phone: bool = False) -> bool:
    """True when `value` contains a Belgian national register number. An international
    phone number (+32 470 12 34 56) has 11 digits too and may pass the checksum by chance,
    so phone numbers written with + or 00 are not taken for one."""
    if phone and _is_international(value.strip()):
        return False
    return contains_national_number(value)


def refuse_national_number(value: str, *, phone: bool = False) -> None:
    if holds_national_number(value, phone=phone):
        raise ValidationError(NATIONAL_NUMBER_MESSAGE, code="national_number")


def clean_phone(value: str) -> str:
    """A plausible Belgian or international phone number, tidied ('0470 12 34 56',
    '+32 470 12 34 56', '+31 6 12345678'); '' stays ''."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    refuse_national_number(value, phone=True)
    if not _PHONE_CHARACTERS.match(value):
        raise ValidationError(
            _("Use only digits, spaces and the signs + / . - in a phone number."),
            code="phone_characters",
        )
    number = digits(value)
    if not 9 <= len(number) <= 15:
        raise ValidationError(
            _("A phone number has 9 to 15 digits, for example 0470 12 34 56."),
            code="phone_length",
        )
    if not _is_international(value) and not number.startswith("0"):
        raise ValidationError(
            _("Start with 0 (for example 0470 12 34 56) or with + and the country code."),
            code="phone_start",
        )
    national = national_phone_digits(value)
    if national.startswith("0") and not national.startswith("00") and len(national) > 10:
        raise ValidationError(
            _("A Belgian phone number has 9 or 10 digits, for example 0470 12 34 56."),
            code="phone_length",
        )
    return value


def clean_postcode(value: str) -> str:
    """Four digits ('9000'); '' stays ''. Whether it exists is checked separately."""
    value = "".join((value or "").split())
    if value and not (len(value) == 4 and value.isdigit()):
        raise ValidationError(
            _("Type the 4 digits of the postcode, for example 9000."), code="postcode_format"
        )
    return value
