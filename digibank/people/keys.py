"""Search keys of a participant: folded copies of name and phone that make prefix search
fast (indexed `startswith`) and forgiving (accents, case, spaces, +32)."""

from __future__ import annotations

from typing import Any

from digibank.core.text import fold, national_phone_digits


def name_key(value: str) -> str:
    """'Van den Broeck' -> 'vandenbroeck'."""
    return fold(value).replace(" ", "")


def search_keys(*, given_name: str, family_name: str, phone: str) -> dict[str, Any]:
    family_words = fold(family_name).split()
    phone_digits = national_phone_digits(phone)
    return {
        "given_key": name_key(given_name),
        "family_key": name_key(family_name),
        # The last word of a composed family name: 'smet' finds 'De Smet'.
        "family_tail_key": family_words[-1] if family_words else "",
        "phone_digits": phone_digits,
        "phone_reversed": phone_digits[::-1],
    }


def apply_search_keys(participant: Any) -> None:
    for field, value in search_keys(
        given_name=participant.given_name,
        family_name=participant.family_name,
        phone=participant.phone,
    ).items():
        setattr(participant, field, value)
