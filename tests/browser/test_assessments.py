"""The self-assessment journey: find a person, fill in the questionnaire before a course
(a missing answer first, then fixed), again after it, and see the progress per area as
a chart and as a table. axe-core checks every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from digibank.accounts.models import User
from digibank.assessments.models import Answer, Assessment
from digibank.network.models import Hub
from digibank.people import services as people_services

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def _answer_all(page: Page, value: int, *, skip_first: bool = False) -> None:
    radios = page.locator(f"main input[type=radio][name^=statement_][value='{value}']")
    for index in range(radios.count()):
        if skip_first and index == 0:
            continue
        radios.nth(index).check()


def test_before_and_after_show_progress(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    person = people_services.participant_create(
        actor=staff, hub=hub, data={"given_name": "Mariam", "family_name": "Haddad"}
    )
    site.sign_in(staff.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/skills/")
    site.click(page.locator(f"main a[href='/h/{hub.slug}/skills/new/']"))
    page.locator("main input[name=q]").fill("mariam")
    site.submit(page.locator("main form[role=search] button[type=submit]"))
    site.click(page.locator(f"main a[href='/h/{hub.slug}/skills/people/{person.pk}/new/']"))

    # Before the course, with one sentence left unanswered.
    page.locator("main input[name=moment][value=before]").check()
    _answer_all(page, 2, skip_first=True)
    site.submit(site.main_form().locator("button[type=submit]"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    link = summary.locator("a").first
    anchor = str(link.get_attribute("href")).lstrip("#")
    expect(page.locator(f"#{anchor}")).to_be_attached()
    expect(page.locator(".field--error .error-message")).to_have_count(1)
    assert not Assessment.objects.exists(), "nothing is half-saved"
    # The answers given are kept; answer the missing one.
    expect(page.locator("main input[name^=statement_][value='2']:checked")).to_have_count(15)
    _answer_all(page, 2)
    site.submit(site.main_form().locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/skills/people/{person.pk}/"
    assert Answer.objects.filter(rating=2).count() == 16

    # After the course.
    site.click(page.locator(f"main a.button[href^='/h/{hub.slug}/skills/people/{person.pk}/new/']"))
    page.locator("main input[name=moment][value=after]").check()
    _answer_all(page, 4)
    site.submit(site.main_form().locator("button[type=submit]"))

    chart = page.locator("main svg[role=img]")
    expect(chart).to_be_visible()
    labelled = str(chart.get_attribute("aria-labelledby")).split()
    description = page.locator(f"#{labelled[1]}")
    expect(description).to_contain_text("2")
    expect(chart.locator("rect.assessments-chart__bar--after")).to_have_count(5)
    table = page.locator("main table.assessments-table")
    expect(table.locator("tbody tr")).to_have_count(5)
    first_row = table.locator("tbody tr").first
    expect(first_row.locator("td").nth(0)).to_have_text("2,0")
    expect(first_row.locator("td").nth(1)).to_have_text("4,0")
    expect(first_row.locator("td").nth(2)).to_have_text("+2,0")
