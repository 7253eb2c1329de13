"""A lost phone: a coordinator resets a team member's two-factor (a platform admin
anyone's), journaled; nobody resets their own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.accounts import services
from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.models import JournalEntry


@pytest.fixture
def enforced(settings):
    settings.ENFORCE_TWO_FACTOR = True


def with_two_factor(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    services.two_factor_recovery_codes_renew(actor=user)
    return device


def verified_client(client_for, user, device: TOTPDevice):
    client = client_for(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert (
        client.post(reverse("accounts:two_factor"), {"token": f"{totp.token():06d}"}).status_code
        == 302
    )
    return client


def reset_url(hub, membership) -> str:
    return reverse("network:member_two_factor_reset", kwargs={"hub": hub.slug, "pk": membership.pk})


def test_a_coordinator_resets_a_team_members_two_factor(
    enforced, client_for, coordinator, staff, hub
):
    coordinator_client = verified_client(client_for, coordinator, with_two_factor(coordinator))
    staff_device = with_two_factor(staff)
    staff_client = verified_client(client_for, staff, staff_device)
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    assert staff_client.get(dashboard).status_code == 200

    membership = Membership.objects.get(user=staff, hub=hub)
    page = coordinator_client.get(reset_url(hub, membership))
    assert page.status_code == 200
    assert "Sam Staff" in page.text
    done = coordinator_client.post(reset_url(hub, membership))
    assert done["Location"] == reverse("network:members", kwargs={"hub": hub.slug})

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    entry = JournalEntry.objects.get(action="account.two_factor_reset")
    assert (entry.actor, entry.subject_id, entry.hub_id) == (coordinator, str(staff.pk), hub.pk)
    # The session verified with the old app counts no more: set up again.
    assert staff_client.get(dashboard)["Location"].partition("?")[0] == reverse(
        "accounts:two_factor"
    )
    assert "Set up two-factor sign-in" in staff_client.get(reverse("accounts:two_factor")).text


def test_another_hubs_member_answers_404(client_for, coordinator, make_user, other_hub, hub):
    stranger = make_user(HubRole.STAFF, other_hub)
    with_two_factor(stranger)
    membership = Membership.objects.get(user=stranger)
    response = client_for(coordinator).post(reset_url(hub, membership))
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=stranger).exists()
    assert not JournalEntry.objects.filter(action="account.two_factor_reset").exists()


def test_nobody_resets_their_own_two_factor(client_for, coordinator, hub):
    with_two_factor(coordinator)
    membership = Membership.objects.get(user=coordinator, hub=hub)
    page = client_for(coordinator).get(reset_url(hub, membership))
    assert "cannot reset your own" in page.text
    response = client_for(coordinator).post(reset_url(hub, membership))
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_only_coordinators_may_reset(client_for, staff, digihelper, hub):
    with_two_factor(digihelper)
    membership = Membership.objects.get(user=digihelper, hub=hub)
    assert client_for(staff).post(reset_url(hub, membership)).status_code == 403
    assert TOTPDevice.objects.filter(user=digihelper).exists()


def test_the_service_refuses_a_coordinator_of_another_hub(coordinator, make_user, other_hub):
    stranger = make_user(HubRole.STAFF, other_hub)
    with_two_factor(stranger)
    with pytest.raises(PermissionDenied):
        services.two_factor_reset(actor=coordinator, subject=stranger)
    assert TOTPDevice.objects.filter(user=stranger).exists()


def test_a_coordinator_cannot_reset_a_platform_admin_in_their_hub(
    client_for, coordinator, make_user, hub
):
    admin = make_user(HubRole.STAFF, hub, is_staff=True)
    with_two_factor(admin)
    membership = Membership.objects.get(user=admin, hub=hub)
    assert client_for(coordinator).post(reset_url(hub, membership)).status_code == 403
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_a_platform_admin_resets_anyone_from_the_admin_site(
    client_for, make_user, other_hub, officer
):
    admin = make_user(is_staff=True, is_superuser=True)
    stranger = make_user(HubRole.STAFF, other_hub)
    for user in (stranger, officer, admin):
        with_two_factor(user)
    response = client_for(admin).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [stranger.pk, officer.pk, admin.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "cannot reset your own" in response.text

    assert not TOTPDevice.objects.filter(user__in=[stranger, officer]).exists()
    assert TOTPDevice.objects.filter(user=admin).exists(), "not their own"
    lines = set(
        JournalEntry.objects.filter(action="account.two_factor_reset").values_list(
            "actor_id", "subject_id"
        )
    )
    assert lines == {(admin.pk, str(stranger.pk)), (admin.pk, str(officer.pk))}


def test_the_team_page_offers_the_reset_for_others_only(client_for, coordinator, staff, hub):
    page = client_for(coordinator).get(reverse("network:members", kwargs={"hub": hub.slug}))
    own = Membership.objects.get(user=coordinator, hub=hub)
    other = Membership.objects.get(user=staff, hub=hub)
    assert reset_url(hub, other) in page.text
    assert reset_url(hub, own) not in page.text


def test_a_pending_invitation_gives_the_coordinator_no_reset(
    coordinator, make_user, hub, other_hub
):
    """Inviting someone's existing account gives no say over it until they say yes."""
    outsider = make_user(HubRole.STAFF, other_hub)
    with_two_factor(outsider)
    Membership.objects.create(
        user=outsider, hub=hub, role=HubRole.STAFF, is_active=False, pending=True
    )
    assert not services.may_reset_two_factor(actor=coordinator, subject=outsider)
    with pytest.raises(PermissionDenied):
        services.two_factor_reset(actor=coordinator, subject=outsider, hub_id=hub.pk)
    assert TOTPDevice.objects.filter(user=outsider).exists()
