"""Nobody reaches another hub's records, and programme roles never see personal data.

Every URL pattern of the URL conf is walked (tests/urlwalk.py builds the list from
`get_resolver()`, so a new URL is covered the day it is added) as every role: each hub
role of hub A, the programme officer and reviewer of hub A's programme, a signed-in user
without any membership, and an anonymous visitor. Hub B is the other tenant; its
records and personal data live in tests/world.py.

- test_other_hub_is_out_of_reach: every URL naming hub B, hub B's programme or hub B's
  records answers 404 or 403 (anonymous: the login page) to GET, HTMX GET and POST.
- test_other_hubs_records_via_own_hub: hub A's URLs with hub B's ids, one id at a time
  and all at once, answer 404 or 403 to hub A's own roles.
- test_own_hub_pages_answer: every URL filled with hub A's records answers without a
  server error for every role; roles without a membership get 404/403 on hub pages.

All of them: hub B's personal data and records never appear in a response body; a
partner viewer, programme roles and outsiders never see any participant's personal
data; hub B's rows are unchanged afterwards, and no row points into another hub.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from .urlwalk import (
    Route,
    UnfillableKwarg,
    all_routes,
    names_a_tenant,
    opener_role,
    record_kwargs,
    skip_reason,
    slots_for,
    takes_record_ids,
    url_for,
    walked_routes,
)
from .world import (
    ALL_ROLES,
    HUB_A_ROLES,
    NO_PERSONAL_DATA_ROLES,
    PROGRAMME_ROLES,
    World,
    cross_hub_references,
    leaks,
    module_world,
    snapshot_of,
)

ROUTES = walked_routes()
# URLs naming a hub, a programme or a record; URLs taking record ids.
TENANT_ROUTES = [route for route in ROUTES if names_a_tenant(route)]
RECORD_ROUTES = [route for route in ROUTES if takes_record_ids(route)]
DENIED = {403, 404}


pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(
    request: pytest.FixtureRequest, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from module_world(request, django_db_blocker, tmp_path_factory)


@dataclass(frozen=True)
class Request:
    method: str  # "GET", "HTMX" (GET with HX-Request) or "POST"
    url: str

    def send(self, client: Client, data: dict[str, str]) -> HttpResponse:
        if self.method == "POST":
            return client.post(self.url, data)  # type: ignore[return-value]
        if self.method == "HTMX":
            return client.get(  # type: ignore[return-value]
                self.url, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=self.url
            )
        return client.get(self.url, data)  # type: ignore[return-value]


def _client(world: World, role: str) -> Client:
    # Server errors come back as 500 responses (with exc_info), so one run reports them all.
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def _body(response: HttpResponse) -> str:
    """The response text, streamed ones (exports) included."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def _form_data(world: World, side: str) -> dict[str, str]:
    """A POST body naming the side's records under the field names forms are likely to
    use, so a form that accepts an id of another hub shows up (as a changed row of hub B
    or a row pointing into hub B)."""
    objects = world.side(side).objects
    person = objects["participant"][-1]
    data = {
        name: str(person.pk)
        for name in (
            "participant",
            "other",
            "other_participant",
            "into",
            "target",
            "duplicate",
            "keep",
            "merge_with",
            "person",
        )
    }
    for kind in ("location", "partner", "membership", "consent", "visitor", "organisation"):
        data[kind] = str(objects[kind][-1].pk)
    data.update(member=data["membership"], confirm="on", q=_search_term(world, side))
    return data


def _search_term(world: World, side: str) -> str:
    """A prefix of a participant's family name: pages may echo the query (search box,
    `next` links), so it must not itself be one of the secrets looked for."""
    return world.side(side).objects["participant"][0].family_name[:5]  # type: ignore[attr-defined]


def _secrets_for(world: World, role: str) -> list[str]:
    """What the role must never see: hub B's personal data and records, and for roles
    without access to personal data, hub A's participants too."""
    secrets = world.b.personal_data + world.b.hub_records
    if role in NO_PERSONAL_DATA_ROLES:
        secrets = secrets + world.a.personal_data
    return secrets


def _is_login_redirect(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def _describe(role: str, request: Request, response: HttpResponse, problem: str) -> str:
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    if exc_info := getattr(response, "exc_info", None):
        problem += f" ({exc_info[0].__name__}: {exc_info[1]})"
    return f"{role:<18} {request.method:<5} {request.url} answered {response.status_code}{where}: {problem}"


def _check_denied(
    world: World,
    role: str,
    requests: list[Request],
    data: dict[str, str],
    *,
    method_not_allowed_ok: bool = False,
) -> list[str]:
    problems = []
    for request in requests:
        response = request.send(_client(world, role), data)
        denied = response.status_code in DENIED or (
            world.users[role] is None and _is_login_redirect(response)
        )
        if (
            method_not_allowed_ok
            and request.method != "POST"
            and (response.status_code == 405 or getattr(response, "post_only_redirect", False))
        ):
            # A POST-only view of the user's own hub refuses GET before it looks the
            # record up (or the dead-ends middleware sends it to the path's page): the
            # same answer for any id, so it tells nothing about hub B.
            denied = True
        if not denied:
            problems.append(_describe(role, request, response, "expected 404 or 403"))
        if found := leaks(_body(response), _secrets_for(world, role)):
            problems.append(_describe(role, request, response, f"shows {found}"))
    return problems


def _fill(route: Route, world: World, sides: dict[str, str], default: str) -> str:
    try:
        return url_for(route, world, sides, default)
    except UnfillableKwarg as error:
        pytest.fail(str(error), pytrace=False)


def _assert_hub_b_untouched(world: World, before: dict[str, Any], problems: list[str]) -> None:
    after = snapshot_of(world.b.hub)
    for table, rows in before.items():
        if after.get(table) != rows:
            problems.append(f"hub B's {table} rows changed: {rows} -> {after.get(table)}")
    problems += cross_hub_references()
    assert not problems, "\n".join(problems)


def test_walker_knows_every_url(world: World) -> None:
    """Every URL has a name and fillable kwargs; the list is the real URL conf."""
    names = {route.name for route in ROUTES}
    assert {"network:dashboard", "people:list", "programmes:detail", "accounts:login"} <= names
    skipped = [route for route in all_routes() if skip_reason(route)]
    assert all(
        route.route.startswith(("admin/", "i18n/", "static/", "media/")) for route in skipped
    ), skipped
    problems = []
    for route in ROUTES:
        try:
            slots_for(route, world)
        except UnfillableKwarg as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=str)
def test_other_hub_is_out_of_reach(route: Route, world: World) -> None:
    """Hub B's pages, programme and records, asked for by every role of hub A, by the
    programme roles of programme A, by a user without membership, and anonymously.
    (URLs that name no tenant are walked by test_own_hub_pages_answer.)"""
    url = _fill(route, world, {}, "b")
    before = snapshot_of(world.b.hub)
    requests = [Request("GET", url), Request("HTMX", url), Request("POST", url)]
    problems: list[str] = []
    for role in ALL_ROLES:
        problems += _check_denied(world, role, requests, _form_data(world, "b"))
    _assert_hub_b_untouched(world, before, problems)


@pytest.mark.parametrize("route", RECORD_ROUTES, ids=str)
def test_other_hubs_records_via_own_hub(route: Route, world: World) -> None:
    """Hub A's own URL with hub B's ids (each id alone, then all of them): the view must
    look the record up within hub A and answer 404 (or 403 without the permission)."""
    _fill(route, world, {}, "a")
    kwargs = record_kwargs(route, world)
    variants = [{kwarg: "b"} for kwarg in kwargs]
    if len(kwargs) > 1:
        variants.append(dict.fromkeys(kwargs, "b"))
    before = snapshot_of(world.b.hub)
    problems: list[str] = []
    for sides in variants:
        url = _fill(route, world, sides, "a")
        requests = [Request("GET", url), Request("HTMX", url), Request("POST", url)]
        # Hub pages: hub A's roles; other pages (programme, applicant, reviewer): all.
        roles = HUB_A_ROLES if "hub" in route.kwarg_names else ALL_ROLES
        for role in roles:
            problems += _check_denied(
                world, role, requests, _form_data(world, "a"), method_not_allowed_ok=True
            )
    _assert_hub_b_untouched(world, before, problems)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_own_hub_pages_answer(route: Route, world: World) -> None:
    """Every URL filled with hub A's records answers every role without a server error
    (200/302/403/404/405 and other 4xx are fine). Without a membership of hub A (the
    programme roles, a user without membership, anonymous) hub pages answer 404/403
    (anonymous: the login page). Searching for hub B's people finds nothing, and forms
    given hub B's ids change nothing of hub B."""
    url = _fill(route, world, {}, "a")
    slots = slots_for(route, world)
    hub_page = any(slot.kind == "hub" for slot in slots.values())
    programme_page = any(slot.kind == "programme" for slot in slots.values())
    before = snapshot_of(world.b.hub)
    problems: list[str] = []
    if takes_record_ids(route):
        # The coordinator (every hub permission; on programme pages the officer, see
        # opener_role) opens hub A's own record. A 404 here means the walker filled a
        # kwarg with the wrong kind of record, and the tests of hub B's ids above would
        # pass for the wrong reason.
        opener = opener_role(route)
        opened = _client(world, opener).get(url)
        if opened.status_code == 404:
            problems.append(
                f"{route}: side A's {opener} gets 404 for {url}, filled as "
                f"{ {k: s.kind for k, s in slots.items()} }: the walker probably guessed the "
                "wrong kind of record; teach it in tests/urlwalk.py (KWARG_KINDS)."
            )
    # Hub B's ids and a search for hub B's people, as query and as form; every role reads
    # before anyone writes, so the reads see the records as built.
    data = _form_data(world, "b")
    for request in (Request("GET", url), Request("HTMX", url), Request("POST", url)):
        for role in ALL_ROLES:
            response = request.send(_client(world, role), data)
            status = response.status_code
            if status >= 500:
                problems.append(_describe(role, request, response, "server error"))
            elif (hub_page and role not in HUB_A_ROLES) or (
                programme_page and role not in PROGRAMME_ROLES
            ):
                anonymous_ok = world.users[role] is None and _is_login_redirect(response)
                if status not in DENIED and not anonymous_ok:
                    problems.append(_describe(role, request, response, "expected 404 or 403"))
            if found := leaks(_body(response), _secrets_for(world, role)):
                problems.append(_describe(role, request, response, f"shows {found}"))
    _assert_hub_b_untouched(world, before, problems)


def test_admin_site_refuses_every_role(world: World) -> None:
    """The admin site is skipped by the walker: no walked role may use it."""
    problems = []
    for role in ALL_ROLES:
        response = _client(world, role).get(reverse("admin:index"))
        if response.status_code == 200:
            problems.append(f"{role} sees the admin site")
    assert not problems, problems


def test_leak_detector_finds_personal_data() -> None:
    """The substring search behind every check above finds names and e-mails in any
    case, and phone numbers however they are spaced."""
    secrets = ["Gudrun", "gx@example.net", "0471 98 76 54"]
    assert leaks("<td>GUDRUN</td>", secrets) == ["Gudrun"]
    assert leaks("mail: GX@example.net", secrets) == ["gx@example.net"]
    for phone in (
        "0471987654",
        "+32 471 98 76 54",
        "0471/98.76.54",
        "0471&nbsp;98&nbsp;76&nbsp;54",
    ):
        assert leaks(phone, secrets) == ["0471 98 76 54"], phone
    assert leaks("<td>0471</td><td>98</td><td>76</td><td>54</td>", secrets) == []
