"""Recovery codes: made when two-factor is set up, shown once, each usable once instead of
the app's code, renewable from the account page."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from digibank.accounts import services
from digibank.core.models import JournalEntry
from digibank.core.testing import run_at_once

CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


@pytest.fixture
def enforced(settings):
    settings.ENFORCE_TWO_FACTOR = True


def app_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def set_up(client, user) -> tuple[TOTPDevice, list[str]]:
    """Set two-factor up through the pages; returns the device and the codes shown."""
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("accounts:two_factor"), {"token": app_code(device)})
    assert done["Location"] == reverse("accounts:recovery_codes")
    page = client.get(done["Location"])
    return device, CODE.findall(page.text)


def test_setting_up_shows_ten_recovery_codes_once(enforced, client_for, coordinator):
    client = client_for(coordinator)
    _device, codes = set_up(client, coordinator)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    stored = set(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert stored == {code.replace("-", "") for code in codes}
    again = client.get(reverse("accounts:recovery_codes"))
    assert again.status_code == 200
    assert CODE.findall(again.text) == []


def test_a_recovery_code_signs_in_once(enforced, client_for, coordinator, hub):
    _device, codes = set_up(client_for(coordinator), coordinator)
    dashboard = reverse("network:dashboard", kwargs={"hub": hub.slug})

    later = client_for(coordinator)
    assert later.get(dashboard)["Location"].partition("?")[0] == reverse("accounts:two_factor")
    typed = codes[0].upper().replace("-", " - ")  # any case, with spaces and the dash
    used = later.post(reverse("accounts:two_factor"), {"token": typed})
    assert used.status_code == 302
    assert later.get(dashboard).status_code == 200
    entry = JournalEntry.objects.get(action="account.recovery_code_used")
    assert entry.actor == coordinator
    assert entry.details == {"codes_left": 9}

    another = client_for(coordinator)
    refused = another.post(reverse("accounts:two_factor"), {"token": codes[0]})
    assert refused.status_code == 200
    assert "used before" in refused.text
    assert another.get(dashboard).status_code == 302


def test_a_wrong_recovery_code_is_refused(enforced, client_for, coordinator, hub):
    set_up(client_for(coordinator), coordinator)
    client = client_for(coordinator)
    refused = client.post(reverse("accounts:two_factor"), {"token": "aaaa-bbbb"})
    assert "error-summary" in refused.text
    assert client.get(reverse("network:dashboard", kwargs={"hub": hub.slug})).status_code == 302


def test_recovery_codes_are_not_accepted_while_setting_up(enforced, client_for, coordinator):
    """Before an app is confirmed only its code counts (there are no recovery codes)."""
    client = client_for(coordinator)
    client.get(reverse("accounts:two_factor"))
    response = client.post(reverse("accounts:two_factor"), {"token": "aaaa-bbbb"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_recovery_code_sent_twice_at_once_signs_in_once(coordinator):
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    code = services.two_factor_recovery_codes_renew(actor=coordinator)[0]
    outcomes = run_at_once(
        [lambda: services.two_factor_recovery_code_use(actor=coordinator, code=code)] * 2
    )
    accepted = [outcome for outcome in outcomes if outcome.error is None and outcome.value]
    assert len(accepted) == 1, outcomes
    assert JournalEntry.objects.filter(action="account.recovery_code_used").count() == 1


def test_new_recovery_codes_from_the_account_page(enforced, client_for, coordinator):
    client = client_for(coordinator)
    _device, old_codes = set_up(client, coordinator)
    account = client.get(reverse("accounts:account"))
    assert "10 recovery codes left" in account.text

    renewed = client.post(reverse("accounts:recovery_codes_renew"))
    assert renewed["Location"] == reverse("accounts:recovery_codes")
    new_codes = CODE.findall(client.get(renewed["Location"]).text)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert StaticDevice.objects.filter(user=coordinator).count() == 1
    assert JournalEntry.objects.filter(
        action="account.recovery_codes_renewed", actor=coordinator
    ).exists()

    later = client_for(coordinator)
    assert "used before" in later.post(reverse("accounts:two_factor"), {"token": old_codes[1]}).text
    too_soon = later.post(reverse("accounts:two_factor"), {"token": new_codes[1]})
    assert "Wait a few seconds" in too_soon.text
    time.sleep(1.1)  # django-otp throttles after a wrong code
    assert later.post(reverse("accounts:two_factor"), {"token": new_codes[1]}).status_code == 302


def test_renewing_needs_the_second_factor_first(enforced, client_for, coordinator):
    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    response = client_for(coordinator).post(reverse("accounts:recovery_codes_renew"))
    assert response["Location"].partition("?")[0] == reverse("accounts:two_factor")
    assert not StaticDevice.objects.filter(user=coordinator).exists()


def test_no_recovery_codes_without_an_app(client_for, coordinator):
    response = client_for(coordinator).post(reverse("accounts:recovery_codes_renew"), follow=True)
    assert "Set up two-factor sign-in first" in response.text
    assert not StaticDevice.objects.filter(user=coordinator).exists()
