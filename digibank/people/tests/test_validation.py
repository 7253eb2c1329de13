"""The rules for what a person's record may hold: plausible phone numbers, Belgian
postcodes, and never a national register number."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.core.text import contains_national_number
from digibank.people.validation import clean_phone, clean_postcode, holds_national_number

from .conftest import national_number


@pytest.mark.parametrize(
    "phone",
    [
        "0470 12 34 56",
        "0470123456",
        "09 123 45 67",
        "09/123.45.67",
        "0470-12-34-56",
        "+32 470 12 34 56",
        "0032 470 12 34 56",
        "+31 6 12345678",
        "+44 20 7946 0958",
    ],
)
def test_plausible_phone_numbers_are_accepted(phone):
    assert clean_phone(phone) == " ".join(phone.split())


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("12345", "phone_length"),
        ("0470 12", "phone_length"),
        ("+32 470 12 34 56 78 90 12 34", "phone_length"),
        ("470 12 34 56", "phone_start"),
        ("call me", "phone_characters"),
        ("0470 12 34 56 ext. 3", "phone_characters"),
        ("04701234567", "phone_length"),
    ],
)
def test_implausible_phone_numbers_are_refused(phone, code):
    with pytest.raises(ValidationError) as error:
        clean_phone(phone)
    assert error.value.code == code


def test_a_national_register_number_typed_as_phone_is_refused_as_such():
    with pytest.raises(ValidationError) as error:
        clean_phone(national_number())
    assert error.value.code == "national_number"


def test_international_numbers_are_never_taken_for_a_national_register_number():
    # Find a +32 mobile number whose eleven digits happen to pass the mod-97 check.
    for tail in range(1000, 99999):
        phone = f"+32470{tail:06d}"
        if contains_national_number(phone):
            break
    else:  # pragma: no cover
        pytest.fail("no colliding number found")
    assert not holds_national_number(phone, phone=True)
    assert clean_phone(phone) == phone


@pytest.mark.parametrize(
    "text",
    [
        national_number(),
        f"85.07.30-033.{national_number()[-2:]}",
        f"RRN {national_number()} please",
        national_number("011231123", born_after_2000=True),
    ],
)
def test_national_register_numbers_are_recognised_in_text(text):
    assert holds_national_number(text)


def test_postcodes_are_four_digits():
    assert clean_postcode(" 9000 ") == "9000"
    assert clean_postcode("") == ""
    for bad in ("900", "90000", "9OOO"):
        with pytest.raises(ValidationError):
            clean_postcode(bad)


def test_a_pin_in_a_name_is_refused_by_the_service(make_participant):
    """Names come from forms, imports and class lists: the credential guard holds for all."""
    with pytest.raises(ValidationError) as raised:
        make_participant(given_name="Jan", family_name="pin 1234")
    assert "family_name" in raised.value.message_dict
