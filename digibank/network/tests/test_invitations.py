"""Invitations need the owner's consent: an invitation is a pending membership that grants
nothing until the owner of the address says yes through the e-mailed link; nobody who
registered the address first gains anything; the coordinator sees the account's own name,
and sends the invitation again or withdraws it from the team page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.accounts.scoping import memberships_of
from digibank.accounts.tests.conftest import link_in_mail
from digibank.accounts.twofactor import needs_two_factor
from digibank.core.models import JournalEntry
from digibank.funding.tests.factories import enterprise_number
from digibank.network import services
from digibank.network.models import Hub

pytestmark = pytest.mark.django_db

INVITATION = "/accounts/invitation/"
PASSWORD = "een-lang-en-goed-wachtwoord"


def dashboard(hub: Hub) -> str:
    return reverse("network:dashboard", kwargs={"hub": hub.slug})


def team_url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"hub": hub.slug, **kwargs})


def invite(
    coordinator: User, hub: Hub, email: str, role: str = HubRole.COORDINATOR, name: str = ""
) -> Membership:
    return services.member_invite(
        actor=coordinator,
        hub=hub,
        email=email,
        full_name=name,
        role=role,
        language="nl",
        base_url="http://testserver",
    )


def test_a_pending_membership_grants_nothing(
    hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = make_user(email="colleague@example.org", full_name="Cora Colleague")
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub, "Colleague@Example.org", name="Typed Name")
    assert membership.pending
    assert not membership.is_active
    assert membership.user.full_name == "Cora Colleague"  # the account's own name
    client = client_for(colleague)
    assert client.get(dashboard(hub)).status_code == 404
    assert memberships_of(colleague) == []
    assert not needs_two_factor(colleague)  # not a coordinator yet either
    assert membership.permissions == frozenset()
    # Only its owner can say yes: the coordinator cannot switch it on.
    with pytest.raises(ValidationError, match="not accepted"):
        services.member_set_active(actor=coordinator, membership=membership, active=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # nor can anything else
        Membership.objects.filter(pk=membership.pk).update(is_active=True)


def test_the_owner_says_yes_through_the_link_while_signed_in(
    hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = make_user(email="colleague@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub, colleague.email, role=HubRole.STAFF)
    link = link_in_mail(colleague.email, INVITATION)
    anonymous = Client().get(link)
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    stranger = client_for(make_user(email="stranger@example.org"))
    assert stranger.get(link).status_code == 403
    assert stranger.post(link).status_code == 403
    client = client_for(colleague)
    page = client.get(link)
    assert page.status_code == 200
    assert hub.name in page.text
    assert Membership.objects.get(pk=membership.pk).pending  # opening the link grants nothing
    assert client.post(link)["Location"] == dashboard(hub)
    membership.refresh_from_db()
    assert membership.is_active
    assert not membership.pending
    assert client.get(dashboard(hub)).status_code == 200
    assert "does not work any more" in client.get(link).text  # used
    assert JournalEntry.objects.filter(action="member.accept", actor=colleague).exists()


def test_a_new_person_chooses_a_password_and_joins(
    hub: Hub, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub, "nieuw@example.org", HubRole.DIGIHELPER, "Nora")
    user = membership.user
    assert user.awaits_activation
    client = Client()
    link = link_in_mail("nieuw@example.org", INVITATION)
    short = client.post(link, {"new_password1": "kort", "new_password2": "kort"})
    assert short.status_code == 200
    assert "There is a problem" in short.text
    accepted = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert accepted["Location"] == dashboard(hub)
    assert client.get(dashboard(hub)).status_code == 200
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(PASSWORD)


def test_who_registered_the_address_first_gains_nothing(
    hub: Hub,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """An attacker signs up with the address of the future colleague, before the
    coordinator invites it. The invitation attaches to nothing the attacker can use."""
    attacker = Client()
    with django_capture_on_commit_callbacks(execute=True):
        attacker.post(
            reverse("funding_applications:register"),
            {
                "full_name": "Mallory",
                "email": "new.colleague@example.org",
                "enterprise_number": enterprise_number(7500001),
                "organisation_name": "Vzw Mallory",
                "organisation_kind": "civil_society",
            },
        )
    squatted = User.objects.get(email="new.colleague@example.org")
    assert squatted.awaits_activation
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(coordinator, hub, "new.colleague@example.org", name="Nele Nieuw")
    assert membership.pending
    assert not membership.is_active
    assert membership.user.full_name == "Nele Nieuw"  # an unproven account has no name yet

    # Even an activated account (through the sign-up link) has no access to the hub:
    # only the invitation link, sent to the address, says yes.
    activation = link_in_mail("new.colleague@example.org", "/accounts/activate/")
    mail_invitation = link_in_mail("new.colleague@example.org", INVITATION)
    attacker.post(activation, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert User.objects.get(pk=squatted.pk).is_active
    assert attacker.get(dashboard(hub)).status_code == 404
    forged = INVITATION + "eyJtIjoxfQ:forged:signature/"
    assert "does not work any more" in attacker.post(forged).text
    assert Membership.objects.get(pk=membership.pk).pending
    assert attacker.get(dashboard(hub)).status_code == 404

    assert attacker.post(mail_invitation)["Location"] == dashboard(hub)  # the mailbox's owner
    assert Membership.objects.get(pk=membership.pk).is_active


def test_the_team_page_lists_pending_invitations_to_send_again_or_withdraw(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url("member_invite", hub),
            {
                "email": "vera@example.org",
                "full_name": "Vera Vrijwilliger",
                "role": HubRole.DIGIHELPER,
                "language": "nl",
            },
            follow=True,
        )
    assert "We sent an invitation to Vera Vrijwilliger" in response.text
    membership = Membership.objects.get(user__email="vera@example.org")
    page = client.get(team_url("members", hub))
    assert "Invited, has not said yes yet" in page.text
    resend_url = team_url("member_invitation_resend", hub, pk=membership.pk)
    cancel_url = team_url("member_invitation_cancel", hub, pk=membership.pk)
    assert resend_url in page.text
    assert cancel_url in page.text
    first_link = link_in_mail("vera@example.org", INVITATION)

    assert client.get(resend_url).status_code == 302  # to its page, nothing sent
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resend_url)["Location"] == team_url("members", hub)
    assert len([m for m in mail.outbox if m.to == ["vera@example.org"]]) == 2

    assert client.post(cancel_url)["Location"] == team_url("members", hub)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    gone = Client().get(first_link)
    assert "does not work any more" in gone.text
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"member.invite", "member.invite_again", "member.invite_cancel"} <= actions


def test_only_coordinators_resend_or_withdraw(
    hub: Hub,
    coordinator: User,
    staff: User,
    other_hub: Hub,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    membership = invite(coordinator, hub, "vera@example.org", HubRole.STAFF, "Vera")
    for name in ("member_invitation_resend", "member_invitation_cancel"):
        assert client_for(staff).post(team_url(name, hub, pk=membership.pk)).status_code == 403
        elsewhere = make_user(HubRole.COORDINATOR, other_hub)
        assert (
            client_for(elsewhere).post(team_url(name, other_hub, pk=membership.pk)).status_code
            == 404
        )
    assert Membership.objects.get(pk=membership.pk).pending


def test_added_at_own_request_only_with_an_activated_account(
    hub: Hub, coordinator: User, make_user: Callable[..., User]
) -> None:
    """The author of an approved application becomes its hub's coordinator at once; an
    account whose address was never proven is refused."""
    unproven = User.objects.create_user(email="unproven@example.org", is_active=False)
    with pytest.raises(ValidationError, match="not activated"):
        services.member_add_at_own_request(
            actor=coordinator, hub=hub, user=unproven, role=HubRole.COORDINATOR
        )
    assert not Membership.objects.filter(user=unproven).exists()
    author = make_user(email="author@example.org")
    membership = services.member_add_at_own_request(
        actor=coordinator, hub=hub, user=author, role=HubRole.COORDINATOR
    )
    assert membership.is_active
    assert not membership.pending


def test_pages_with_invitations_have_bounded_queries(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    for number in range(25):
        invite(coordinator, hub, f"invited{number}@example.org", HubRole.STAFF, f"Person {number}")
    client = client_for(coordinator)
    with django_assert_max_num_queries(7):
        page = client.get(team_url("members", hub))
    assert page.text.count("Withdraw the invitation") == 24  # 25 rows per page, one is you
    with django_capture_on_commit_callbacks(execute=True):
        invite(coordinator, hub, "last@example.org", HubRole.STAFF, "Last Person")
    link = link_in_mail("last@example.org", INVITATION)
    with django_assert_max_num_queries(4):
        assert Client().get(link).status_code == 200
