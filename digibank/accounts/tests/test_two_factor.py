import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.accounts.roles import HubRole, ProgrammeRoleKind
from digibank.core.models import JournalEntry


@pytest.fixture
def enforced(settings):
    settings.ENFORCE_TWO_FACTOR = True


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_coordinator_must_set_up_two_factor_before_anything_else(
    enforced, client_for, coordinator, hub
):
    client = client_for(coordinator)
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].partition("?")[0] == reverse("accounts:two_factor")

    setup = client.get(reverse("accounts:two_factor"))
    assert setup.status_code == 200
    assert "<svg" in setup.text  # the QR code

    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "error-summary" in wrong.text

    too_soon = client.post(reverse("accounts:two_factor"), {"token": current_token(device)})
    assert "Wait a few seconds" in too_soon.text
    time.sleep(1.1)  # django-otp throttles after a wrong code
    done = client.post(reverse("accounts:two_factor"), {"token": current_token(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert JournalEntry.objects.filter(action="account.two_factor_enabled").count() == 1
    assert client.get(dashboard).status_code == 200


ROLES_THAT_READ_PERSONAL_DATA = [
    ("hub", HubRole.COORDINATOR),
    ("hub", HubRole.STAFF),
    ("hub", HubRole.DIGIHELPER),
    ("hub", HubRole.TRAINER),
    ("programme", ProgrammeRoleKind.OFFICER),
    ("programme", ProgrammeRoleKind.REVIEWER),
    ("admin", None),
]


@pytest.mark.parametrize(("kind", "role"), ROLES_THAT_READ_PERSONAL_DATA)
def test_every_role_that_reads_personal_data_must_use_two_factor(
    enforced, client_for, make_user, hub, programme, kind, role
):
    if kind == "hub":
        user = make_user(role, hub)
    elif kind == "programme":
        user = make_user(programme=programme, programme_role=role)
    else:
        user = make_user(is_staff=True)
    response = client_for(user).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].partition("?")[0] == reverse("accounts:two_factor")


def test_a_partner_viewer_is_not_forced(enforced, client_for, make_user, hub):
    partner = make_user(HubRole.PARTNER_VIEWER, hub)
    response = client_for(partner).get(reverse("network:dashboard", kwargs={"hub": hub.slug}))
    assert response.status_code == 200


def test_programme_officer_is_forced(enforced, client_for, officer):
    response = client_for(officer).get(reverse("programmes:list"))
    assert response.status_code == 302


def test_demo_mode_does_not_force_two_factor(client_for, coordinator, hub):
    response = client_for(coordinator).get(reverse("network:dashboard", kwargs={"hub": hub.slug}))
    assert response.status_code == 200
