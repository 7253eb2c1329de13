"""Anyone with a role is signed out after SESSION_IDLE_MINUTES without a request; the
session is written for activity at most once a minute."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from conftest import TEST_PASSWORD
from digibank.accounts import middleware


class Clock:
    def __init__(self, start: int = 1_800_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, *, minutes: float) -> None:
        self.now += int(minutes * 60)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(middleware, "now_seconds", clock)
    return clock


def dashboard(hub) -> str:
    return reverse("network:dashboard", kwargs={"hub": hub.slug})


def sign_in(client, user) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_staff_are_signed_out_after_30_idle_minutes(clock, client, staff, hub):
    sign_in(client, staff)
    clock.advance(minutes=29)
    assert client.get(dashboard(hub)).status_code == 200
    clock.advance(minutes=29)  # active 29 minutes ago: still in
    assert client.get(dashboard(hub)).status_code == 200

    clock.advance(minutes=31)
    response = client.get(dashboard(hub), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('accounts:login')}?next={dashboard(hub)}"
    assert "signed out because you did nothing for 30 minutes" in response.text
    assert "_auth_user_id" not in client.session
    assert client.get(dashboard(hub)).status_code == 302


def test_an_htmx_request_after_idle_time_loads_the_sign_in_page_whole(clock, client, staff, hub):
    sign_in(client, staff)
    clock.advance(minutes=31)
    response = client.get(dashboard(hub), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next={dashboard(hub)}"
    assert "_auth_user_id" not in client.session


def test_the_idle_limit_comes_from_the_settings(clock, client, staff, hub, settings):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client, staff)
    clock.advance(minutes=6)
    assert client.get(dashboard(hub))["Location"].startswith(reverse("accounts:login"))


def test_an_account_without_a_role_is_not_timed_out(clock, client, make_user):
    """An applicant (no hub, programme or admin role) sees only their own applications."""
    applicant = make_user()
    sign_in(client, applicant)
    clock.advance(minutes=120)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_activity_is_written_at_most_once_a_minute(clock, client, staff, hub):
    sign_in(client, staff)
    key = client.session.session_key

    def stored_activity() -> int:
        return Session.objects.get(session_key=key).get_decoded()[middleware.LAST_ACTIVITY_KEY]

    signed_in_at = clock.now
    assert stored_activity() == signed_in_at
    clock.advance(minutes=0.5)
    client.get(dashboard(hub))
    assert stored_activity() == signed_in_at, "not written again within the minute"
    clock.advance(minutes=1)
    client.get(dashboard(hub))
    assert stored_activity() == clock.now
