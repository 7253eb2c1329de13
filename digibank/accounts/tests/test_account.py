from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import TEST_PASSWORD
from digibank.accounts.roles import HubRole
from digibank.core.models import JournalEntry


def token_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or in a later 30-second step: a code is used once)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def test_account_page_shows_two_factor_status(client_for, staff):
    response = client_for(staff).get(reverse("accounts:account"))
    assert response.status_code == 200
    assert "Set up two-factor sign-in" in response.text


def test_a_partner_may_choose_two_factor_and_is_then_asked_for_it(
    client_for, make_user, hub, settings
):
    """A partner viewer reads no personal data, so two-factor is their choice."""
    settings.ENFORCE_TWO_FACTOR = True
    partner = make_user(HubRole.PARTNER_VIEWER, hub)
    client = client_for(partner)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=partner)
    client.post(reverse("accounts:two_factor"), {"token": token_for(device)})

    later = client_for(partner)  # a new sign-in
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})
    assert later.get(dashboard)["Location"].partition("?")[0] == reverse("accounts:two_factor")

    # Only with the second factor may it be switched off.
    assert later.post(reverse("accounts:two_factor_off"))["Location"] == reverse(
        "accounts:two_factor"
    )
    assert TOTPDevice.objects.filter(user=partner).exists()
    later.post(reverse("accounts:two_factor"), {"token": token_for(device, steps_ahead=1)})
    assert later.post(reverse("accounts:two_factor_off")).status_code == 302
    assert not TOTPDevice.objects.filter(user=partner).exists()
    assert JournalEntry.objects.filter(action="account.two_factor_disabled").exists()


def test_coordinator_cannot_switch_two_factor_off(client_for, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    client = client_for(coordinator)
    response = client.post(reverse("accounts:two_factor_off"), follow=True)
    assert "cannot be switched off" in response.text
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_password_change_needs_the_old_password(client_for, staff):
    client = client_for(staff)
    new = "a-new-and-long-passphrase-7"
    wrong = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert wrong.status_code == 200
    assert "error-summary" in wrong.text
    right = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert right.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(new)


def test_two_factor_never_redirects_to_another_site(client_for, staff):
    client = client_for(staff)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=staff)
    evil = "?next=https://evil.example/"
    set_up = client.post(reverse("accounts:two_factor") + evil, {"token": token_for(device)})
    assert set_up["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes") + evil)
    assert 'href="https://evil.example/"' not in codes_page.text  # the "Go on" link

    later = client_for(staff)
    signed_in = later.post(
        reverse("accounts:two_factor") + evil, {"token": token_for(device, steps_ahead=1)}
    )
    assert signed_in["Location"] == reverse("core:home")
