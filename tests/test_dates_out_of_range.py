"""Dates far out of range (year 9999, year 1, huge numbers) never make a server error.

Every URL of the URL conf (tests/urlwalk.py) is opened as the role that may use it
(tests/urlwalk.opener_role: the coordinator on hub pages, the programme officer on
programme pages, ...), with every date-like query parameter set to such a date. Then
every form the page shows that takes a date (an <input type="date">, "datetime-local",
or a field named like a date) is sent with that date: the answer is the form again with
a message saying what is wrong, never a 500 and never a saved far-away date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from django import forms
from django.test import Client

from .urlwalk import Route, opener_role, url_for, walked_routes
from .world import World, module_world

ROUTES = walked_routes()

# Query parameters views read dates from (appointments: day, week, start; help desk:
# date; people: start, end; funding: from, to, period_start ...).
DATE_PARAMS = (
    "day",
    "date",
    "start",
    "end",
    "from",
    "to",
    "week",
    "month",
    "year",
    "starts_on",
    "ends_on",
    "period_start",
    "period_end",
    "since",
    "until",
)
FAR_DATES = (
    "9999-12-31",
    "0001-01-01",
    "1-01-01",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "99999-01-01",
    "99999999999999999999",
)
# What a form says back: its own words for a far date, or Django's for no date at all.
CLEAR_MESSAGES = ("between 1900 and 2100", "Enter a valid date")
DATE_INPUT_TYPES = {"date", "datetime-local", "month", "week"}
# A hidden field carrying a date (a chosen time slot) counts as a date field too.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from module_world(request, django_db_blocker, tmp_path_factory)


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)
    date_fields: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    """The forms of a page: their action, their fields' current values (the first
    option of a list or a group of radio buttons) and which fields take a date."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get")))
            return
        if not self.forms or not (name := a.get("name")):
            if tag == "option" and self._select and self.forms:
                self.forms[-1].values.setdefault(self._select, a.get("value", ""))
            return
        form = self.forms[-1]
        kind = a.get("type", "text").lower()
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            form.values.setdefault(name, "x")
        elif tag == "input" and kind not in {"submit", "button", "file", "reset", "image"}:
            if kind in {"checkbox", "radio"}:
                form.values.setdefault(name, a.get("value", "on"))
            else:
                form.values.setdefault(name, a.get("value", ""))
            value = a.get("value", "")
            if kind in DATE_INPUT_TYPES or (kind == "hidden" and ISO_DATE.match(value)):
                form.date_fields.append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _forms_with_dates(body: str) -> list[Form]:
    parser = _Forms()
    parser.feed(body)
    return [form for form in parser.forms if form.date_fields]


def _client(world: World, role: str) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _forms_in(context: Any) -> Iterator[forms.BaseForm]:
    for value in context.flatten().values() if context is not None else ():
        if isinstance(value, forms.BaseForm):
            yield value
        elif isinstance(value, forms.BaseFormSet):
            yield from value.forms


def _says_what_is_wrong(response: Any, fields: list[str]) -> bool:
    """The page shows an error on one of the date fields (or says what dates to use)."""
    if any(text in response.content.decode("utf-8", "replace") for text in CLEAR_MESSAGES):
        return True
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        for form in _forms_in(context):
            if {form.add_prefix(name) for name in form.errors} & set(fields):
                return True
    return False


def _server_error(response: Any, what: str) -> str | None:
    if response.status_code < 500:
        return None
    info = getattr(response, "exc_info", None)
    cause = f" ({info[0].__name__}: {info[1]})" if info else ""
    return f"{what} answered {response.status_code}{cause}"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_far_dates_never_make_a_server_error(route: Route, world: World) -> None:
    url = url_for(route, world, {}, "a")
    client = _client(world, opener_role(route))
    problems: list[str] = []
    for value in FAR_DATES:
        response = client.get(url, dict.fromkeys(DATE_PARAMS, value))
        if problem := _server_error(response, f"GET {url} with dates {value!r}"):
            problems.append(problem)
    page = client.get(url)
    html = page.status_code == 200 and page.get("Content-Type", "").startswith("text/html")
    body = page.content.decode() if html and not page.streaming else ""
    for form in _forms_with_dates(body):
        target = urljoin(url, form.action or url)
        for value in FAR_DATES:
            data = {**form.values, **dict.fromkeys(form.date_fields, value)}
            if form.method.lower() != "post":
                response = client.get(target, data)
                if problem := _server_error(response, f"GET form {target} with {value!r}"):
                    problems.append(problem)
                continue
            response = client.post(target, data)
            what = f"POST {target} {form.date_fields} = {value!r}"
            if problem := _server_error(response, what):
                problems.append(problem)
            elif response.status_code in (301, 302, 303):
                problems.append(f"{what}: took the date (redirected to {response['Location']})")
            elif not _says_what_is_wrong(response, form.date_fields):
                problems.append(f"{what}: answered {response.status_code} without a message")
    assert not problems, "\n".join(problems)
