"""The grant report in the browser (Dutch, the site's default), with axe-core on every
page: a coordinator opens the report, pre-filled with the hub's own figures, writes the
story and submits it; the figures are then kept with the report."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import Report, ReportKind, ReportStatus
from digibank.funding.tests.factories import Activity, brussels, create_grant
from digibank.network.models import Hub, Programme

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_a_coordinator_submits_the_prefilled_report(
    site: Site, coordinator: User, staff: User, officer: User, hub: Hub, programme: Programme
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, title="Digibank Gent")
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        due_on=date(2026, 1, 31),
    )
    activity = Activity(hub, staff)
    for name in ("Ann", "Bert", "Cis"):
        activity.help_on(activity.person(name, "senior"), brussels(2025, 3, 3), "itsme")
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/grant/reports/")
    assert site.lang.startswith("nl")
    site.click(site.page.locator(f"main a[href='/h/{hub.slug}/grant/reports/{report.pk}/']"))
    page = site.page
    expect(page.locator("#figure-funding-users-reached td")).to_have_text("3")
    expect(page.locator("#figure-helpdesk-questions td")).to_have_text("3")
    expect(page.locator("main")).to_contain_text("itsme")
    form = site.main_form()
    form.locator("textarea[name=narrative]").fill("Drie senioren kregen hulp met itsme.")
    form.locator("textarea[name=next_steps]").fill("Een tweede digipunt openen.")
    site.submit(form.locator("button[name=submit]"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert site.path == f"/h/{hub.slug}/grant/reports/{report.pk}/"
    expect(page.locator("main textarea")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Drie senioren kregen hulp met itsme.")
    expect(page.locator("#figure-funding-users-reached td")).to_have_text("3")
    frozen = {row["key"]: row["value"] for row in report.figures["figures"]}
    assert frozen["funding.users_reached"] == 3
