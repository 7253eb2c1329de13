"""Grants in the browser, with axe-core on every page: the officer enters a wrong IBAN
(and sees why), then a right one, makes the standard plan, approves the advance and
records it as paid, sets the Flemish tiers; the hub's coordinator sees the grant."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import Grant, PaymentStatus, ReachTier
from digibank.funding.tests.factories import create_grant
from digibank.network.models import Hub, Programme

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_officer_keeps_the_grant_and_the_coordinator_sees_it(
    site: Site, officer: User, coordinator: User, programme: Programme, hub: Hub
) -> None:
    grant = create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        amount_cents=500_000_00,
        starts_on=date(2025, 1, 1),
        ends_on=date(2030, 12, 31),
        title="Digibank Gent Verbindt",
    )
    base = f"/programmes/{programme.slug}/grants/{grant.pk}/"
    site.sign_in(officer.email, PASSWORD)
    site.visit(f"/programmes/{programme.slug}/grants/")
    site.click(site.page.locator("main a", has_text="Digibank Gent Verbindt"))
    assert site.path == base

    # A wrong IBAN first: the error summary and the field say why.
    site.visit(base + "bank-account/")
    form = site.main_form()
    form.locator("input[name=iban]").fill("BE72 0961 2345 6769")
    form.locator("input[name=account_holder]").fill("Vzw Samen")
    site.submit(form.locator("button[type=submit]"))
    expect(site.page.locator(".error-summary")).to_be_visible()
    expect(site.page.locator("#id_iban_error")).to_be_visible()
    form = site.main_form()
    form.locator("input[name=iban]").fill("be71 0961 2345 6769")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == base
    expect(site.page.locator("main")).to_contain_text("BE71 0961 2345 6769")

    # The standard plan, then approve and pay the advance.
    site.submit(site.page.locator(f"main form[action='{base}instalments/standard/'] button"))
    advance = grant.instalments.order_by("planned_on").first()
    assert advance is not None
    site.submit(
        site.page.locator(f"main form[action='{base}instalments/{advance.pk}/approve/'] button")
    )
    site.click(site.page.locator(f"main a[href='{base}instalments/{advance.pk}/paid/']"))
    form = site.main_form()
    form.locator("input[name=reference]").fill("OVS-2025-001")
    site.submit(form.locator("button[type=submit]"))
    advance.refresh_from_db()
    assert (advance.status, advance.payment_reference) == (PaymentStatus.PAID, "OVS-2025-001")

    # The Flemish tiers.
    site.visit(base + "tiers/")
    site.submit(site.page.locator(f"main form[action='{base}tiers/flemish-2025/'] button"))
    assert ReachTier.objects.filter(grant=grant).count() == 4

    # The coordinator's page.
    site.page.context.clear_cookies()
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/grant/")
    expect(site.page.locator("main h2").first).to_contain_text("Digibank Gent Verbindt")
    expect(site.page.locator("main table").first).to_be_visible()
    assert Grant.objects.get(pk=grant.pk).iban == "BE71096123456769"
