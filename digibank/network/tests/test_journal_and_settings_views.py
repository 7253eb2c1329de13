"""Hub journal (coordinators only, filter, bounded) and hub settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, Location


def url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.mark.parametrize(
    "role", [HubRole.STAFF, HubRole.DIGIHELPER, HubRole.TRAINER, HubRole.PARTNER_VIEWER]
)
def test_journal_is_for_coordinators_only(
    hub: Hub, make_user: Callable[..., User], client_for: Callable[[User], Client], role: str
) -> None:
    assert client_for(make_user(role, hub)).get(url("journal", hub)).status_code == 403


def test_journal_lists_this_hub_only_with_labels_and_bounded_queries(
    hub: Hub,
    other_hub: Hub,
    coordinator: User,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        location = make_location(hub, name=f"Punt {number:02d}")
        journal_write(actor=staff, action="location.create", subject=location, hub_id=hub.pk)
        journal_write(
            actor=coordinator,
            action="member.role",
            subject=coordinator.memberships.get(),
            hub_id=hub.pk,
        )
    journal_write(
        actor=coordinator,
        action="location.create",
        subject=make_location(other_hub, name="Elders"),
        hub_id=other_hub.pk,
    )
    journal_write(actor=None, action="unknown.thing", hub_id=hub.pk)
    client = client_for(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(url("journal", hub))
    assert response.status_code == 200
    assert "Help point added" in response.text
    assert "Role of a team member changed" in response.text
    assert "Punt 29" in response.text
    assert "Elders" not in response.text
    assert "unknown.thing" in response.text
    filtered = client.get(url("journal", hub), {"action": "location.create"})
    assert "Role of a team member changed</td>" not in filtered.text
    assert "61 lines" not in filtered.text
    assert "30 lines" in filtered.text
    bad = client.get(url("journal", hub), {"action": "<script>", "page": "zzz"})
    assert bad.status_code == 200


def test_settings_only_for_managers(
    hub: Hub, staff: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(staff).get(url("settings", hub)).status_code == 403


def test_settings_save_and_journal(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(coordinator)
    page = client.get(url("settings", hub))
    assert 'type="checkbox" name="required_participant_fields" value="phone"' in page.text
    response = client.post(
        url("settings", hub),
        {
            "email": "Info@Digibank-Gent.be",
            "phone": "09 123 45 67",
            "required_participant_fields": ["phone", "given_name"],
        },
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.email == "info@digibank-gent.be"
    assert hub.required_participant_fields == ["given_name", "phone"]
    assert JournalEntry.objects.get(action="hub.settings").details["fields"] == [
        "email",
        "phone",
        "required_participant_fields",
    ]


def test_settings_errors(hub: Hub, coordinator: User, client_for: Callable[[User], Client]) -> None:
    response = client_for(coordinator).post(
        url("settings", hub),
        {"email": "nope", "phone": "1", "required_participant_fields": ["national_number"]},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    hub.refresh_from_db()
    assert hub.required_participant_fields == []
    assert not JournalEntry.objects.filter(action="hub.settings").exists()


def test_journal_filters_by_actor_action_and_days_without_javascript(
    hub: Hub,
    coordinator: User,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    location = make_location(hub, name="Punt Filter")
    ten_days_ago = timezone.now() - timedelta(days=10)
    for actor, action, when in (
        (staff, "location.create", None),
        (coordinator, "location.create", None),
        (staff, "location.update", None),
        (staff, "location.create", ten_days_ago),
    ):
        JournalEntry.objects.create(
            actor=actor,
            action=action,
            hub_id=hub.pk,
            subject_type="network.location",
            subject_id=str(location.pk),
            created_at=when or timezone.now(),
        )
    client = client_for(coordinator)

    def page(**query: Any) -> str:
        response = client.get(url("journal", hub), query)
        assert response.status_code == 200
        return response.text

    for name in ("actor", "action", "start", "end"):
        assert f'name="{name}"' in page()
    today = timezone.localdate()
    old = timezone.localdate(ten_days_ago).isoformat()
    assert "2 lines" in page(actor=staff.pk, action="location.create")
    assert "1 line<" in page(actor=coordinator.pk, action="location.create")
    since = (today - timedelta(days=7)).isoformat()
    assert "1 line<" in page(actor=staff.pk, action="location.create", start=since)
    assert "1 line<" in page(actor=staff.pk, start=old, end=old)
    # Inverted and hostile dates: a message where it can be acted on, never a 500.
    assert "Choose a day on or after the first day." in page(start=today.isoformat(), end=old)
    for bad in ("9999-12-31", "0001-01-01", "2026-02-31", "x" * 50):
        page(start=bad, end=bad, actor="nobody")
