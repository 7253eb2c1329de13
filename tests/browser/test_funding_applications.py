"""Writing and submitting a partnership application in the browser (Dutch), with
axe-core on every page: register as an applicant from a call's round, start a draft,
fill the sections, try to submit with a question left open (the problem is listed with a
link to fix it), answer it, wait for an officer to confirm the applicant, submit, and see
the application frozen."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import (
    Applicant,
    Application,
    ApplicationStatus,
    Call,
    CallKind,
    Question,
    QuestionKind,
    Round,
)
from digibank.funding.services.applications import applicant_confirm
from digibank.network.models import Programme

from .conftest import Site

pytestmark = pytest.mark.browser
EMAIL = "ilse@mechelen.example"


def _number(eight_digits: int) -> str:
    return f"{eight_digits:08d}{97 - eight_digits % 97:02d}"


def test_register_write_and_submit_an_application(
    site: Site, programme: Programme, officer: User
) -> None:
    now = timezone.now()
    call = Call.objects.create(
        programme=programme,
        title="Voortraject digibanken",
        slug="voortraject",
        kind=CallKind.PREPARATION,
        max_amount_cents=15_000_00,
        max_duration_months=4,
        required_goals=["lending"],
        region="flanders",
        is_published=True,
        created_by=officer,
    )
    round_ = Round.objects.create(
        call=call,
        name="Ronde 1",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=20),
        budget_cents=100_000_00,
    )
    question = Question.objects.create(
        call=call, position=1, label="Waarom deze samenwerking?", kind=QuestionKind.LONG_TEXT
    )
    page = site.page

    # A visitor follows the round's link and registers; the account starts once they
    # follow the e-mailed link and choose a password, and they come back to start.
    site.visit(f"/apply/new/{round_.pk}/")
    site.click(page.locator("main a[href^='/apply/register/']"))
    form = site.main_form()
    form.locator("input[name=full_name]").fill("Ilse Aanvrager")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=enterprise_number]").fill(_number(2076001))
    form.locator("input[name=organisation_name]").fill("Stad Mechelen")
    form.locator("select[name=organisation_kind]").select_option("local_government")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == "/accounts/check-your-mailbox/"
    expect(page.locator("h1")).to_contain_text("Kijk in je mailbox")
    assert not User.objects.get(email=EMAIL).is_active

    (message,) = mail.outbox
    found = re.search(r"http\S+/accounts/activate/\S+", str(message.body))
    assert found is not None
    site.visit(found.group(0))
    form = site.main_form()
    form.locator("input[name=new_password1]").fill("een-lang-en-goed-wachtwoord")
    form.locator("input[name=new_password2]").fill("een-lang-en-goed-wachtwoord")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/apply/new/{round_.pk}/"
    assert User.objects.get(email=EMAIL).is_active

    form = site.main_form()
    expect(form.locator("input[name=lead_organisation]")).to_be_checked()
    form.locator("input[name=title]").fill("Digibank Mechelen")
    site.submit(form.locator("button[type=submit]"))
    application = Application.objects.get()
    base = f"/apply/{application.pk}/"
    assert site.path == base + "general/"

    # General.
    form = site.main_form()
    form.locator("textarea[name=summary]").fill("Laptops, lessen en hulp aan de balie.")
    form.locator("input[name=starts_on]").fill("2026-09-01")
    form.locator("input[name=ends_on]").fill("2026-12-31")
    site.submit(form.locator("button[type=submit]"))

    # Service area: search by postcode, add.
    site.visit(base + "area/")
    page.locator("main input[name=q]").fill("2800")
    site.submit(page.locator("main form[role=search] button[type=submit]"))
    site.submit(page.locator("main form:has(input[name=municipality][value='12025']) button"))
    expect(page.locator("main .area-list")).to_contain_text("Mechelen")

    # Goals.
    site.visit(base + "goals/")
    form = site.main_form()
    form.locator("input[name=goals][value=lending]").check()
    form.locator("input[name=goals][value=training]").check()
    site.submit(form.locator("button[type=submit]"))

    # Budget: one line, in euros with a comma.
    site.visit(base + "budget/")
    form = site.main_form()
    form.locator("select[name=category]").select_option("personnel")
    form.locator("input[name=description]").fill("Coördinator")
    form.locator("input[name=amount]").fill("12.000,50")
    site.submit(form.locator("button[type=submit]"))
    application.refresh_from_db()
    assert application.requested_cents == 12_000_50

    # Submitting with the question still open: refused, the problem listed with a link.
    site.visit(base + "submit/")
    site.submit(site.main_form().locator("button[type=submit]"))
    problems = page.locator("main .error-summary[aria-labelledby=problems-title]")
    expect(problems).to_contain_text("Waarom deze samenwerking?")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT

    # Fix it through the link, then submit.
    site.click(problems.locator(f"a[href='{base}questions/']"))
    form = site.main_form()
    form.locator(f"textarea[name=question_{question.pk}]").fill("Samen bereiken we meer mensen.")
    site.submit(form.locator("button[type=submit]"))
    site.visit(base + "submit/")
    expect(page.locator("main .error-summary")).to_have_count(0)
    # The first to register an enterprise number waits for an officer's confirmation.
    expect(page.locator("main")).to_contain_text("Je kunt nog niet indienen")
    applicant_confirm(actor=officer, applicant=Applicant.objects.get(user__email=EMAIL))
    site.visit(base + "submit/")
    site.submit(site.main_form().locator("button[type=submit]"))
    assert site.path == base
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.revision == 1

    # Frozen: no editing links; an editing page leads back to the read-only overview.
    expect(page.locator(f"main a[href='{base}general/']")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Samen bereiken we meer mensen.")
    site.visit(base + "budget/")
    assert site.path == base
