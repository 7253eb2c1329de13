"""Every page that shows a person's data is journaled, once, by one mechanism.

The walk goes through every URL of the URL conf (tests/urlwalk.py) as hub A's
coordinator, in the tenancy world (tests/world.py) whose participants have rare names:

- a page whose answer shows a participant's name, phone or e-mail must be marked with
  `accounts.reads.reads_personal_data` (so a new page that shows people without being
  marked fails here the day it is added);
- every marked page that answers 200 writes exactly one read line ("participant.view",
  or "participant.search" with the number of results and never the terms) and answers
  `Cache-Control: no-store`; an HTML page also switches HTMX history snapshots off;
- no unmarked page writes a read line.

PDFs and XLSX files are compressed, so their names are not found by a text search:
`PERSONAL_FILES` lists the ones that name people, and the walk checks they are marked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.reads import READ_ACTION, SEARCH_ACTION, is_marked, writes_always
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.core.models import JournalEntry
from digibank.people.models import Participant

from .test_tenancy import _body
from .urlwalk import Route, url_for, walked_routes
from .world import HUB_A_ROLES, World, leaks, module_world

READ_ACTIONS = (READ_ACTION, SEARCH_ACTION)

# Files (not searchable as text) that name a person: they must be marked.
PERSONAL_FILES = {
    "lending:agreement",
    "learning:attendance_sheet",
    "learning:certificate",
}


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from module_world(request, django_db_blocker, tmp_path_factory)


def _hub_routes() -> list[Route]:
    return [route for route in walked_routes() if "hub" in route.kwarg_names]


def _read_lines_after(mark: int) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(pk__gt=mark, action__in=READ_ACTIONS).order_by("pk"))


def _last_id() -> int:
    return JournalEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# The walk asks every page three ways: plain, as HTMX, and searching for a person of
# hub A under the names search boxes use, on the day of an appointment (so a search or
# day page that is not marked shows).
VARIANTS = ("GET", "HTMX", "SEARCH")


def _ask(client: Client, url: str, variant: str, world: World) -> HttpResponse:
    if variant == "HTMX":
        return client.get(url, HTTP_HX_REQUEST="true")  # type: ignore[return-value]
    if variant == "SEARCH":
        term = world.a.objects["participant"][0].family_name[:6]  # type: ignore[attr-defined]
        # Day pages: the day of hub A's first appointment.
        day = timezone.localdate(world.a.objects["appointment"][0].starts_at).isoformat()  # type: ignore[attr-defined]
        query = {"q": term, "person_q": term, "day": day, "date": day}
        return client.get(url, query)  # type: ignore[return-value]
    return client.get(url)  # type: ignore[return-value]


def _problems_of(
    where: str, response: HttpResponse, view: object, lines: int, shows: list[str]
) -> list[str]:
    if not is_marked(view):
        problems = [f"{where} shows {shows} but is not marked"] if shows else []
        return problems + ([f"{where} is not marked but wrote {lines} read line(s)"] * bool(lines))
    if response.status_code != 200:
        return []
    problems = []
    expected = 1 if writes_always(view) or shows else lines
    if lines != expected or lines > 1:
        problems.append(f"{where} wrote {lines} read lines, expected {expected}")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{where} may be stored: {response.get('Cache-Control')}")
    html = response.get("Content-Type", "").startswith("text/html")
    if html and "<body" in _body(response) and 'hx-history="false"' not in _body(response):
        problems.append(f"{where} leaves HTMX history snapshots on")
    return problems


def test_every_page_showing_a_person_is_journaled_once(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.users["coordinator"])  # type: ignore[arg-type]
    problems: list[str] = []
    marked_and_walked: set[str] = set()
    for route in _hub_routes():
        url = url_for(route, world, {}, "a")
        view = resolve(url).func
        for variant in VARIANTS:
            mark = _last_id()
            response = _ask(client, url, variant, world)
            lines = len(_read_lines_after(mark))
            shows = leaks(_body(response), world.a.personal_data)
            where = f"{route} {variant} {url} [{response.status_code}]"
            problems += _problems_of(where, response, view, lines, shows)
            if is_marked(view) and response.status_code == 200:
                marked_and_walked.add(route.name)
    assert not problems, "\n".join(problems)
    missing_files = PERSONAL_FILES - marked_and_walked
    assert not missing_files, f"files naming people not marked or not walked: {missing_files}"


def test_read_lines_name_the_page_and_the_person_but_no_search_terms(
    world: World, client_for: Callable[[User], Client]
) -> None:
    coordinator = world.users["coordinator"]
    assert coordinator is not None
    client = client_for(coordinator)
    person = world.a.objects["participant"][0]
    hub = world.a.hub
    mark = _last_id()
    client.get(f"/h/{hub.slug}/people/{person.pk}/")
    client.get(f"/h/{hub.slug}/people/", {"q": "Debruyck"})
    view, search = _read_lines_after(mark)
    assert (view.action, view.participant_id, view.actor) == (READ_ACTION, person.pk, coordinator)
    assert view.details == {"page": "people:detail"}
    assert search.action == SEARCH_ACTION
    assert search.details == {"page": "people:list", "results": 1}
    assert "Debruyck" not in str(search.details)


def _records_of_people() -> list[tuple[type[models.Model], str]]:
    """Every model with a foreign key to Participant (other than the merge link)."""
    found = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if (
                isinstance(model_field, models.ForeignKey)
                and model_field.related_model is Participant
                and model is not Participant
            ):
                found.append((model, model_field.name))
    return found


def test_lines_about_any_record_of_a_person_show_on_their_journal(
    world: World, client_for: Callable[[User], Client]
) -> None:
    """A line about a loan, a request, an enrolment, an appointment, a mandate or a help
    question names its person, so the person's journal page lists it."""
    coordinator = world.users["coordinator"]
    assert coordinator is not None
    written: dict[int, list[str]] = {}
    kinds = _records_of_people()
    assert len(kinds) >= 8, kinds
    for model, field_name in kinds:
        for row in model._default_manager.filter(**{f"{field_name}__hub": world.a.hub})[:1]:
            person = getattr(row, f"{field_name}_id")
            entry = journal_write(
                actor=coordinator,
                action=f"test.{model._meta.model_name}",
                subject=row,
                hub_id=world.a.hub.pk,
            )
            assert entry.participant_id == person, (model, field_name)
            written.setdefault(person, []).append(entry.action)
    assert written
    client = client_for(coordinator)
    for person, actions in written.items():
        page = client.get(f"/h/{world.a.hub.slug}/people/{person}/journal/").text
        missing = [action for action in actions if action not in page]
        assert not missing, (person, missing)
    # Each line says what kind of record it was about.
    loan_person = next(iter(p for p, actions in written.items() if "test.loan" in actions))
    page = client.get(f"/h/{world.a.hub.slug}/people/{loan_person}/journal/").text
    assert "<td>Loan" in page


def _links_in_main(html: str) -> set[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return {link.replace("&amp;", "&") for link in re.findall(r'href="(/h/[^"#]*)', main)}


@pytest.mark.parametrize("role", HUB_A_ROLES)
def test_a_person_s_page_offers_no_link_the_role_may_not_follow(world: World, role: str) -> None:
    """Timeline items, sections and buttons are filtered by the role's permissions: a
    trainer sees no loans, help-desk visits or appointments (whose pages answer 403)."""
    user = world.users[role]
    assert user is not None
    client = Client()
    client.force_login(user)
    person = world.a.objects["participant"][0]
    page = client.get(f"/h/{world.a.hub.slug}/people/{person.pk}/")
    if role == HubRole.PARTNER_VIEWER:
        assert page.status_code == 403
        return
    assert page.status_code == 200
    links = _links_in_main(page.text)
    forbidden = [link for link in sorted(links) if client.get(link).status_code == 403]
    assert not forbidden, f"{role} is offered {forbidden}"
    loan = next(row for row in world.a.objects["loan"] if row.participant_id == person.pk)  # type: ignore[attr-defined]
    loan_url = f"/h/{world.a.hub.slug}/lending/loans/{loan.pk}/"
    assert (loan_url in links) == (role in {HubRole.COORDINATOR, HubRole.STAFF, HubRole.DIGIHELPER})
    # Help-desk visits (no link, but not a trainer's business either).
    assert ("Helped: " in page.text) == (role != HubRole.TRAINER)


@pytest.mark.parametrize("role", HUB_A_ROLES)
def test_the_today_page_offers_no_link_the_role_may_not_follow(world: World, role: str) -> None:
    """The dashboard's panels come from the same kind of registry: each shows only what
    the role may open (a partner viewer sees no personal data at all)."""
    user = world.users[role]
    assert user is not None
    client = Client()
    client.force_login(user)
    page = client.get(f"/h/{world.a.hub.slug}/")
    assert page.status_code == 200
    forbidden = [
        link for link in sorted(_links_in_main(page.text)) if client.get(link).status_code == 403
    ]
    assert not forbidden, f"{role} is offered {forbidden}"
    if role == HubRole.PARTNER_VIEWER:
        assert not leaks(page.text, world.a.personal_data)
