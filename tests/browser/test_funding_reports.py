"""The grant report in the browser (Dutch, the site's default), with axe-core on every
page: a coordinator opens the report, pre-filled with the hub's own figures, writes the
story and submits it; the figures are then kept with the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import (
    BudgetCategory,
    BudgetLine,
    Report,
    ReportComment,
    ReportKind,
    ReportStatus,
)
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


def test_spending_and_an_attachment_then_the_officer_comments_on_one_figure(
    site: Site,
    coordinator: User,
    staff: User,
    officer: User,
    hub: Hub,
    programme: Programme,
    tmp_path: Path,
) -> None:
    grant = create_grant(programme=programme, hub=hub, created_by=officer, title="Digibank Gent")
    line = BudgetLine.objects.create(
        application=grant.application,
        category=BudgetCategory.PERSONNEL,
        description="Coaches",
        amount_cents=10_000_00,
    )
    report = Report.objects.create(
        grant=grant,
        kind=ReportKind.INTERIM,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        due_on=date(2026, 1, 31),
    )
    activity = Activity(hub, staff)
    activity.help_on(activity.person("Ann", "senior"), brussels(2025, 3, 3), "itsme")
    minutes = tmp_path / "stuurgroep.pdf"
    minutes.write_bytes(b"%PDF-1.4 verslag")
    site.sign_in(coordinator.email, PASSWORD)
    url = f"/h/{hub.slug}/grant/reports/{report.pk}/"
    site.visit(url)
    page = site.page
    attach = page.locator("#attachments form[enctype='multipart/form-data']")
    attach.locator("select[name=kind]").select_option("minutes")
    attach.locator("input[name=title]").fill("Verslag stuurgroep")
    attach.locator("input[name=file]").set_input_files(str(minutes))
    site.submit(attach.locator("button[type=submit]"))
    expect(page.locator("#attachments")).to_contain_text("Verslag stuurgroep")
    form = site.main_form()
    form.locator("textarea[name=narrative]").fill("Een goed jaar.")
    form.locator("textarea[name=next_steps]").fill("Meer digipunten.")
    form.locator(f"input[name=spent_{line.pk}]").fill("12000")
    site.submit(form.locator("button[name=submit]"))
    # 20% over the plan without a reason: the error stands next to the line.
    expect(page.locator(f"#part-spending-{line.pk}")).to_contain_text("leg uit waarom")
    form = site.main_form()
    form.locator(f"textarea[name=why_{line.pk}]").fill("Een extra coach in het najaar.")
    site.submit(form.locator("button[name=submit]"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    site.page.context.clear_cookies()
    site.sign_in(officer.email, PASSWORD)
    site.visit(f"/programmes/{programme.slug}/reports/{report.pk}/")
    comment_form = page.locator("#comment-form form")
    comment_form.locator("select[name=target]").select_option("figure:helpdesk.questions")
    comment_form.locator("textarea[name=text]").fill("Waarom zo weinig vragen in de zomer?")
    comment_form.locator("input[name=asks_change]").check()
    site.submit(comment_form.locator("button[type=submit]"))
    expect(page.locator("#part-figure-helpdesk-questions")).to_contain_text("in de zomer")
    assert ReportComment.objects.get(report=report).target == "figure:helpdesk.questions"
    site.finish()
