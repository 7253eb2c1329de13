"""One person is never booked twice at the same time, across help points: twenty
simultaneous bookings over HTTP (live server, real threads) at two help points for one
person give exactly one appointment; rescheduling races the same way. On SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from digibank.accounts.models import User
from digibank.appointments import services
from digibank.appointments.models import Appointment, Status, Topic
from digibank.network.models import Hub, Location
from digibank.people.models import Participant

from .conftest import at

CSRF = "a" * 32


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is the answer we count


OPENER = urllib.request.build_opener(_NoRedirect)


def _post_all(urls: list[str], session: str, data: dict[str, str]) -> list[int]:
    """POST to each URL at the same moment (one thread each); the HTTP statuses."""
    barrier = threading.Barrier(len(urls))
    statuses: list[int] = [0] * len(urls)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF}).encode()

    def post(index: int, url: str) -> None:
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        request.add_header("Cookie", f"sessionid={session}; csrftoken={CSRF}")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        barrier.wait()
        try:
            with OPENER.open(request, timeout=60) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=post, args=pair) for pair in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return statuses


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_bookings_at_two_help_points_give_one_appointment(
    live_server: Any,
    hub: Hub,
    staff: User,
    make_location: Callable[..., Location],
    make_participant: Callable[..., Participant],
    monday: date,
) -> None:
    points = [make_location(hub, name="Noord"), make_location(hub, name="Zuid")]
    for point in points:
        services.slot_settings_save(
            actor=staff,
            location=point,
            slot_minutes=30,
            desks=5,
            book_ahead_days=60,
            min_notice_hours=0,
        )
    person = make_participant(hub, given_name="Mira", family_name="Peeters")
    when = at(monday, 10)
    query = urllib.parse.urlencode({"start": when.isoformat(), "participant": person.pk})
    urls = [
        f"{live_server.url}/h/{hub.slug}/appointments/points/{point.pk}/book/?{query}"
        for point in points
        for _ in range(10)
    ]
    statuses = _post_all(
        urls, _session(staff), {"topic": Topic.TAXES, "about": "", "what_to_bring": ""}
    )
    assert all(status in (200, 302) for status in statuses), statuses
    assert statuses.count(302) == 1  # one booked (redirect to it), the others told why
    booked = Appointment.objects.filter(participant=person, status=Status.BOOKED)
    assert booked.count() == 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_reschedules_never_put_a_person_twice_at_one_time(
    live_server: Any,
    hub: Hub,
    staff: User,
    make_location: Callable[..., Location],
    make_participant: Callable[..., Participant],
    monday: date,
) -> None:
    points = [make_location(hub, name="Noord"), make_location(hub, name="Zuid")]
    for point in points:
        services.slot_settings_save(
            actor=staff,
            location=point,
            slot_minutes=30,
            desks=5,
            book_ahead_days=60,
            min_notice_hours=0,
        )
    person = make_participant(hub, given_name="Mira")
    first = services.appointment_book(
        actor=staff,
        location=points[0],
        participant=person,
        starts_at=at(monday, 9),
        topic=Topic.TAXES,
    )
    second = services.appointment_book(
        actor=staff,
        location=points[1],
        participant=person,
        starts_at=at(monday, 11),
        topic=Topic.EBOX,
    )
    target = at(monday, 10)
    urls = [
        f"{live_server.url}/h/{hub.slug}/appointments/{appointment.pk}/move/"
        for appointment in (first, second)
        for _ in range(5)
    ]
    statuses = _post_all(urls, _session(staff), {"starts_at": target.isoformat()})
    assert all(status in (302, 400) for status in statuses), statuses  # never a 500
    assert statuses.count(302) == 1
    assert (
        Appointment.objects.filter(
            participant=person, status=Status.BOOKED, starts_at=target
        ).count()
        == 1
    )
