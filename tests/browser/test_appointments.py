"""Appointments in the browser, with axe-core on every page: book an appointment for a
registered person and cancel it; the walk-in queue and its waiting-room screen (numbers,
never names); a coordinator fills the rota and sees the gaps."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.appointments.models import Appointment, Shift
from digibank.network.models import Hub, Location, LocationKind, Municipality, OpeningHours
from digibank.network.queries import local_today
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site, axe_check

pytestmark = pytest.mark.browser


def _help_point(hub: Hub) -> Location:
    gent = Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent")
    location = Location.objects.create(
        hub=hub,
        name="Digipunt Kouter",
        kind=LocationKind.DIGIPUNT,
        street="Kouter 1",
        postcode="9000",
        municipality=gent,
    )
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens_at=time(9), closes_at=time(12)
        )
    return location


def _next_monday() -> date:
    today = local_today()
    return today + timedelta(days=7 - today.weekday())


def test_book_and_cancel_an_appointment(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    location = _help_point(hub)
    person = Participant(
        hub=hub, given_name="Rachida", family_name="Bouzidi", phone="0470 55 44 33"
    )
    apply_search_keys(person)
    person.save()
    monday = _next_monday()
    site.sign_in(staff.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/appointments/")
    site.click(
        page.locator(f"main a[href='/h/{hub.slug}/appointments/points/{location.pk}/slots/']")
    )
    site.click(page.locator("main nav a").nth(1))  # next week
    site.click(page.locator("main .appointments-slots a").first)
    expect(page.locator("h1")).to_be_visible()

    search = page.locator("main form[role=search]")
    search.locator("input[name=q]").fill("bouz")
    site.submit(search.locator("button[type=submit]"))
    site.click(page.locator("main .appointments-people a", has_text="Rachida Bouzidi"))

    form = site.main_form()
    form.locator("select[name=topic]").select_option("digital_keys")
    form.locator("textarea[name=about]").fill("itsme on a new phone")
    site.submit(form.locator("button[type=submit]"))

    appointment = Appointment.objects.get(participant=person)
    assert site.path == f"/h/{hub.slug}/appointments/{appointment.pk}/"
    assert appointment.starts_at.date() >= monday - timedelta(days=1)
    expect(page.locator("main")).to_contain_text("Rachida Bouzidi")

    site.click(page.locator(f"main a[href='/h/{hub.slug}/appointments/{appointment.pk}/cancel/']"))
    site.submit(site.main_form().locator("button[type=submit]"))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert site.path == f"/h/{hub.slug}/appointments/{appointment.pk}/"


def test_walk_in_queue_and_the_waiting_room_screen(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    location = _help_point(hub)
    site.sign_in(staff.email, PASSWORD)
    queue = f"/h/{hub.slug}/appointments/queue/{location.pk}/"
    site.visit(queue)
    take = page.locator("main form").first
    take.locator("input[name=name]").fill("Fatimazahra")
    site.submit(take.locator("button[type=submit]"))
    take = page.locator("main form").first
    site.submit(take.locator("button[type=submit]"))  # a second walk-in, no name
    call = page.locator(f"main form[action$='/queue/{location.pk}/next/']")
    call.locator("input[name=desk]").fill("Balie 2")
    site.submit(call.locator("button[type=submit]"))
    expect(page.locator("main")).to_contain_text("Balie 2")

    site.visit(f"{queue}screen/")
    board = page.locator("#queue-board")
    expect(board.locator(".queue-screen__number").first).to_have_text("1")
    expect(board).to_contain_text("Balie 2")
    assert "Fatimazahra" not in page.content()
    # Refreshed by HTMX polling; without JavaScript by a meta refresh in <noscript>.
    expect(board).to_have_attribute("hx-trigger", "every 10s")

    # The public display gets its own secret link; it needs no session.
    site.visit(queue)
    site.click(page.locator(f"main a[href='{queue}screen-link/']"))
    site.submit(site.main_form().locator("button[type=submit]"))
    link = page.locator("main input#screen-link").input_value()
    browser = page.context.browser
    assert browser is not None
    display = browser.new_context(bypass_csp=True, locale="nl-BE")  # no cookies, no session
    screen = display.new_page()
    screen.goto(link)
    expect(screen.locator("#queue-board")).to_contain_text("Balie 2")
    assert "Fatimazahra" not in screen.content()
    axe_check(screen)
    display.close()


def test_coordinator_fills_the_rota_and_sees_gaps(
    site: Site, coordinator: User, digihelper: User, hub: Hub
) -> None:
    page = site.page
    location = _help_point(hub)
    monday = _next_monday()
    site.sign_in(coordinator.email, PASSWORD)
    site.visit(f"/h/{hub.slug}/appointments/rota/{location.pk}/?week={monday.isoformat()}")
    site.click(page.locator(f"main a[href^='/h/{hub.slug}/appointments/rota/{location.pk}/new/']"))
    form = site.main_form()
    form.locator("select[name=user]").select_option(str(digihelper.pk))
    form.locator("input[name=date]").fill(monday.isoformat())
    form.locator("input[name=starts_at]").fill("09:00")
    form.locator("input[name=ends_at]").fill("11:00")
    site.submit(form.locator("button[type=submit]"))
    assert Shift.objects.filter(user=digihelper, date=monday).exists()
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text(digihelper.full_name)
    expect(row).to_contain_text("11:00–12:00")
