"""The hub journal's filters as a coordinator uses them: who, what and which days, a
plain GET form, axe-checked on every page it shows. Reading a
person's page adds a line that the filters then find."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.network.models import Hub
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def test_coordinator_filters_the_journal(
    site: Site, coordinator: User, staff: User, hub: Hub
) -> None:
    person = Participant(hub=hub, given_name="Jan", family_name="Peeters", postcode="9000")
    apply_search_keys(person)
    person.save()
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/people/{person.pk}/")
    site.visit(f"/h/{hub.slug}/journal/")
    form = site.page.locator("main form.search-form")
    form.locator("select[name=actor]").select_option(str(coordinator.pk))
    form.locator("select[name=action]").select_option("participant.view")
    today = timezone.localdate().isoformat()
    form.locator("input[name=start]").fill(today)
    form.locator("input[name=end]").fill(today)
    site.submit(form.locator("button[type=submit]"))
    rows = site.page.locator("main table tbody tr")
    # The person's page and the journal page itself, both read by the coordinator today.
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Fiche bekeken")  # Dutch: the default language
    form = site.page.locator("main form.search-form")
    form.locator("select[name=actor]").select_option(str(staff.pk))
    site.submit(form.locator("button[type=submit]"))
    expect(site.page.locator("main table")).to_have_count(0)
    site.visit(f"/h/{hub.slug}/journal/?start={today}&end=2000-01-01")
    expect(site.page.locator("#id_end_error")).to_be_visible()
