"""The help desk's day in the browser, in Dutch, with axe-core on every page: finishing
an appointment opens the help log pre-filled; the follow-up list and closing a
follow-up; withdrawing a mistaken help with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.appointments.models import Appointment, Source, Topic
from digibank.helpdesk import services
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people.keys import apply_search_keys
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


def _person(hub: Hub) -> Participant:
    person = Participant(hub=hub, given_name="Rachida", family_name="Bouzidi", phone="0470 55")
    apply_search_keys(person)
    person.save()
    return person


def _in_dutch(site: Site, user: User) -> None:
    site.sign_in(user.email, PASSWORD)
    if site.lang != "nl":
        site.switch_language("nl")
    assert site.lang == "nl"


def test_finishing_an_appointment_opens_the_log_prefilled(
    site: Site, digihelper: User, hub: Hub
) -> None:
    location = _location(hub)
    person = _person(hub)
    now = timezone.now()
    appointment = Appointment.objects.create(
        hub=hub,
        location=location,
        participant=person,
        starts_at=now - timedelta(minutes=40),
        ends_at=now - timedelta(minutes=10),
        topic=Topic.DIGITAL_KEYS,
        source=Source.STAFF,
    )
    _in_dutch(site, digihelper)
    page = site.page
    site.visit(f"/h/{hub.slug}/appointments/{appointment.pk}/")
    site.submit(page.locator("main button[name=came][value='1']"))
    assert site.path.startswith(f"/h/{hub.slug}/help/?")
    itsme = HelpTopic.objects.get(code="itsme")
    expect(page.locator(f"main input[name=topics][value='{itsme.pk}']")).to_be_checked()
    expect(page.locator("main input[name=person_kind][value=registered]")).to_be_checked()
    expect(page.locator(f"main input[name=participant][value='{person.pk}']")).to_be_checked()
    site.submit(
        page.locator(
            "main form.help-form button[type=submit]:not([name=find]):not([tabindex])"
        ).first
    )
    question = HelpQuestion.objects.get()
    assert question.participant == person
    assert question.channel == "appointment"


def test_follow_up_list_and_done(site: Site, digihelper: User, hub: Hub) -> None:
    location = _location(hub)
    person = _person(hub)
    services.help_log(
        actor=digihelper,
        hub=hub,
        values=services.HelpValues(
            location=location,
            topics=[HelpTopic.objects.get(code="taxes")],
            participant=person,
            follow_up_needed=True,
            follow_up_due=timezone.localdate(),
        ),
    )
    _in_dutch(site, digihelper)
    page = site.page
    site.visit(f"/h/{hub.slug}/help/follow-ups/")
    expect(page.locator("main table")).to_contain_text("Rachida Bouzidi")
    site.click(page.locator("main table a.button").first)
    page.locator("main input[name=outcome]").fill("Teruggebeld, aangifte is klaar")
    site.submit(site.main_form().locator("button[type=submit]"))
    assert HelpQuestion.objects.get().follow_up_done_at is not None
    site.visit(f"/h/{hub.slug}/help/follow-ups/?which=done")
    expect(page.locator("main table")).to_contain_text("Teruggebeld")


def test_withdraw_a_mistaken_help(site: Site, digihelper: User, hub: Hub) -> None:
    location = _location(hub)
    question = services.help_tally(
        actor=digihelper, hub=hub, location=location, topic=HelpTopic.objects.get(code="ebox")
    )
    _in_dutch(site, digihelper)
    page = site.page
    site.visit(f"/h/{hub.slug}/help/{question.pk}/")
    site.click(page.locator(f"main a[href='/h/{hub.slug}/help/{question.pk}/withdraw/']"))
    form = site.main_form()
    site.submit(form.locator("button[type=submit]"))  # no reason: told why, in Dutch
    expect(page.locator("main")).to_contain_text("Zeg in een paar woorden")
    site.main_form().locator("input[name=reason]").fill("Verkeerde tegel getikt")
    site.submit(site.main_form().locator("button[type=submit]"))
    assert HelpQuestion.all_objects.get(pk=question.pk).withdrawn_at is not None
    assert not HelpQuestion.objects.exists()
