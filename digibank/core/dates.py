"""Dates people type or send in an address, kept within years the platform works with.

Python's dates end at year 9999 and begin at year 1; a page that shows the day after
9999-12-31, or converts 0001-01-01 00:00 Brussels time to UTC, fails with an
OverflowError. Every date taken from a query string goes through `date_param` or
`parse_aware_datetime`, and every date field of a form is a `DateField` / `DateTimeField`
from here, so such dates are refused (with a message) before any view computes with
them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
OUT_OF_RANGE = _("Enter a date between %(first)s and %(last)s.")
_YEARS = {"first": EARLIEST_YEAR, "last": LATEST_YEAR}


def in_range(day: date | datetime) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def validate_in_range(value: date | datetime | None) -> None:
    if value is not None and not in_range(value):
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range", params=_YEARS)


def parse_date(value: str) -> date | None:
    """An ISO date (2026-03-31) within range, else None."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    return day if in_range(day) else None


def parse_aware_datetime(value: str) -> datetime | None:
    """An ISO date and time with its offset (2026-03-31T10:00:00+02:00; a '+' sent
    unescaped arrives as a space), within range, else None."""
    try:
        moment = datetime.fromisoformat(value.strip()[:40].replace(" ", "+"))
    except ValueError:
        return None
    if moment.tzinfo is None or not in_range(moment):
        return None
    return moment


def date_param(request: HttpRequest, name: str, default: date | None = None) -> date:
    """The date in the query string parameter `name`; when it is missing, `default`
    (today). A date that cannot be read or lies out of range also gives the default,
    and the page says so."""
    raw = request.GET.get(name, "")
    fallback = default or timezone.localdate()
    if not raw:
        return fallback
    day = parse_date(raw)
    if day is None:
        messages.warning(request, _unusable_date_message())
        return fallback
    return day


def _unusable_date_message() -> str:
    return gettext("We could not use the date in the address: %(range)s") % {
        "range": str(OUT_OF_RANGE) % _YEARS
    }


class DateField(forms.DateField):
    """A form's date: refused with a clear message outside the years we work with (a
    form may narrow them: a funding round opens in 2000 or later)."""

    def __init__(
        self, *, first_year: int = EARLIEST_YEAR, last_year: int = LATEST_YEAR, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.years = {"first": max(first_year, EARLIEST_YEAR), "last": min(last_year, LATEST_YEAR)}

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not self.years["first"] <= value.year <= self.years["last"]:
            raise ValidationError(OUT_OF_RANGE, code="date_out_of_range", params=self.years)


class DateTimeField(forms.DateTimeField):
    default_validators = [validate_in_range]

    def to_python(self, value: Any) -> datetime | None:
        # Making year 1 or 9999 aware in Brussels time can overflow before validation.
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(OUT_OF_RANGE, code="date_out_of_range", params=_YEARS) from None
