"""Fixtures for the assessments tests: participants made through the people services,
courses, and the questionnaire loaded by the data migration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digibank.accounts.models import User
from digibank.assessments.models import Statement
from digibank.assessments.services import rating_field
from digibank.learning.models import Course
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.models import Participant

MakeParticipant = Callable[..., Participant]


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
def make_participant(hub: Hub, staff: User) -> MakeParticipant:
    def make(*, hub: Hub = hub, actor: User = staff, **data: Any) -> Participant:
        data.setdefault("given_name", "Jan")
        data.setdefault("family_name", "Peeters")
        return people_services.participant_create(actor=actor, hub=hub, data=data)

    return make


@pytest.fixture
def participant(make_participant: MakeParticipant) -> Participant:
    return make_participant(given_name="Fatima", family_name="El Amrani")


@pytest.fixture
def course(hub: Hub) -> Course:
    return Course.objects.create(hub=hub, title="Smartphone basics")


@pytest.fixture
def statements(db: Any) -> list[Statement]:
    return list(Statement.objects.filter(active=True).order_by("area", "position"))


def all_ratings(
    statements: list[Statement], value: int | Callable[[Statement], int] = 3
) -> dict[int, int]:
    return {s.pk: value(s) if callable(value) else value for s in statements}


def form_data(
    statements: list[Statement],
    value: int | Callable[[Statement], int] = 3,
    **extra: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {"moment": "before", "way": "screen", "course": "", "taken_on": ""}
    data.update({rating_field(pk): str(v) for pk, v in all_ratings(statements, value).items()})
    data.update(extra)
    return {key: v for key, v in data.items() if v is not None}


def url(hub: Hub, name: str, **kwargs: Any) -> str:
    return reverse(f"assessments:{name}", kwargs={"hub": hub.slug, **kwargs})
