"""The waiting-room screen on a public display: each help point's own secret link, made,
replaced and revoked by a coordinator (or staff with appointments.manage), journaled.
The screen needs no session, shows ticket numbers and desks only, and a replaced or
revoked link answers 404 at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.appointments import services
from digibank.appointments.models import QueueDisplay
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

pytestmark = pytest.mark.django_db


def _manage_url(name: str, hub: Hub, location: Location) -> str:
    return reverse(f"appointments:{name}", kwargs={"hub": hub.slug, "location": location.pk})


def _screen_url(display: QueueDisplay) -> str:
    return reverse("queue_screens:screen", kwargs={"screen_token": display.token})


def _queue_with_names(actor: User, location: Location, participant: Participant) -> None:
    """Two walk-ins, one called to a desk: one named on the ticket, one registered."""
    services.ticket_take(actor=actor, location=location, name="Rosalinde Walkin")
    services.ticket_take(actor=actor, location=location, participant=participant)
    services.ticket_call_next(actor=actor, location=location, desk="Desk 3")
    services.ticket_call_next(actor=actor, location=location, desk="Desk 4")


def test_the_public_screen_shows_numbers_only_without_a_session(
    coordinator: User, hub: Hub, location: Location, participant: Participant
) -> None:
    _queue_with_names(coordinator, location, participant)
    display = services.queue_display_renew(actor=coordinator, location=location)
    anonymous = Client()
    response = anonymous.get(_screen_url(display))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Desk 3" in body
    assert "Desk 4" in body
    for name in ("Rosalinde", "Walkin", participant.given_name, participant.family_name):
        assert name not in body, name
    assert 'http-equiv="refresh"' in body  # refreshes without JavaScript
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert not response.cookies  # no session, no CSRF cookie
    partial = anonymous.get(_screen_url(display), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "Rosalinde" not in partial.content.decode()


def test_the_staff_screen_shows_numbers_only_too(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
) -> None:
    _queue_with_names(staff, location, participant)
    body = client_for(staff).get(_manage_url("queue_screen", hub, location)).content.decode()
    assert "Desk 4" in body
    for name in ("Rosalinde", participant.given_name, participant.family_name):
        assert name not in body, name


def test_a_coordinator_makes_replaces_and_revokes_the_link(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, location: Location
) -> None:
    client = client_for(coordinator)
    page = _manage_url("queue_display", hub, location)
    assert "no screen link" in client.get(page).content.decode()
    assert client.post(_manage_url("queue_display_renew", hub, location)).status_code == 302
    first = QueueDisplay.objects.get(location=location)
    assert _screen_url(first) in client.get(page).content.decode()
    assert Client().get(_screen_url(first)).status_code == 200

    client.post(_manage_url("queue_display_renew", hub, location))
    second = QueueDisplay.objects.get(location=location)
    assert second.token != first.token
    assert Client().get(_screen_url(first)).status_code == 404  # the old link, at once
    assert Client().get(_screen_url(second)).status_code == 200

    client.post(_manage_url("queue_display_revoke", hub, location))
    assert not QueueDisplay.objects.filter(location=location).exists()
    assert Client().get(_screen_url(second)).status_code == 404
    actions = list(
        JournalEntry.objects.filter(action__startswith="queue_display.")
        .order_by("pk")
        .values_list("action", "actor_id", "hub_id")
    )
    assert actions == [
        ("queue_display.create", coordinator.pk, hub.pk),
        ("queue_display.renew", coordinator.pk, hub.pk),
        ("queue_display.revoke", coordinator.pk, hub.pk),
    ]
    # Revoking twice says so, and changes nothing.
    response = client.post(_manage_url("queue_display_revoke", hub, location), follow=True)
    assert "no screen link" in response.content.decode()


def test_only_who_manages_appointments_handles_the_link(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    hub: Hub,
    location: Location,
) -> None:
    for role in (HubRole.DIGIHELPER, HubRole.TRAINER, HubRole.PARTNER_VIEWER):
        client = client_for(make_user(role, hub))
        assert client.get(_manage_url("queue_display", hub, location)).status_code == 403, role
        response = client.post(_manage_url("queue_display_renew", hub, location))
        assert response.status_code == 403, role
    assert not QueueDisplay.objects.exists()
    staff_client = client_for(make_user(HubRole.STAFF, hub))
    assert staff_client.post(_manage_url("queue_display_renew", hub, location)).status_code == 302
    assert QueueDisplay.objects.filter(location=location).exists()


def test_one_hubs_link_shows_only_its_own_help_point(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    coordinator: User,
    hub: Hub,
    other_hub: Hub,
    location: Location,
    make_location: Callable[..., Location],
    participant: Participant,
) -> None:
    other_location = make_location(other_hub, name="Elders Balie")
    other_coordinator = make_user(HubRole.COORDINATOR, other_hub)
    services.ticket_take(actor=coordinator, location=location, name="Rosalinde Walkin")
    services.ticket_call_next(actor=coordinator, location=location, desk="Secret Desk A")
    theirs = services.queue_display_renew(actor=other_coordinator, location=other_location)
    body = Client().get(_screen_url(theirs)).content.decode()
    assert "Elders Balie" in body
    assert location.name not in body
    assert "Secret Desk A" not in body
    # Another hub's coordinator cannot make, see or revoke this help point's link.
    ours = services.queue_display_renew(actor=coordinator, location=location)
    client = client_for(other_coordinator)
    for name in ("queue_display", "queue_display_renew", "queue_display_revoke"):
        assert client.post(_manage_url(name, hub, location)).status_code == 404, name
    assert QueueDisplay.objects.get(location=location).token == ours.token


@pytest.mark.parametrize("token", ["", "x", "a" * 65, "../../h/x", "%00"])
def test_unknown_tokens_answer_404(client: Client, token: Any) -> None:
    if not token:
        assert client.get("/screens//").status_code == 404
        return
    assert client.get(f"/screens/{token}/").status_code == 404
