"""Normalising text for search and recognising data that must never be stored."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ħ": "h",
        "Ħ": "H",
    }
)


def fold(value: str) -> str:
    """Lowercase, accent-free, single-spaced: 'Çelik-Dupré ' -> 'celik dupre',
    'Yılmaz' -> 'yilmaz', 'Łukasz' -> 'lukasz'."""
    decomposed = unicodedata.normalize("NFKD", (value or "").translate(_UNDECOMPOSABLE))
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", ascii_only).strip()


def digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def national_phone_digits(value: str) -> str:
    """Digits of a Belgian phone number in national form: '+32 470 12 34 56' -> '0470123456'."""
    number = digits(value)
    if (value or "").strip().startswith("+32") or number.startswith("0032"):
        number = "0" + number.removeprefix("00").removeprefix("32")
    return number


_RRN_CANDIDATE = re.compile(r"(?<!\d)(\d{2})\D?(\d{2})\D?(\d{2})\D?(\d{3})\D?(\d{2})(?!\d)")


def _is_valid_national_number(eleven_digits: str) -> bool:
    """Belgian national register (and BIS) number: 97 - (first nine digits mod 97) is the
    check, with a '2' prefixed for people born from 2000 on."""
    base, check = int(eleven_digits[:9]), int(eleven_digits[9:])
    return check in {97 - base % 97, 97 - int("2" + eleven_digits[:9]) % 97}


def contains_national_number(text: str) -> bool:
    """True when the text holds a Belgian national register number (any common spelling:
    85.07.30-033.28, 85073003328, 850730 033 28)."""
    for match in _RRN_CANDIDATE.finditer(text or ""):
        if _is_valid_national_number("".join(match.groups())):
            return True
    return False
