"""The grant cycle in the browser, with axe-core on every page: a digibank's applicant
applies for an extension of their existing digibank; the officer amends a grant and the
coordinator sees the new version; the coordinator enters the bank account and the officer
confirms it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import Applicant, Application, CallAudience, GrantAmendment
from digibank.funding.tests.factories import create_call, create_grant, create_round
from digibank.network.models import Hub, Programme

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_applying_for_an_extension_of_an_existing_digibank(
    site: Site, make_user: Callable[..., User], officer: User, programme: Programme, hub: Hub
) -> None:
    applicant = make_user(full_name="Hanne Hub", email="hanne@gent.example")
    Applicant.objects.create(user=applicant, organisation=hub.lead_organisation)
    call = create_call(
        programme=programme,
        created_by=officer,
        title="Verlenging digibanken 2025-2026",
        audience=CallAudience.EXISTING,
    )
    round_ = create_round(call)
    site.sign_in(applicant.email, PASSWORD)
    site.visit(f"/apply/new/{round_.pk}/")
    form = site.main_form()
    form.locator("input[name=title]").fill("Digibank Gent verlengd")
    form.locator("select[name=existing_hub]").select_option(str(hub.pk))
    site.submit(form.locator("button[type=submit]"))
    application = Application.objects.get(title="Digibank Gent verlengd")
    assert application.existing_hub == hub
    assert site.path == f"/apply/{application.pk}/general/"


def test_amending_a_grant_and_confirming_the_hubs_account(
    site: Site, officer: User, coordinator: User, programme: Programme, hub: Hub
) -> None:
    grant = create_grant(
        programme=programme,
        hub=hub,
        created_by=officer,
        amount_cents=400_000_00,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        title="Digibank Gent Verbindt",
    )
    base = f"/programmes/{programme.slug}/grants/{grant.pk}/"

    # The coordinator enters the account the grant is paid to.
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/grant/{grant.pk}/bank-account/")
    form = site.main_form()
    form.locator("input[name=iban]").fill("be71 0961 2345 6769")
    form.locator("input[name=account_holder]").fill("OCMW Gent")
    site.submit(form.locator("button[type=submit]"))
    expect(site.page.locator("main")).to_contain_text("wacht op bevestiging door het programma")

    # The officer confirms it and amends the grant.
    site.page.context.clear_cookies()
    site.sign_in(officer.email, PASSWORD)
    site.visit(base)
    site.submit(site.page.locator(f"main form[action='{base}bank-account/confirm/'] button"))
    expect(site.page.locator("main")).to_contain_text("Bevestigd op")
    site.click(site.page.locator(f"main a[href='{base}amend/']"))
    form = site.main_form()
    form.locator("input[name=amount]").fill("500000")
    form.locator("input[name=ends_on]").fill("2027-06-30")
    form.locator("textarea[name=reason]").fill("Verlenging met zes maanden")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == base
    expect(site.page.locator("main")).to_contain_text("Versie 2")
    amendment = GrantAmendment.objects.get(grant=grant)
    assert amendment.changes["amount_cents"] == [400_000_00, 500_000_00]

    # The coordinator sees the amendment on the hub's grant page.
    site.page.context.clear_cookies()
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/grant/")
    expect(site.page.locator("main")).to_contain_text("Verlenging met zes maanden")
