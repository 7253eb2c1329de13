"""Real HTTP requests at once against the live server (issue 11): twenty check-outs for
one person never give more loans than the policy allows, and check-outs racing
reservations of one device never give both. Every answer is a page or a redirect,
never a 500. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.testing import run_at_once
from digibank.lending import state
from digibank.lending.models import Loan, OrganisationReservation
from digibank.network.models import Hub, HubPartner, Organisation

from .conftest import MakeDevice, MakeParticipant, lending_url

THREADS = 20
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer here: it means the form was accepted


OPENER = urllib.request.build_opener(_NoRedirect)


class Desk:
    """One signed-in browser, spoken to over plain HTTP: the session and CSRF cookies
    of a signed-in test client, and the token from a form page."""

    def __init__(self, base: str, user: User) -> None:
        client = Client()
        client.force_login(user)
        self.base = base
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.csrf = ""

    def _open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        cookie = f"{settings.SESSION_COOKIE_NAME}={self.session}; django_language=en"
        if self.csrf:
            cookie += f"; {settings.CSRF_COOKIE_NAME}={self.csrf}"
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.token}).encode()
        request = urllib.request.Request(  # noqa: S310 - the live server, over http
            self.base + path, data=body, headers={"Cookie": cookie, "Referer": self.base + "/"}
        )
        try:
            with OPENER.open(request, timeout=60) as answer:
                self._keep_csrf(answer.headers.get_all("Set-Cookie") or [])
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def _keep_csrf(self, cookies: list[str]) -> None:
        for line in cookies:
            if line.startswith(settings.CSRF_COOKIE_NAME + "="):
                self.csrf = line.split(";", 1)[0].split("=", 1)[1]

    def prepare(self, path: str) -> None:
        status, page = self._open(path)
        assert status == 200, (status, page[:500])
        found = CSRF.search(page)
        assert found is not None
        self.token = found.group(1)

    def post(self, path: str, data: dict[str, str]) -> int:
        return self._open(path, data)[0]


def _partner(hub: Hub, n: int) -> HubPartner:
    organisation = Organisation.objects.create(name=f"School {n}", kind="school")
    return HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_checkouts_at_once_keep_the_most_loans_per_person(
    live_server: Any, staff: User, hub: Hub, make_device: MakeDevice, participant: Any
) -> None:
    """The policy allows one loan at a time; twenty desks lend twenty devices to the
    same person at once. The participant row lock lets one through."""
    devices = [make_device() for _ in range(THREADS)]
    path = lending_url(hub, "checkout", pk=participant.pk)
    desks = [Desk(live_server.url, staff) for _ in devices]
    for desk in desks:
        desk.prepare(path)

    def checkout(desk: Desk, tag: str) -> Callable[[], int]:
        return lambda: desk.post(path, {"tag": tag, "kind": "temporary", "goals_plan": ""})

    outcomes = run_at_once(
        [checkout(desk, str(d.tag)) for desk, d in zip(desks, devices, strict=True)], timeout=240
    )
    statuses = [outcome.value for outcome in outcomes]
    assert all(status in (200, 302) for status in statuses), statuses
    assert statuses.count(302) == 1, statuses  # one loan; the others see the refusal
    assert Loan.objects.filter(participant=participant).count() == 1
    assert state.invariant_problems(hub=hub) == []


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checkouts_and_reservations_of_one_device_at_once_never_both(
    live_server: Any,
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    """Ten desks lend one device for 90 days while ten reserve it for next week: either
    one loan or one reservation, never a loan and a reservation that overlap."""
    device = make_device()
    half = THREADS // 2
    people = [make_participant(given_name=f"P{n}") for n in range(half)]
    partners = [_partner(hub, n) for n in range(half)]
    start = timezone.localdate() + timedelta(days=7)
    reserve_path = lending_url(hub, "reservation_create")
    actions: list[Callable[[], int]] = []
    for person in people:
        desk = Desk(live_server.url, staff)
        path = lending_url(hub, "checkout", pk=person.pk)
        desk.prepare(path)
        data = {"tag": str(device.tag), "kind": "temporary", "goals_plan": ""}
        actions.append(partial(desk.post, path, data))
    for n, partner in enumerate(partners):
        desk = Desk(live_server.url, coordinator)
        desk.prepare(reserve_path)
        data = {
            "partner": str(partner.pk),
            "purpose": f"Course {n}",
            "starts_on": (start + timedelta(days=n % 3)).isoformat(),
            "ends_on": (start + timedelta(days=5)).isoformat(),
            "tags": str(device.tag),
        }
        actions.append(partial(desk.post, reserve_path, data))
    statuses = [outcome.value for outcome in run_at_once(actions, timeout=240)]
    assert all(status in (200, 302) for status in statuses), statuses
    loans = Loan.objects.filter(device=device).count()
    reservations = OrganisationReservation.objects.count()
    assert loans + reservations == 1, (loans, reservations, statuses)
    assert statuses.count(302) == 1, statuses
    assert state.invariant_problems(hub=hub) == []
