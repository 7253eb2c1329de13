"""Learning journeys in the browser, with axe-core on every page: create a course with
competences, plan a session, enrol until full and onto the waiting list, free a seat and
see the offer; take attendance with one tap per person and download a certificate."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.learning import services
from digibank.learning.models import Certificate, Course, Enrolment, Offer, Session
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people.keys import apply_search_keys
from digibank.people.models import Participant

from .conftest import TEST_PASSWORD as PASSWORD
from .conftest import Site

pytestmark = pytest.mark.browser


def _person(hub: Hub, given: str, family: str) -> Participant:
    person = Participant(hub=hub, given_name=given, family_name=family, postcode="9000")
    apply_search_keys(person)
    person.save()
    return person


def _location(hub: Hub) -> Location:
    return Location.objects.create(
        hub=hub,
        name="Digipunt De Krook",
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(nis_code="44021"),
        offers_training=True,
    )


def test_course_session_enrol_until_full_and_offer(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    location = _location(hub)
    people = [_person(hub, given, "Verhoeven") for given in ("Aline", "Bruno", "Celine")]
    site.sign_in(staff.email, PASSWORD)
    base = f"/h/{hub.slug}/learning"

    # A course with two competences; first with a mistake (no title).
    site.visit(f"{base}/courses/new/")
    form = site.main_form()
    form.locator("textarea[name=description]").fill("Leer veilig bankieren op je smartphone.")
    form.locator("input[name=audiences][value=seniors]").check()
    form.locator("input[name=languages][value=nl]").check()
    form.locator("input[name=meeting_count]").fill("2")
    form.locator("input[name=hours]").fill("4")
    form.locator("select[name=level_4_2]").select_option("2")
    form.locator("select[name=level_2_1]").select_option("3")
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    assert not Course.objects.exists()
    form = site.main_form()
    form.locator("input[name=title]").fill("Veilig bankieren")
    site.submit(form.locator("button[type=submit]"))
    course = Course.objects.get()
    assert site.path == f"{base}/courses/{course.pk}/"
    expect(page.locator("main")).to_contain_text("4.2")

    # Plan a session of two seats.
    site.click(page.locator(f"main a[href='{base}/sessions/new/?course={course.pk}']"))
    form = site.main_form()
    day = timezone.localdate() + timedelta(days=7)
    form.locator("input[name=capacity]").fill("2")
    form.locator("input[name=date]").fill(day.isoformat())
    form.locator("input[name=start]").fill("14:00")
    form.locator("input[name=end]").fill("16:00")
    form.locator("select[name=location]").select_option(str(location.pk))
    site.submit(form.locator("button[type=submit]"))
    session = Session.objects.get()
    assert site.path == f"{base}/sessions/{session.pk}/"

    # Enrol three people: two seats, then the waiting list.
    for person in people:
        site.click(page.locator(f"main a[href='{base}/sessions/{session.pk}/enrol/']"))
        search = page.locator("main form[role=search]")
        search.locator("input[name=q]").fill(person.given_name)
        page.wait_for_timeout(50)
        search.locator("button[type=submit]").click()
        row = page.locator(f"#enrol-results form:has(input[value='{person.pk}'])")
        expect(row).to_be_visible()
        site.check(force=True)
        site.submit(row.locator("button[type=submit]"))
    statuses = dict(Enrolment.objects.values_list("participant__given_name", "status"))
    assert statuses == {"Aline": "enrolled", "Bruno": "enrolled", "Celine": "waiting"}
    expect(page.locator("ol.learning-waiting")).to_contain_text("Celine")

    # Aline leaves: Celine is offered the seat and takes it.
    aline = Enrolment.objects.get(participant=people[0])
    site.submit(
        page.locator(f"form[action='{base}/enrolments/{aline.pk}/cancel/'] button[type=submit]")
    )
    offer = Offer.objects.get()
    assert offer.enrolment.participant == people[2]
    accept = page.locator(f"form[action='{base}/offers/{offer.pk}/accept/'] button[type=submit]")
    expect(accept).to_be_visible()
    site.submit(accept)
    assert Enrolment.objects.get(participant=people[2]).status == "enrolled"
    site.finish()


def test_attendance_and_certificate(site: Site, make_user: object, hub: Hub, staff: User) -> None:
    trainer = make_user(HubRole.TRAINER, hub, full_name="Tine Trainer")  # type: ignore[operator]
    page = site.page
    location = _location(hub)
    course = services.course_create(
        actor=staff, hub=hub, data={"title": "E-mail voor beginners", "hours": "2"}
    )
    start = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    start += timedelta(hours=9)
    session = services.session_create(
        actor=staff,
        course=course,
        capacity=5,
        trainers=[trainer],
        first_meeting={
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "location": location,
        },
    )
    people = [_person(hub, given, "Janssens") for given in ("Dirk", "Els")]
    enrolments = [
        services.enrolment_create(actor=staff, session=session, participant=p) for p in people
    ]
    meeting = session.meetings.get()
    base = f"/h/{hub.slug}/learning"
    site.sign_in(trainer.email, PASSWORD)
    site.visit(f"{base}/sessions/{session.pk}/")
    site.click(page.locator(f"main a[href='{base}/meetings/{meeting.pk}/attendance/']"))

    # One tap per person; HTMX swaps the row in place.
    for enrolment, status in zip(enrolments, ("present", "absent"), strict=True):
        row = page.locator(f"#row-{enrolment.pk}")
        row.locator(f"button[value={status}]").click()
        expect(page.locator(f"#row-{enrolment.pk} button[value={status}]")).to_have_attribute(
            "aria-pressed", "true"
        )
        site.check(force=True)
    statuses = dict(
        Enrolment.objects.filter(attendances__isnull=False).values_list(
            "participant__given_name", "attendances__status"
        )
    )
    assert statuses == {"Dirk": "present", "Els": "absent"}

    # The trainer's own page lists today's meeting.
    site.visit(f"{base}/mine/")
    expect(page.locator("main ul.learning-today")).to_contain_text("E-mail voor beginners")

    # Certificates come from an explicit action: Dirk gets one, Els the reason why not.
    site.visit(f"{base}/sessions/{session.pk}/")
    assert not Certificate.objects.exists()
    site.submit(page.locator(f"form[action='{base}/sessions/{session.pk}/certificates/'] button"))
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [enrolments[0].pk]
    expect(page.locator("main")).to_contain_text("Els")
    with page.expect_download() as download:
        page.locator(f"main a[href='{base}/enrolments/{enrolments[0].pk}/certificate/']").click()
    assert download.value.suggested_filename == f"certificate-{enrolments[0].pk}.pdf"
    # Els has no certificate: her row offers the action, her page says why not.
    expect(
        page.locator(f"form[action='{base}/enrolments/{enrolments[1].pk}/certificate/issue/']")
    ).to_be_visible()
    site.visit(f"{base}/enrolments/{enrolments[1].pk}/certificate/")
    expect(page.locator("main [role=status]")).to_contain_text("1")
    assert Certificate.objects.count() == 1
    site.finish()


def test_moving_a_meeting(site: Site, staff: User, hub: Hub) -> None:
    page = site.page
    location = _location(hub)
    course = services.course_create(actor=staff, hub=hub, data={"title": "Werken met itsme"})
    day = timezone.localdate() + timedelta(days=7)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)
    session = services.session_create(
        actor=staff,
        course=course,
        capacity=5,
        first_meeting={
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "location": location,
        },
    )
    meeting = session.meetings.get()
    base = f"/h/{hub.slug}/learning"
    site.sign_in(staff.email, PASSWORD)
    site.visit(f"{base}/sessions/{session.pk}/")
    site.click(page.locator(f"main a[href='{base}/meetings/{meeting.pk}/edit/']"))
    form = site.main_form()
    # First a mistake: the end before the start.
    form.locator("input[name=start]").fill("15:00")
    form.locator("input[name=end]").fill("14:00")
    site.submit(form.locator("button[type=submit]"))
    expect(page.locator(".error-summary")).to_be_visible()
    form = site.main_form()
    new_day = day + timedelta(days=1)
    form.locator("input[name=date]").fill(new_day.isoformat())
    form.locator("input[name=start]").fill("15:00")
    form.locator("input[name=end]").fill("17:00")
    site.submit(form.locator("button[type=submit]"))
    assert site.path == f"{base}/sessions/{session.pk}/"
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.starts_at).date() == new_day
    assert timezone.localtime(meeting.starts_at).hour == 15
    site.finish()
