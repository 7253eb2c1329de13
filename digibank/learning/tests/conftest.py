"""Fixtures for the learning tests: a course with competences, a session with meetings,
participants made through the people services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypedDict

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.learning import services
from digibank.learning.digcomp import Competence
from digibank.learning.models import Course, Session
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people import services as people_services
from digibank.people.models import Participant

MakeParticipant = Callable[..., Participant]
MakeSession = Callable[..., Session]


@pytest.fixture(autouse=True)
def in_english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def sign_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in


@pytest.fixture
def trainer(make_user: Callable[..., User], hub: Hub) -> User:
    return make_user(HubRole.TRAINER, hub, full_name="Tina Trainer")


@pytest.fixture
def make_participant(hub: Hub, staff: User) -> MakeParticipant:
    counter = iter(range(1, 100_000))

    def make(*, hub: Hub = hub, **data: Any) -> Participant:
        number = next(counter)
        data.setdefault("given_name", f"Person{number}")
        data.setdefault("family_name", "Peeters")
        data.setdefault("email", f"person{number}@example.org")
        return people_services.participant_create(actor=staff, hub=hub, data=data)

    return make


@pytest.fixture
def location(hub: Hub) -> Location:
    return Location.objects.create(
        hub=hub,
        name="Digipunt Bibliotheek De Krook",
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(nis_code="44021"),
        offers_training=True,
    )


@pytest.fixture
def course(hub: Hub, staff: User) -> Course:
    return services.course_create(
        actor=staff,
        hub=hub,
        data={
            "title": "Safe online banking",
            "description": "Use your bank's app safely.",
            "audiences": ["seniors"],
            "format": "in_person",
            "languages": ["nl"],
            "meeting_count": 4,
            "hours": "8.0",
            "min_attendance_percent": 75,
        },
        competences=[
            (Competence.objects.get(code="4.2"), 2),
            (Competence.objects.get(code="2.1"), 3),
        ],
    )


class MeetingTimes(TypedDict):
    starts_at: datetime
    ends_at: datetime


def meeting_times(days_ahead: int = 7, hour: int = 14) -> MeetingTimes:
    day = timezone.localdate() + timedelta(days=days_ahead)
    start = datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())
    return {"starts_at": start, "ends_at": start + timedelta(hours=2)}


@pytest.fixture
def make_session(course: Course, staff: User, location: Location, trainer: User) -> MakeSession:
    def make(
        *,
        capacity: int = 10,
        meetings: int = 1,
        course: Course = course,
        held: bool = False,
        **extra: Any,
    ) -> Session:
        """A session with weekly meetings from next week on; `held=True`: meetings that
        took place (the last one a week ago), taught by the `trainer`, so attendance
        can be marked."""
        first = -7 * meetings if held else 7
        if held:
            extra.setdefault("trainers", [trainer])
        session = services.session_create(
            actor=staff,
            course=course,
            capacity=capacity,
            first_meeting={**meeting_times(first), "location": location},
            **extra,
        )
        for index in range(1, meetings):
            services.meeting_add(
                actor=staff, session=session, **meeting_times(first + 7 * index), location=location
            )
        return session

    return make


def learning_url(hub: Hub, name: str, **kwargs: Any) -> str:
    return reverse(f"learning:{name}", kwargs={"hub": hub.slug, **kwargs})
