from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.core.validators import validate_phone
from digibank.network.validators import validate_enterprise_number


@pytest.mark.parametrize(
    "value",
    [
        "09 123 45 67",
        "0470/12.34.56",
        "+32 470 12 34 56",
        "0032 9 123 45 67",
        "+31 20 123 4567",
        "",
    ],
)
def test_phone_numbers_people_write_are_accepted(value: str) -> None:
    validate_phone(value)


@pytest.mark.parametrize("value", ["123", "0470 12 34 56 78 9", "call me", "+1", "47012345"])
def test_wrong_phone_numbers_are_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_enterprise_number_checksum() -> None:
    validate_enterprise_number("0212.345.668")
    with pytest.raises(ValidationError):
        validate_enterprise_number("0212.345.669")


def test_enterprise_number_is_shown_with_dots() -> None:
    from digibank.network.validators import format_enterprise_number

    assert format_enterprise_number("0123456749") == "0123.456.749"
    assert format_enterprise_number("") == ""
