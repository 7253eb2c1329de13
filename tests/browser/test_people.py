"""The desk journey: register a person (a form error first, then fixed), find them again
by a partial accent-free name and by the end of their phone number, then anonymise the
record and see the personal data gone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.network.models import Hub
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser

NATIONAL_NUMBER = "85.07.30-033.28"  # passes the mod-97 check: must be refused

GIVEN, FAMILY, PHONE = "Françoise", "Dupré-Çelik", "0470 12 34 56"


def _someone_else(hub: Hub) -> Participant:
    """Another person of the hub, whom the searches below must not find."""
    other = Participant(
        hub=hub, given_name="Jan", family_name="Peeters", phone="0486 55 66 77", postcode="9000"
    )
    apply_search_keys(other)
    other.save()
    return other


def test_register_find_and_anonymise_a_person(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    _someone_else(hub)
    site.sign_in(staff.email, PASSWORD)
    site.click(page.locator(f"nav.hub-nav a[href='/h/{hub.slug}/people/']"))
    site.click(page.locator(f"main a[href='/h/{hub.slug}/people/new/']").first)

    # (c) Register, with two mistakes: a postcode that does not exist and a national
    # register number typed in the family name.
    form = site.main_form()
    form.locator("input[name=given_name]").fill(GIVEN)
    form.locator("input[name=family_name]").fill(NATIONAL_NUMBER)
    form.locator("input[name=phone]").fill(PHONE)
    form.locator("input[name=birth_year]").fill("1958")
    form.locator("input[name=postcode]").fill("9999")
    site.submit(form.locator("button[type=submit]"))

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    for field in ("postcode", "family_name"):
        expect(summary.locator(f"a[href='#id_{field}']")).to_be_visible()
        expect(page.locator(f"#id_{field}_error")).to_be_visible()
        control = page.locator(f"#id_{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute("aria-describedby", re.compile(f"id_{field}_error"))
    expect(page.locator("#id_family_name_error")).to_contain_text(
        re.compile("national|rijksregister", re.I)
    )
    expect(page.locator("input[name=given_name]")).to_have_value(GIVEN)
    assert not Participant.objects.filter(given_name=GIVEN).exists(), "nothing is half-saved"

    form = site.main_form()
    form.locator("input[name=family_name]").fill(FAMILY)
    form.locator("input[name=postcode]").fill("9000")
    consent = form.locator("input[name=consent]")
    if consent.count():
        consent.check()
    site.submit(form.locator("button[type=submit]"))
    errors = page.locator(".error-summary")
    assert not errors.count(), f"the corrected form is refused: {errors.inner_text()}"

    person = Participant.objects.get(hub=hub, given_name=GIVEN)
    assert site.path == f"/h/{hub.slug}/people/{person.pk}/"
    expect(page.locator("h1")).to_have_text(f"{GIVEN} {FAMILY}")
    expect(page.locator("main")).to_contain_text(PHONE)
    expect(page.locator(".error-summary")).to_have_count(0)

    # (d) Find the person again: part of the name without accents (the form sent as
    # without JavaScript), then the last digits of the phone number in the live search.
    site.click(page.locator(f"nav.hub-nav a[href='/h/{hub.slug}/people/']"))
    search = page.locator("main form[role=search]")
    search.locator("input[name=q]").fill("dupre")
    site.submit(search.locator("button[type=submit]"))
    results = page.locator("#search-results")
    expect(results.locator("a", has_text=f"{GIVEN} {FAMILY}")).to_be_visible()
    expect(results).not_to_contain_text("Peeters")

    search.locator("input[name=q]").fill("franc")
    site.submit(search.locator("button[type=submit]"))
    expect(results.locator("a", has_text=f"{GIVEN} {FAMILY}")).to_be_visible()

    # Typing alone searches (HTMX swaps the results and puts the query in the address).
    search.locator("input[name=q]").fill("3456")
    page.wait_for_url(re.compile(r"q=3456"))
    expect(results.locator("a", has_text=f"{GIVEN} {FAMILY}")).to_be_visible()
    expect(results).not_to_contain_text("Peeters")
    site.check(force=True)  # the results may have been swapped in place by HTMX

    # (e) Anonymise: confirming is required, then the personal data is gone.
    site.click(results.locator("a", has_text=f"{GIVEN} {FAMILY}"))
    site.click(page.locator(f"main a[href='/h/{hub.slug}/people/{person.pk}/anonymise/']"))
    form = site.main_form()
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    assert Participant.objects.get(pk=person.pk).anonymised_at is None

    form = site.main_form()
    form.locator("input[name=confirm]").check()
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"/h/{hub.slug}/people/{person.pk}/"
    main = page.locator("main")
    for gone in (GIVEN, FAMILY, PHONE, "1234 56", "0470"):
        expect(main).not_to_contain_text(gone)
    expect(page.locator("h1")).not_to_contain_text(GIVEN)
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.phone) == ("", "", "")

    site.visit(f"/h/{hub.slug}/people/?q=dupre")
    expect(page.locator("#search-results")).not_to_contain_text(GIVEN)
