"""The team: inviting (new account with an e-mail, or an existing account), roles, and
never a hub without an active coordinator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.accounts.tokens import membership_from_invitation
from digibank.core.models import JournalEntry
from digibank.network import services
from digibank.network.models import Hub

BASE = "https://digibank.example"


def invite(actor: User, hub: Hub, **overrides: Any) -> Membership:
    fields: dict[str, Any] = {
        "email": "Nieuw@Example.org",
        "full_name": "Nora Nieuw",
        "role": HubRole.DIGIHELPER,
        "language": "fr",
        "base_url": BASE,
    }
    fields.update(overrides)
    return services.member_invite(actor=actor, hub=hub, **fields)


def test_new_person_gets_an_inactive_account_a_pending_membership_and_an_email(
    hub: Hub, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub)
    user = membership.user
    assert user.email == "nieuw@example.org"
    assert user.preferred_language == "fr"
    assert not user.has_usable_password()
    assert user.awaits_activation
    assert membership.pending
    assert not membership.is_active
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@example.org"]
    found = re.search(r"https://digibank\.example(/accounts/invitation/\S+/)", str(message.body))
    assert found is not None
    assert membership_from_invitation(found.group(1).split("/")[-2]) == membership
    assert hub.name in message.subject
    entry = JournalEntry.objects.get(action="member.invite")
    assert entry.details == {"role": HubRole.DIGIHELPER, "new_account": True}


def test_no_email_when_the_transaction_fails(
    hub: Hub, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        invite(coordinator, hub, role="boss")
    assert callbacks == []
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_existing_user_gets_a_pending_membership_and_keeps_their_name(
    hub: Hub,
    other_hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    elsewhere = make_user(HubRole.STAFF, other_hub, email="elders@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub, email="ELDERS@example.org", full_name="Other")
    assert membership.user == elsewhere
    elsewhere.refresh_from_db()
    assert elsewhere.full_name != "Other"
    assert membership.pending
    assert not membership.is_active
    assert [message.to for message in mail.outbox] == [["elders@example.org"]]
    assert "/accounts/invitation/" in str(mail.outbox[0].body)
    assert elsewhere.memberships.count() == 2


def test_already_on_the_team_gives_a_clear_error(hub: Hub, coordinator: User, staff: User) -> None:
    with pytest.raises(ValidationError) as caught:
        invite(coordinator, hub, email=staff.email)
    assert "already on the team" in caught.value.message_dict["email"][0]
    Membership.objects.filter(user=staff).update(is_active=False)
    with pytest.raises(ValidationError) as caught:
        invite(coordinator, hub, email=staff.email)
    assert "switched off" in caught.value.message_dict["email"][0]


def test_the_last_coordinator_cannot_step_down_or_be_switched_off(
    hub: Hub, coordinator: User, make_user: Callable[..., User]
) -> None:
    membership = Membership.objects.get(user=coordinator, hub=hub)
    with pytest.raises(ValidationError, match="active coordinator"):
        services.member_change_role(actor=coordinator, membership=membership, role=HubRole.STAFF)
    with pytest.raises(ValidationError, match="active coordinator"):
        services.member_set_active(actor=coordinator, membership=membership, active=False)
    # A coordinator whose account is blocked does not count.
    blocked = make_user(HubRole.COORDINATOR, hub, is_active=False)
    assert blocked.memberships.get().is_active
    with pytest.raises(ValidationError):
        services.member_set_active(actor=coordinator, membership=membership, active=False)

    make_user(HubRole.COORDINATOR, hub)
    services.member_change_role(actor=coordinator, membership=membership, role=HubRole.STAFF)
    membership.refresh_from_db()
    assert membership.role == HubRole.STAFF
    entry = JournalEntry.objects.get(action="member.role")
    assert entry.details == {"from": HubRole.COORDINATOR, "to": HubRole.STAFF}


def test_switch_off_and_on(hub: Hub, coordinator: User, staff: User) -> None:
    membership = Membership.objects.get(user=staff, hub=hub)
    services.member_set_active(actor=coordinator, membership=membership, active=False)
    assert not Membership.objects.get(pk=membership.pk).is_active
    services.member_set_active(actor=coordinator, membership=membership, active=True)
    assert Membership.objects.get(pk=membership.pk).is_active
    actions = list(JournalEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["member.deactivate", "member.reactivate"]
