"""Two-factor sign-in as a new coordinator meets it: set up an authenticator app from
the shown key, keep the recovery codes, and later sign in with one of them instead of
the phone."""

from __future__ import annotations

import base64

import pytest
from django.conf import LazySettings
from django_otp.oath import totp
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.network.models import Hub

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_set_up_two_factor_then_sign_in_with_a_recovery_code(
    site: Site, browser_settings: LazySettings, coordinator: User, hub: Hub
) -> None:
    browser_settings.ENFORCE_TWO_FACTOR = True
    page = site.page
    site.sign_in(coordinator.email, PASSWORD)
    assert site.path.partition("?")[0] == "/accounts/two-factor/", "two-factor set-up first"
    expect(page.locator("main svg")).to_be_visible()  # the QR code

    key = page.locator("code.secret-key").inner_text().strip()
    page.fill("input[name=token]", f"{totp(base64.b32decode(key)):06d}")
    site.submit(site.main_form().locator("button[type=submit]"))
    assert site.path.startswith("/accounts/two-factor/recovery-codes/")
    codes = [code.strip() for code in page.locator(".recovery-codes code").all_inner_texts()]
    assert len(codes) == 10

    site.click(page.locator("main a.button"))
    assert site.path == f"/h/{hub.slug}/"
    site.submit(page.locator("header form[action$='/accounts/logout/'] button"))

    site.sign_in(coordinator.email, PASSWORD)
    assert site.path.startswith("/accounts/two-factor/")
    page.fill("input[name=token]", codes[0])
    site.submit(site.main_form().locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/", "the recovery code stands in for the app's code"
    expect(page.locator("header")).to_contain_text(hub.name)
