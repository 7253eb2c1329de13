"""Dates out of range: the helpers, and every form of every app using them."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.apps import apps

from digibank.core.dates import DateField, DateTimeField, parse_aware_datetime, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2100-12-31", date(2100, 12, 31)),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("1899-12-31", None),
        ("99999999999999999999", None),
        ("", None),
    ],
)
def test_parse_date_keeps_to_the_years_we_work_with(raw: str, expected: date | None) -> None:
    assert parse_date(raw) == expected


def test_parse_aware_datetime_needs_an_offset_and_a_year_in_range() -> None:
    assert parse_aware_datetime("2026-03-31T10:00:00 02:00") is not None  # '+' sent as ' '
    assert parse_aware_datetime("2026-03-31T10:00:00") is None
    assert parse_aware_datetime("9999-12-31T23:59:59+14:00") is None
    assert parse_aware_datetime("0001-01-01T00:00:00-12:00") is None


@pytest.mark.parametrize(
    ("field_class", "raw"),
    [
        (DateField, "9999-12-31"),
        (DateField, "0001-01-01"),
        (DateTimeField, "9999-12-31 23:59"),
        (DateTimeField, "0001-01-01 00:00"),
    ],
)
def test_a_form_refuses_far_dates_with_a_clear_message(field_class: type, raw: str) -> None:
    form = type("F", (forms.Form,), {"when": field_class()})({"when": raw})
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter a date between 1900 and 2100."]


def _form_classes() -> list[type[forms.BaseForm]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("digibank."):
            continue
        for module in ("forms", "views"):
            try:
                package = importlib.import_module(f"{config.name}.{module}")
            except ModuleNotFoundError:
                continue
            for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
                importlib.import_module(f"{package.__name__}.{info.name}")
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        sub: type[forms.BaseForm]
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            # The admin site is for platform operators only (and refused to every role).
            if sub.__module__.startswith("digibank.") and not sub.__module__.endswith(".admin"):
                found.append(sub)
    return found


def test_every_date_field_of_every_form_keeps_to_the_range() -> None:
    """A plain forms.DateField takes year 9999, and a page computing the next day fails."""
    plain = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _form_classes()
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, DateField | DateTimeField)
    ]
    assert len(_form_classes()) > 20
    assert not plain, plain
