from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from digibank.core.text import digits


def normalise_enterprise_number(value: str) -> str:
    """'BE 0123.456.749' -> '0123456749'; nine digits get the leading zero back."""
    number = digits(value)
    return "0" + number if len(number) == 9 else number


def validate_enterprise_number(value: str) -> None:
    """A Belgian enterprise number (KBO/BCE): ten digits starting with 0 or 1, the last
    two being 97 minus the first eight modulo 97."""
    number = normalise_enterprise_number(value)
    if len(number) != 10 or number[0] not in "01":
        raise ValidationError(
            _(
                "An enterprise number has ten digits and starts with 0 or 1, for example 0123.456.749."
            ),
            code="enterprise_number_format",
        )
    if 97 - int(number[:8]) % 97 != int(number[8:]):
        raise ValidationError(
            _(
                "This enterprise number is not valid: check the digits (the last two are a check number)."
            ),
            code="enterprise_number_checksum",
        )


_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ./()\-]+$")


def validate_phone(value: str) -> None:
    """A phone number as people write it: '09 123 45 67', '0470/12.34.56', '+32 470 12 34 56'.
    Belgian numbers in national form have nine or ten digits; international ones 8 to 15."""
    text = (value or "").strip()
    number = digits(text)
    if not text:
        return
    message = _(
        "Enter a phone number with 9 or 10 digits, for example 09 123 45 67 or 0470 12 34 56."
    )
    if not _PHONE_ALLOWED.match(text):
        raise ValidationError(message, code="phone_format")
    if text.startswith("+32") or number.startswith("0032"):
        number = "0" + number.removeprefix("00").removeprefix("32")
    if number.startswith("0") and not number.startswith("00"):
        if len(number) not in (9, 10):
            raise ValidationError(message, code="phone_format")
        return
    if text.startswith("+") or number.startswith("00"):
        if not 8 <= len(number.removeprefix("00")) <= 15:
            raise ValidationError(message, code="phone_format")
        return
    raise ValidationError(message, code="phone_format")


def format_enterprise_number(value: str) -> str:
    """'0123456749' -> '0123.456.749'; anything else is returned as it is."""
    number = digits(value)
    if len(number) != 10:
        return value or ""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"
