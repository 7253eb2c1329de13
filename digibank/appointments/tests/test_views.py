"""The pages: permissions per role, other hub -> 404, booking (registered and new
person), cancel and reschedule, rota and shifts, queue and the waiting-room screen
(no names), and query counts that do not grow with the rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.appointments import services
from digibank.appointments.models import (
    Appointment,
    QueueTicket,
    Shift,
    SlotSettings,
    Source,
    Status,
    Topic,
)
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

from .conftest import at

pytestmark = pytest.mark.django_db


def url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"appointments:{name}", kwargs={"hub": hub.slug, **kwargs})


def _appointment(location: Location, person: Participant, day: date, hour: int) -> Appointment:
    return Appointment.objects.create(
        hub=location.hub,
        location=location,
        participant=person,
        starts_at=at(day, hour),
        ends_at=at(day, hour, 30),
        topic=Topic.EBOX,
        source=Source.STAFF,
    )


def test_pages_answer_for_a_digihelper(
    client_for: Callable[[User], Client],
    digihelper: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    appointment = _appointment(location, participant, monday, 9)
    client = client_for(digihelper)
    for page in (
        url("index", hub),
        url("day", hub) + f"?day={monday}",
        url("slots", hub, location=location.pk),
        url("book", hub, location=location.pk),
        url("detail", hub, pk=appointment.pk),
        url("cancel", hub, pk=appointment.pk),
        url("reschedule", hub, pk=appointment.pk),
        url("rota", hub, location=location.pk),
        url("my_shifts", hub),
        url("queue", hub, location=location.pk),
        url("queue_screen", hub, location=location.pk),
    ):
        assert client.get(page).status_code == 200, page
    for page in (
        url("settings", hub, location=location.pk),
        url("shift_add", hub, location=location.pk),
    ):
        assert client.get(page).status_code == 403, page


def test_partner_viewer_sees_only_my_shifts(
    client_for: Callable[[User], Client],
    make_user: Callable[..., User],
    hub: Hub,
    location: Location,
) -> None:
    client = client_for(make_user(HubRole.PARTNER_VIEWER, hub))
    assert client.get(url("my_shifts", hub)).status_code == 200
    assert client.get(url("index", hub)).status_code == 403
    assert client.get(url("queue_screen", hub, location=location.pk)).status_code == 403


def test_another_hubs_records_are_404(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_location: Callable[..., Location],
    make_participant: Callable[..., Participant],
    monday: date,
) -> None:
    theirs = make_location(other_hub)
    person = make_participant(other_hub, given_name="Gudrun")
    appointment = _appointment(theirs, person, monday, 9)
    ticket = services.ticket_take(actor=None, location=theirs)
    client = client_for(staff)
    for page in (
        url("slots", hub, location=theirs.pk),
        url("rota", hub, location=theirs.pk),
        url("queue_screen", hub, location=theirs.pk),
        url("detail", hub, pk=appointment.pk),
        url("cancel", hub, pk=appointment.pk),
    ):
        assert client.get(page).status_code == 404, page
    assert client.post(url("cancel", hub, pk=appointment.pk)).status_code == 404
    assert client.post(url("ticket_call", hub, pk=ticket.pk), {"desk": "1"}).status_code == 404
    assert client.get(url("index", other_hub)).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_book_for_a_registered_person(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    client = client_for(staff)
    start = at(monday, 10).isoformat()
    page = url("book", hub, location=location.pk) + f"?start={quote(start)}"
    found = client.get(page + "&q=clae")
    assert "Marie Claes" in found.content.decode()
    response = client.post(
        page + f"&participant={participant.pk}", {"topic": "taxes", "about": "Tax return"}
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", hub, pk=appointment.pk)
    assert appointment.participant == participant
    assert appointment.starts_at == at(monday, 10)


def test_book_for_a_new_person_and_a_full_slot_saves_nothing(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    client = client_for(staff)
    start = quote(at(monday, 10).isoformat())
    page = url("book", hub, location=location.pk) + f"?start={start}"
    data = {
        "given_name": "Omar",
        "phone": "0470 99 88 77",
        "preferred_language": "fr",
        "topic": "ebox",
    }
    assert client.post(page, data).status_code == 302
    omar = Participant.objects.get(given_name="Omar")
    assert Appointment.objects.get(participant=omar).topic == "ebox"
    # The slot is full now: a second new person is refused and not registered either.
    response = client.post(page, {**data, "given_name": "Zoë"})
    assert response.status_code == 200
    assert "no longer free" in response.content.decode()
    assert not Participant.objects.filter(given_name="Zoë").exists()


def test_booking_form_errors_are_shown(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    client = client_for(staff)
    page = url("book", hub, location=location.pk) + f"?start={quote(at(monday, 10).isoformat())}"
    response = client.post(
        page + f"&participant={participant.pk}", {"topic": "", "about": "85.07.30-033.28"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body
    assert "national register" in body
    assert not Appointment.objects.exists()
    assert client.get(url("book", hub, location=location.pk) + "?start=nonsense").status_code == 400


def test_cancel_and_reschedule_pages(
    client_for: Callable[[User], Client],
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
) -> None:
    appointment = _appointment(location, participant, monday, 9)
    client = client_for(staff)
    response = client.post(
        url("reschedule", hub, pk=appointment.pk), {"starts_at": at(monday, 11).isoformat()}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(monday, 11)
    bad = client.post(url("reschedule", hub, pk=appointment.pk), {"starts_at": "x"})
    assert bad.status_code == 400
    assert client.post(url("cancel", hub, pk=appointment.pk)).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    again = client.post(url("cancel", hub, pk=appointment.pk))
    assert "no longer booked" in again.content.decode()


def test_rota_shift_add_and_remove(
    client_for: Callable[[User], Client],
    coordinator: User,
    digihelper: User,
    hub: Hub,
    location: Location,
    monday: date,
) -> None:
    client = client_for(coordinator)
    data = {
        "user": digihelper.pk,
        "date": monday.isoformat(),
        "starts_at": "09:00",
        "ends_at": "11:00",
    }
    assert client.post(url("shift_add", hub, location=location.pk), data).status_code == 302
    shift = Shift.objects.get()
    rota = client.get(url("rota", hub, location=location.pk) + f"?week={monday}")
    body = rota.content.decode()
    assert "Dirk Helper" in body
    assert "11:00–12:00" in body  # the gap
    outside = client.post(
        url("shift_add", hub, location=location.pk),
        {**data, "starts_at": "07:00", "user": coordinator.pk},
    )
    assert "opening hours" in outside.content.decode()
    assert client.post(url("shift_remove", hub, pk=shift.pk)).status_code == 302
    assert not Shift.objects.exists()


def test_my_shifts_lists_only_mine(
    client_for: Callable[[User], Client],
    coordinator: User,
    digihelper: User,
    staff: User,
    location: Location,
    hub: Hub,
    monday: date,
) -> None:
    services.shift_create(
        actor=coordinator,
        location=location,
        user=digihelper,
        day=monday,
        starts_at=time(9),
        ends_at=time(12),
    )
    services.shift_create(
        actor=coordinator,
        location=location,
        user=staff,
        day=monday + timedelta(days=1),
        starts_at=time(9),
        ends_at=time(12),
    )
    body = client_for(digihelper).get(url("my_shifts", hub)).content.decode()
    assert body.count("09:00–12:00") == 1


def test_settings_page_saves(
    client_for: Callable[[User], Client], coordinator: User, hub: Hub, location: Location
) -> None:
    client = client_for(coordinator)
    data = {"slot_minutes": 20, "desks": 2, "book_ahead_days": 14, "min_notice_hours": 1}
    assert client.post(url("settings", hub, location=location.pk), data).status_code == 302
    assert SlotSettings.objects.get(location=location).slot_minutes == 20
    bad = client.post(url("settings", hub, location=location.pk), {**data, "slot_minutes": 1})
    assert bad.status_code == 200
    assert "error-summary" in bad.content.decode()


def test_queue_desk_and_screen_without_names(
    client_for: Callable[[User], Client], staff: User, hub: Hub, location: Location
) -> None:
    client = client_for(staff)
    assert (
        client.post(url("queue", hub, location=location.pk), {"name": "Rosalinde"}).status_code
        == 302
    )
    client.post(url("queue", hub, location=location.pk), {"name": "", "topic": "taxes"})
    assert "Rosalinde" in client.get(url("queue", hub, location=location.pk)).content.decode()
    missing = client.post(url("queue_next", hub, location=location.pk), {"desk": ""})
    assert missing.status_code == 400
    assert (
        client.post(url("queue_next", hub, location=location.pk), {"desk": "Desk 3"}).status_code
        == 302
    )
    screen = client.get(url("queue_screen", hub, location=location.pk))
    body = screen.content.decode()
    assert 'http-equiv="refresh"' in body
    assert "every 10s" in body
    assert "Desk 3" in body
    assert "Rosalinde" not in body
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", body))  # none inline
    partial = client.get(
        url("queue_screen", hub, location=location.pk), headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode()
    first = QueueTicket.objects.get(number=1)
    assert client.post(url("ticket_finish", hub, pk=first.pk)).status_code == 302
    second = QueueTicket.objects.get(number=2)
    assert client.post(url("ticket_call", hub, pk=second.pk), {"desk": "Desk 1"}).status_code == 302
    second.refresh_from_db()
    assert second.status == "called"


def test_dashboard_panel_figures_and_timeline(
    staff: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    monday: date,
    rf: Any,
    django_assert_num_queries: Any,
) -> None:
    from django.template.loader import render_to_string

    from digibank.accounts.models import Membership
    from digibank.appointments import panels
    from digibank.people.timeline import timeline_for

    _appointment(location, participant, monday, 9)
    services.ticket_take(actor=None, location=location)
    request = rf.get("/")
    request.hub = hub
    request.membership = Membership.objects.get(user=staff, hub=hub)
    panel = panels.dashboard_panel(request)
    assert panel is not None
    assert panel.context["appointments_waiting"] == 1
    assert "Appointments and queue" in render_to_string(panel.template, panel.context)
    request.membership.role = HubRole.PARTNER_VIEWER
    assert panels.dashboard_panel(request) is None
    with django_assert_num_queries(1):
        assert panels.hub_figures([hub.pk]) == {hub.pk: {panels.APPOINTMENTS_FIGURE: 1}}
    titles = [str(item.title) for item in timeline_for(participant)]
    assert "Appointment at Digipunt Kouter" in titles


def test_merge_moves_appointments_to_the_survivor(
    coordinator: User,
    hub: Hub,
    location: Location,
    participant: Participant,
    make_participant: Callable[..., Participant],
    monday: date,
) -> None:
    from digibank.people.services import participant_merge

    duplicate = make_participant(hub, given_name="Marie", family_name="Claes")
    appointment = _appointment(location, duplicate, monday, 9)
    ticket = services.ticket_take(actor=None, location=location, participant=duplicate)
    participant_merge(actor=coordinator, source=duplicate, target=participant)
    appointment.refresh_from_db()
    ticket.refresh_from_db()
    assert appointment.participant == participant
    assert ticket.participant == participant


def test_query_counts_do_not_grow(
    client_for: Callable[[User], Client],
    coordinator: User,
    hub: Hub,
    location: Location,
    make_participant: Callable[..., Participant],
    make_user: Callable[..., User],
    monday: date,
    django_assert_max_num_queries: Any,
) -> None:
    services.slot_settings_save(
        actor=coordinator,
        location=location,
        slot_minutes=10,
        desks=5,
        book_ahead_days=60,
        min_notice_hours=0,
    )
    helpers = [make_user(HubRole.DIGIHELPER, hub) for _ in range(5)]
    for offset in range(5):
        for helper in helpers:
            Shift.objects.create(
                hub=hub,
                location=location,
                user=helper,
                date=monday + timedelta(days=offset),
                starts_at=time(9),
                ends_at=time(16, 30),
            )
    for index in range(40):
        person = make_participant(hub, given_name=f"Person{index}")
        Appointment.objects.create(
            hub=hub,
            location=location,
            participant=person,
            starts_at=at(monday, 9) + timedelta(minutes=10 * (index // 2)),
            ends_at=at(monday, 9) + timedelta(minutes=10 * (index // 2) + 10),
            desk=index % 2 + 1,
            topic=Topic.OTHER,
            source=Source.STAFF,
        )
        QueueTicket.objects.create(hub=hub, location=location, day=date.today(), number=index + 1)
    client = client_for(coordinator)
    pages = {
        url("index", hub): 12,
        url("day", hub) + f"?day={monday}": 12,
        url("slots", hub, location=location.pk) + f"?week={monday}": 14,
        url("rota", hub, location=location.pk) + f"?week={monday}": 14,
        url("my_shifts", hub): 12,
        url("queue", hub, location=location.pk): 14,
        url("queue_screen", hub, location=location.pk): 8,
    }
    for page, limit in pages.items():
        with django_assert_max_num_queries(limit):
            assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "99999999999"])
def test_a_far_date_in_the_address_shows_today_and_says_why(
    client_for: Callable[[User], Client], digihelper: User, hub: Hub, location: Location, far: str
) -> None:
    """The day after 9999-12-31 does not exist: this page once answered 500."""
    from django.utils import timezone

    client = client_for(digihelper)
    for page in (
        url("day", hub) + f"?day={far}",
        url("slots", hub, location=location.pk) + f"?week={far}",
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert "We could not use the date in the address" in response.text
        assert "between 1900 and 2100" in response.text
    day = client.get(url("day", hub) + f"?day={far}")
    assert day.context["day"] == timezone.localdate()
