"""Reads of a person's data, journaled by one mechanism rather than view by view.

A hub view that shows personal data (a person's page, a form with their details, a loan,
a PDF naming them, an export, a search) is marked with `reads_personal_data`, under
`hub_view`::

    @hub_view("people.view")
    @reads_personal_data
    def participant_detail(request, pk): ...

When the view answers 200, one journal line is written for the request: "participant.view"
naming the page and the people on it, or "participant.search" with the number of results
(never the terms). The people are the rows the view fetched through
`accounts.scoping.get_for_hub` (a participant, or a record of one: a loan, an enrolment),
plus any the view names with `note_read`. A form that shows
people only once it searches or picks one (`@reads_personal_data(when_shown=True)`) writes
its line only then. The answer is never
stored by the browser or a proxy (Cache-Control: no-store), and base.html switches HTMX
history snapshots off on the page (hx-history="false"), so no copy of the page stays
behind in the browser after signing out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, overload

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from digibank.core.journal import journal_write, person_of

View = Callable[..., HttpResponse]

READ_ACTION = "participant.view"
SEARCH_ACTION = "participant.search"
# A list page names at most this many people in its journal line (pages are bounded).
MAX_PEOPLE_PER_LINE = 100


@dataclass
class PersonalRead:
    """What one request showed: the main record, the people, a search's result count."""

    subject: models.Model | None = None
    people: list[int] = field(default_factory=list)
    results: int | None = None

    def found_people(self) -> bool:
        return bool(self.people) or self.results is not None

    def saw(self, row: Any, *, main: bool = False) -> None:
        """`row` (a record or a participant id) is on the page; `main`: the page is
        about it (the record named in the URL)."""
        if isinstance(row, models.Model):
            if main and self.subject is None:
                self.subject = row
            person = person_of(row)
        else:
            person = int(row) if row is not None else None
        if person is not None and person not in self.people:
            self.people.append(person)


def _read_of(request: HttpRequest) -> PersonalRead | None:
    return getattr(request, "personal_read", None)


def note_read(request: HttpRequest, *rows: Any) -> None:
    """The page shows these rows or participant ids (when not fetched by get_for_hub)."""
    if (read := _read_of(request)) is not None:
        for row in rows:
            read.saw(row)


def note_record(request: HttpRequest, row: Any) -> None:
    """The page is about this record (get_for_hub calls this for every row it finds)."""
    if (read := _read_of(request)) is not None:
        read.saw(row, main=True)


def note_search(request: HttpRequest, *, results: int) -> None:
    """The page is a search for people: its line says how many were found."""
    if (read := _read_of(request)) is not None:
        read.results = results


def _write_line(request: HttpRequest, read: PersonalRead) -> None:
    match = request.resolver_match
    details: dict[str, Any] = {"page": match.view_name if match else ""}
    if len(read.people) > 1:
        details["people"] = read.people[:MAX_PEOPLE_PER_LINE]
    if read.results is not None:
        details["results"] = read.results
    hub = getattr(request, "hub", None)
    journal_write(
        actor=request.user,
        action=SEARCH_ACTION if read.results is not None else READ_ACTION,
        subject=read.subject,
        hub_id=hub.pk if hub is not None else None,
        participant=read.people[0] if read.people else None,
        details=details,
    )


def _mark(view: View, *, when_shown: bool = False) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        read = PersonalRead()
        request.personal_read = read  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        if response.status_code == 200 and (not when_shown or read.found_people()):
            _write_line(request, read)
        return response

    wrapper.reads_personal_data = "when_shown" if when_shown else True  # type: ignore[attr-defined]
    return wrapper


@overload
def reads_personal_data(view: View) -> View: ...
@overload
def reads_personal_data(*, when_shown: bool = False) -> Callable[[View], View]: ...
def reads_personal_data(
    view: View | None = None, *, when_shown: bool = False
) -> View | Callable[[View], View]:
    """Mark a view that shows personal data (see the module's doc)."""
    if view is not None:
        return _mark(view)
    return lambda inner: _mark(inner, when_shown=when_shown)


def is_marked(view: Any) -> bool:
    return bool(getattr(view, "reads_personal_data", False))


def writes_always(view: Any) -> bool:
    """Whether a marked view writes its line on every answer (not only once it found
    people)."""
    return getattr(view, "reads_personal_data", False) is True
