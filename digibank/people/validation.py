"""Rules for the data a person gives us, shared by forms and services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digibank.core.text import contains_national_number
from digibank.core.validators import NATIONAL_NUMBER_MESSAGE, is_international_phone
from digibank.core.validators import clean_phone as core_clean_phone


def holds_national_number(value: str, *, phone: bool = False) -> bool:
    """True when `value` contains a Belgian national register number. An international
    phone number (+32 470 12 34 56) has 11 digits too and may pass the checksum by chance,
    so phone numbers written with + or 00 are not taken for one."""
    if phone and is_international_phone(value.strip()):
        return False
    return contains_national_number(value)


def refuse_national_number(value: str, *, phone: bool = False) -> None:
    if holds_national_number(value, phone=phone):
        raise ValidationError(NATIONAL_NUMBER_MESSAGE, code="national_number")


def clean_phone(value: str) -> str:
    """A person's phone number, tidied, never hiding a national register number."""
    refuse_national_number(value or "", phone=True)
    return core_clean_phone(value)


def clean_postcode(value: str) -> str:
    """Four digits ('9000'); '' stays ''. Whether it exists is checked separately."""
    value = "".join((value or "").split())
    if value and not (len(value) == 4 and value.isdigit()):
        raise ValidationError(
            _("Type the 4 digits of the postcode, for example 9000."), code="postcode_format"
        )
    return value
