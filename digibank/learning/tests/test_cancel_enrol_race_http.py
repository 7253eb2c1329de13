"""A cancellation racing a new enrolment never leaves someone waiting behind a free seat.

Over real HTTP against the live server (one thread per request, each with its own
database connection): a full 10-seat session, 10 of its people cancel while 10 new people
are enrolled, all at once. Afterwards the 10 new people hold the 10 seats (enrolled, or
offered the seat a leaver freed), nobody waits, and the seat count matches the rows.
Repeated, because a race shows only sometimes; run on SQLite and PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.learning import services
from digibank.learning.models import Enrolment, EnrolmentStatus, Session

from .conftest import MakeParticipant, MakeSession, learning_url


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """A signed-in HTTP client over urllib: the session cookie of `force_login`, the
    CSRF cookie of a first GET, then form POSTs like a browser without JavaScript."""

    def __init__(self, base_url: str, user: User) -> None:
        self.base_url = base_url
        signed_in = Client()
        signed_in.force_login(user)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.session_cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value

    def _request(self, path: str, data: dict[str, str] | None = None) -> int:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # The live server on http://localhost, never a file: or other scheme.
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        request.add_header("Cookie", self._cookie_header())
        request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def _cookie_header(self) -> str:
        cookies = {cookie.name: cookie.value for cookie in self.jar}
        cookies[settings.SESSION_COOKIE_NAME] = self.session_cookie
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def get(self, path: str) -> int:
        return self._request(path)

    def post(self, path: str, data: dict[str, str]) -> int:
        token = next((c.value or "" for c in self.jar if c.name == settings.CSRF_COOKIE_NAME), "")
        return self._request(path, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture
def http_settings(settings: Any) -> Any:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    return settings


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("run", range(3))
def test_ten_cancellations_racing_ten_enrolments_leave_nobody_waiting(
    run: int,
    live_server: Any,
    http_settings: Any,
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
) -> None:
    session = make_session(capacity=10)
    leaving = [
        services.enrolment_create(actor=staff, session=session, participant=make_participant())
        for _ in range(10)
    ]
    newcomers = [make_participant() for _ in range(10)]
    hub = session.hub
    # One signed-in client per thread; each fetches its CSRF cookie before the race.
    clients = [Browser(live_server.url, staff) for _ in range(20)]
    enrol_path = learning_url(hub, "enrol", pk=session.pk)
    for client in clients:
        assert client.get(enrol_path) == 200

    def cancel(client: Browser, enrolment: Enrolment) -> Any:
        path = learning_url(hub, "enrolment_cancel", pk=enrolment.pk)
        return lambda: str(client.post(path, {}))

    def enrol(client: Browser, person_id: int) -> Any:
        return lambda: str(client.post(enrol_path, {"participant": str(person_id)}))

    actions = [cancel(c, e) for c, e in zip(clients[:10], leaving, strict=True)] + [
        enrol(c, p.pk) for c, p in zip(clients[10:], newcomers, strict=True)
    ]
    # Every request ends in the redirect back to the session page: no 500, no refusal page.
    assert labels(run_at_once(actions, timeout=120)) == ["302"] * 20

    session = Session.objects.get(pk=session.pk)
    statuses = list(
        Enrolment.objects.filter(session=session).values_list("participant_id", "status")
    )
    by_person = dict(statuses)
    assert all(by_person[e.participant_id] == EnrolmentStatus.CANCELLED for e in leaving)
    holding = [s for s in by_person.values() if s in ("enrolled", "offered")]
    waiting = [s for s in by_person.values() if s == "waiting"]
    assert waiting == [], f"someone waits behind a free seat: {statuses}"
    assert len(holding) == 10
    assert session.seats_taken == 10
    assert session.status == "full"
