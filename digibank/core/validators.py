"""Validators for data every app takes in."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import contains_national_number, digits, national_phone_digits

NATIONAL_NUMBER_MESSAGE = _(
    "We never store national register numbers. Remove the number and try again. "
    "You do not need it to help this person."
)

_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s/.\-()]+$")


def is_international_phone(phone: str) -> bool:
    return phone.startswith("+") or digits(phone).startswith("00")


def clean_phone(value: str) -> str:
    """A plausible Belgian or international phone number, tidied ('0470 12 34 56',
    '+32 470 12 34 56', '+31 6 12345678'); '' stays ''."""
    value = " ".join((value or "").split())
    if not value:
        return ""
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
    if not is_international_phone(value) and not number.startswith("0"):
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


def validate_phone(value: str) -> None:
    clean_phone(value)


def validate_no_national_number(value: str) -> None:
    """For every field that holds a person's data: never a national register number."""
    if contains_national_number(value or ""):
        raise ValidationError(NATIONAL_NUMBER_MESSAGE, code="national_number")


def refuse_national_numbers(**texts: str) -> None:
    """For services taking texts that may name a person but are not about one (funding
    applications, reports, reviews): one message for each field holding a national
    register number."""
    errors = {
        field: NATIONAL_NUMBER_MESSAGE
        for field, text in texts.items()
        if contains_national_number(text or "")
    }
    if errors:
        raise ValidationError(errors, code="national_number")
