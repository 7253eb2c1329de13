from __future__ import annotations

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


def format_enterprise_number(value: str) -> str:
    """'0123456749' -> '0123.456.749'; anything else is returned as it is."""
    number = digits(value)
    if len(number) != 10:
        return value or ""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"
