"""Help desk journeys on a phone-sized screen, with axe-core on every page: an anonymous
help in under 10 interactions, a help for a new participant, the quick tally (HTMX count
in place, then completing and leaving anonymous) and the day view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def _location(hub: Hub) -> Location:
    return Location.objects.create(
        hub=hub,
        name="Digipunt Bibliotheek De Krook",
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(nis_code="44021"),
    )


class Counter:
    """Counts what the helper does: clicks, taps, fills."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def test_anonymous_help_in_under_ten_interactions(site: Site, digihelper: User, hub: Hub) -> None:
    location = _location(hub)
    itsme = HelpTopic.objects.get(code="itsme")
    site.page.set_viewport_size({"width": 390, "height": 844})
    site.sign_in(digihelper.email, PASSWORD)
    page = site.page
    done = Counter()

    site.visit(f"/h/{hub.slug}/help/")
    done()
    page.locator(f"main input[name=topics][value='{itsme.pk}']").check()
    done()
    site.submit(
        page.locator(
            "main form.help-form button[type=submit]:not([name=find]):not([tabindex])"
        ).first
    )
    done()

    assert done.count < 10
    question = HelpQuestion.objects.get()
    assert question.participant is None
    assert question.location == location
    assert question.channel == "walk_in"
    assert question.duration_minutes is None  # not recorded: the hub set no default
    expect(page.locator(".messages, [role=status], .message").first).to_be_visible()


def test_refused_note_then_help_for_a_new_participant(
    site: Site, digihelper: User, hub: Hub
) -> None:
    _location(hub)
    ebox = HelpTopic.objects.get(code="ebox")
    site.sign_in(digihelper.email, PASSWORD)
    page = site.page
    site.visit(f"/h/{hub.slug}/help/")
    form = page.locator("main form.help-form")
    form.locator(f"input[name=topics][value='{ebox.pk}']").check()
    form.locator("input[name=person_kind][value=new]").check()
    expect(form.locator("input[name=given_name]")).to_be_visible()
    expect(form.locator("select[name=age_band]")).to_be_hidden()
    form.locator("input[name=given_name]").fill("Jeanine")
    form.locator("input[name=family_name]").fill("Claes")
    form.locator("input[name=phone]").fill("0486 11 22 33")
    form.locator("input[name=consent]").check()
    form.locator("textarea[name=note]").fill("pincode 4821")
    site.submit(form.locator("button[name=to_person]"))

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_note_error")).to_contain_text(re.compile("PIN", re.I))
    assert not Participant.objects.filter(given_name="Jeanine").exists()

    form = page.locator("main form.help-form")
    expect(form.locator("input[name=given_name]")).to_have_value("Jeanine")
    form.locator("textarea[name=note]").fill("eBox geactiveerd")
    site.submit(form.locator("button[name=to_person]"))

    person = Participant.objects.get(hub=hub, given_name="Jeanine")
    assert site.path == f"/h/{hub.slug}/people/{person.pk}/"
    assert HelpQuestion.objects.get().participant == person
    expect(page.locator(".timeline")).to_contain_text("eBox")


def test_quick_tally_complete_and_leave_anonymous(site: Site, digihelper: User, hub: Hub) -> None:
    _location(hub)
    site.sign_in(digihelper.email, PASSWORD)
    page = site.page
    site.visit(f"/h/{hub.slug}/help/tally/")
    itsme = page.locator("main button.tally-tile[value=itsme]")
    urls = len(site.navigations)
    itsme.click()
    expect(itsme.locator(".tally-tile__count")).to_have_attribute("data-count", "1")
    page.locator("main button.tally-tile[value=itsme]").click()
    expect(
        page.locator("main button.tally-tile[value=itsme] .tally-tile__count")
    ).to_have_attribute("data-count", "2")
    assert len(site.navigations) == urls, "HTMX counts in place, without a page load"
    site.check(force=True)
    assert HelpQuestion.objects.filter(is_complete=False).count() == 2

    site.click(page.locator("main a.tally-complete").first)
    form = page.locator("main form.help-form")
    form.locator("input[name=channel][value=phone]").check()
    site.submit(form.locator("button[type=submit]:not([name=find]):not([tabindex])").first)
    assert site.path == f"/h/{hub.slug}/help/tally/"
    assert HelpQuestion.objects.filter(is_complete=True, channel="phone").count() == 1

    site.submit(page.locator("main table form button[type=submit]").first)
    assert not HelpQuestion.objects.filter(is_complete=False).exists()


def test_day_view(site: Site, staff: User, hub: Hub, digihelper: User) -> None:
    location = _location(hub)
    site.sign_in(staff.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/help/tally/")
    site.page.locator("main button.tally-tile[value=taxes]").click()
    expect(
        site.page.locator("main button.tally-tile[value=taxes] .tally-tile__count")
    ).to_have_attribute("data-count", "1")
    site.visit(f"/h/{hub.slug}/help/day/?location={location.pk}")
    expect(site.page.locator("h1")).to_contain_text(location.name)
    expect(site.page.locator("table.helpdesk-totals")).to_contain_text("1")


def test_search_as_you_type_for_a_registered_person(site: Site, digihelper: User, hub: Hub) -> None:
    from digibank.people import services as people_services

    _location(hub)
    person = people_services.participant_create(
        actor=digihelper, hub=hub, data={"given_name": "Fatima", "family_name": "El Idrissi"}
    )
    csam = HelpTopic.objects.get(code="csam")
    site.sign_in(digihelper.email, PASSWORD)
    page = site.page
    site.visit(f"/h/{hub.slug}/help/")
    form = page.locator("main form.help-form")
    form.locator(f"input[name=topics][value='{csam.pk}']").check()
    form.locator("input[name=person_kind][value=registered]").check()
    form.locator("input[name=person_q]").press_sequentially("el idr", delay=30)
    choice = form.locator(f"input[name=participant][value='{person.pk}']")
    expect(choice).to_be_visible()
    site.check(force=True)
    choice.check()
    site.submit(form.locator("button[type=submit]:not([name=find]):not([tabindex])").first)
    assert HelpQuestion.objects.get().participant == person
