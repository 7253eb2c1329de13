"""Team pages: only coordinators manage the team; invite, role, switch off, errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.network.models import Hub


def url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.mark.parametrize(
    "role", [HubRole.STAFF, HubRole.DIGIHELPER, HubRole.TRAINER, HubRole.PARTNER_VIEWER]
)
def test_only_coordinators_manage_the_team(
    hub: Hub, make_user: Callable[..., User], client_for: Callable[[User], Client], role: str
) -> None:
    client = client_for(make_user(role, hub))
    assert client.get(url("members", hub)).status_code == 403
    assert client.post(url("member_invite", hub), {"email": "x@example.org"}).status_code == 403
    membership = Membership.objects.filter(hub=hub).first()
    assert membership is not None
    assert client.post(url("member_deactivate", hub, pk=membership.pk)).status_code == 403


def test_list_with_status_and_bounded_queries(
    hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(30):
        make_user(HubRole.DIGIHELPER, hub)
    switched_off = make_user(HubRole.STAFF, hub, full_name="Aaron Off")
    Membership.objects.filter(user=switched_off).update(is_active=False)
    client = client_for(coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(url("members", hub))
    assert response.status_code == 200
    assert "Has not signed in yet" in response.text
    last_page = client.get(url("members", hub), {"page": "2"})
    assert "Switched off" in last_page.text  # switched-off members come last
    filtered = client.get(url("members", hub), {"role": HubRole.COORDINATOR})
    assert "Ann Coordinator" in filtered.text
    assert "Test User" not in filtered.text


def test_invite_new_person(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            url("member_invite", hub),
            {
                "email": "Vera@Example.org",
                "full_name": "Vera Vrijwilliger",
                "role": HubRole.DIGIHELPER,
                "language": "nl",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="vera@example.org")
    assert membership.role == HubRole.DIGIHELPER
    assert membership.pending
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("http://testserver/accounts/invitation/") == 1


def test_invite_errors(
    hub: Hub, coordinator: User, staff: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(coordinator)
    response = client.post(
        url("member_invite", hub), {"email": "not-an-email", "full_name": "", "role": "boss"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_email"' in response.text
    already = client.post(
        url("member_invite", hub),
        {"email": staff.email.upper(), "full_name": "Sam", "role": HubRole.STAFF, "language": "nl"},
    )
    assert already.status_code == 200
    assert "is already on the team" in already.text
    assert Membership.objects.filter(user=staff).count() == 1


def test_change_role_and_last_coordinator_rule(
    hub: Hub, coordinator: User, staff: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(coordinator)
    own = Membership.objects.get(user=coordinator)
    response = client.post(url("member_edit", hub, pk=own.pk), {"role": HubRole.STAFF})
    assert response.status_code == 200
    assert "always needs an active coordinator" in response.text
    other = Membership.objects.get(user=staff)
    assert (
        client.post(url("member_edit", hub, pk=other.pk), {"role": HubRole.TRAINER}).status_code
        == 302
    )
    other.refresh_from_db()
    assert other.role == HubRole.TRAINER


def test_switch_off_with_confirmation(
    hub: Hub, coordinator: User, staff: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(coordinator)
    membership = Membership.objects.get(user=staff)
    confirm = client.get(url("member_deactivate", hub, pk=membership.pk))
    assert confirm.status_code == 200
    assert "Yes, switch off" in confirm.text
    assert client.post(url("member_deactivate", hub, pk=membership.pk)).status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    # Switched off: the staff member no longer reaches the hub.
    assert client_for(staff).get(url("dashboard", hub)).status_code == 404
    assert client.post(url("member_reactivate", hub, pk=membership.pk)).status_code == 302
    assert client_for(staff).get(url("dashboard", hub)).status_code == 200


def test_last_coordinator_cannot_switch_self_off(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    own = Membership.objects.get(user=coordinator)
    response = client_for(coordinator).post(url("member_deactivate", hub, pk=own.pk))
    assert response.status_code == 400
    assert "always needs an active coordinator" in response.text
    own.refresh_from_db()
    assert own.is_active


def test_another_hubs_membership_is_404(
    hub: Hub,
    other_hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    foreign = make_user(HubRole.STAFF, other_hub).memberships.get()
    client = client_for(coordinator)
    assert client.get(url("member_edit", hub, pk=foreign.pk)).status_code == 404
    assert client.post(url("member_deactivate", hub, pk=foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.is_active


def test_role_changes_inline_with_htmx(
    hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    volunteer = make_user(HubRole.DIGIHELPER, hub, full_name="Vera Volunteer")
    membership = Membership.objects.get(user=volunteer, hub=hub)
    client = client_for(coordinator)
    edit_url = url("member_edit", hub, pk=membership.pk)

    edit_row = client.get(edit_url, headers={"HX-Request": "true"})
    assert edit_row.status_code == 200
    assert edit_row.text.lstrip().startswith(f'<tr id="member-{membership.pk}">')
    assert 'name="role"' in edit_row.text
    assert "<html" not in edit_row.text

    saved = client.post(edit_url, {"role": HubRole.TRAINER}, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert "Trainer" in saved.text
    assert "Saved" in saved.text
    membership.refresh_from_db()
    assert membership.role == HubRole.TRAINER


def test_inline_role_change_keeps_the_last_coordinator(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    membership = Membership.objects.get(user=coordinator, hub=hub)
    response = client_for(coordinator).post(
        url("member_edit", hub, pk=membership.pk),
        {"role": HubRole.STAFF},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "error-message" in response.text
    membership.refresh_from_db()
    assert membership.role == HubRole.COORDINATOR


def test_invite_refuses_a_national_register_number_as_name(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).post(
        url("member_invite", hub),
        {
            "email": "new@example.org",
            "full_name": "85.07.30-033.28",
            "role": HubRole.STAFF,
            "language": "nl",
        },
    )
    assert response.status_code == 200
    assert "national register numbers" in response.text
    assert not User.objects.filter(email="new@example.org").exists()
