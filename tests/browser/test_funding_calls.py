"""Calls in the browser (Dutch UI), with axe-core on every page: an officer creates a
call with two rounds, a question and a review criterion, is told why it cannot be
published yet, publishes it, and the public call page shows both rounds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.funding.models import Call
from digibank.network.models import Programme

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def add_round(site: Site, name: str, opens: str, closes: str, budget: str) -> None:
    site.click(site.page.locator("main a[href$='/rounds/new/']"))
    form = site.main_form()
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=opens_on]").fill(opens)
    form.locator("input[name=opens_time]").fill("09:00")
    form.locator("input[name=closes_on]").fill(closes)
    form.locator("input[name=closes_time]").fill("17:00")
    form.locator("input[name=budget_euros]").fill(budget)
    site.submit(form.locator("button[type=submit]"))


def test_officer_creates_and_publishes_a_call_with_two_rounds(
    site: Site, officer: User, programme: Programme
) -> None:
    page = site.page
    today = timezone.localdate()
    site.sign_in(officer.email, PASSWORD)
    site.visit(f"/programmes/{programme.slug}/")
    site.click(page.locator(f"main a[href='/programmes/{programme.slug}/calls/new/']"))
    form = page.locator("main form[method=get]")
    form.locator("input[name=kind][value=implementation]").check()
    site.submit(form.locator("button[type=submit]"))
    form = site.main_form()
    expect(form.locator("input[name=max_amount_euros]")).to_have_value("500000")
    form.locator("input[name=title]").fill("Digibanken 2026")
    form.locator("textarea[name=description]").fill("Samen werken aan digitale inclusie.")
    form.locator("input[name=lead_organisation_kinds][value=local_government]").check()
    site.submit(form.locator("button[type=submit]"))
    call = Call.objects.get()
    assert site.path == f"/programmes/{programme.slug}/calls/{call.pk}/"

    # Not publishable yet: the reasons are shown.
    site.submit(page.locator("main form[action$='/publish/'] button"))
    expect(page.locator(".messages .message--error")).to_have_count(2)
    assert not Call.objects.get().is_published

    add_round(
        site,
        "Eerste ronde",
        str(today - timedelta(days=1)),
        str(today + timedelta(days=10)),
        "2000000",
    )
    add_round(
        site,
        "Tweede ronde",
        str(today + timedelta(days=30)),
        str(today + timedelta(days=60)),
        "1500000",
    )

    site.click(page.locator("main a[href$='/questions/new/']"))
    form = site.main_form()
    form.locator("input[name=label]").fill("Waarom werkt u samen?")
    form.locator("select[name=kind]").select_option("long_text")
    site.submit(form.locator("button[type=submit]"))

    site.click(page.locator("main a[href$='/criteria/new/']"))
    form = site.main_form()
    form.locator("input[name=name]").fill("Bereik")
    form.locator("input[name=weight]").fill("2")
    site.submit(form.locator("button[type=submit]"))

    site.submit(page.locator("main form[action$='/publish/'] button"))
    call.refresh_from_db()
    assert call.is_published
    assert list(call.rounds.values_list("name", flat=True)) == ["Eerste ronde", "Tweede ronde"]

    site.visit(f"/calls/{call.slug}/")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Digibanken 2026")
    expect(main).to_contain_text("Eerste ronde")
    expect(main).to_contain_text("Tweede ronde")
    expect(main).to_contain_text("Waarom werkt u samen?")
    expect(main).to_contain_text("Bereik")
    expect(main.locator("time")).to_have_count(4)

    site.visit("/calls/")
    expect(page.locator("main")).to_contain_text("Digibanken 2026")
