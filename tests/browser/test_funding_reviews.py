"""Reviews and decisions in the browser (Dutch UI), with axe-core on every page:
reviewing with a conflict declared by a second reviewer, and an officer approving an
implementation application and finding the hub it created."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import (
    Application,
    ApplicationStatus,
    ConflictStatus,
    Criterion,
    ReviewAssignment,
    Score,
)
from digibank.funding.services import reviews as services
from digibank.funding.tests.conftest import *  # noqa: F403 (the reviews fixtures)
from digibank.network.models import Hub, Programme

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def _sign_out(site: Site) -> None:
    site.submit(site.page.locator("header form[action$='/logout/'] button"))


def test_reviewing_with_a_conflict_declared_by_a_second_reviewer(
    site: Site,
    officer: User,
    reviewer: User,
    reviewer2: User,
    application: Application,
    criteria: list[Criterion],
) -> None:
    first = services.assignment_create(actor=officer, application=application, reviewer=reviewer)
    second = services.assignment_create(actor=officer, application=application, reviewer=reviewer2)
    page = site.page

    # Reviewer 1: the list, the declaration (no conflict), then the application and scores.
    site.sign_in(reviewer.email, PASSWORD)
    site.visit("/reviews/")
    expect(page.locator("main")).not_to_contain_text(application.title)
    site.click(page.locator(f"main a[href='/reviews/{first.pk}/']"))
    form = site.main_form()
    form.locator("input[name=conflict][value=no]").check()
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/reviews/{first.pk}/application/"
    expect(page.locator("h1")).to_contain_text(application.title)
    reach, partnership = criteria
    form = site.main_form()
    form.locator(f"select[name=score_{reach.pk}]").select_option("4")
    form.locator(f"textarea[name=comment_{reach.pk}]").fill("Many people in reach")
    form.locator(f"select[name=score_{partnership.pk}]").select_option("3")
    form.locator("textarea[name=comment]").fill("A strong partnership")
    site.submit(form.locator("button[name=save]"))
    assert dict(Score.objects.filter(assignment=first).values_list("criterion_id", "value")) == {
        reach.pk: 4,
        partnership.pk: 3,
    }
    site.submit(page.locator(f"form[action='/reviews/{first.pk}/complete/'] button"))
    assert site.path == "/reviews/"
    first.refresh_from_db()
    assert first.completed_at is not None
    _sign_out(site)

    # Reviewer 2 declares a conflict and cannot open the application.
    site.sign_in(reviewer2.email, PASSWORD)
    site.visit(f"/reviews/{second.pk}/")
    expect(page.locator("main")).to_contain_text(application.lead_organisation.name)
    expect(page.locator("main")).not_to_contain_text(application.title)
    form = site.main_form()
    form.locator("input[name=conflict][value=yes]").check()
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    form = site.main_form()
    form.locator("input[name=conflict][value=yes]").check()
    form.locator("textarea[name=note]").fill("I sit on the board of a partner.")
    site.submit(form.locator("button[type=submit]"))
    second.refresh_from_db()
    assert second.conflict == ConflictStatus.CONFLICT
    expect(page.locator("main")).not_to_contain_text(application.title)
    site.visit(f"/reviews/{second.pk}/application/", expect_status=404)
    expect(page.locator("main")).not_to_contain_text(application.title)
    _sign_out(site)

    # The officer sees the scores of reviewer 1 and the conflict of reviewer 2.
    site.sign_in(officer.email, PASSWORD)
    programme = application.round.call.programme
    site.visit(f"/programmes/{programme.slug}/applications/{application.pk}/")
    scores = page.locator("#scores-caption").locator("xpath=..")
    expect(scores).to_contain_text("Many people in reach")
    expect(scores).to_contain_text(reviewer2.full_name)
    # (2 × 4 + 1 × 3) / 3 = 3.67, written the Dutch way
    expect(page.locator("main")).to_contain_text("3,67")  # Dutch decimal comma
    assert ReviewAssignment.objects.filter(conflict=ConflictStatus.CONFLICT).count() == 1


def test_officer_approves_and_sees_the_hub_created(
    site: Site,
    officer: User,
    programme: Programme,
    application: Application,
) -> None:
    page = site.page
    site.sign_in(officer.email, PASSWORD)
    site.visit(f"/programmes/{programme.slug}/")
    site.click(page.locator(f"main a[href$='/rounds/{application.round_id}/applications/']"))
    site.click(page.locator(f"main a[href$='/applications/{application.pk}/']"))
    site.click(page.locator(f"main a[href$='/applications/{application.pk}/decide/']"))
    form = page.locator(f"main form[action$='/applications/{application.pk}/approve/']")
    form.locator("input[name=approve-amount]").fill("")
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    form = page.locator(f"main form[action$='/applications/{application.pk}/approve/']")
    form.locator("input[name=approve-amount]").fill("250000")
    site.submit(form.locator("button[type=submit]"))

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    hub = Hub.objects.get(application=application)
    assert hub.name == application.title
    link = page.locator("#created-hub")
    expect(link).to_have_text(hub.name)
    site.click(link)
    assert site.path == f"/programmes/{programme.slug}/"
    expect(page.locator("main table")).to_contain_text(hub.name)
