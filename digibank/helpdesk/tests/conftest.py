"""Fixtures for the help desk tests: a help point, topics, participants and helps made
through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digibank.accounts.models import User
from digibank.helpdesk import services
from digibank.helpdesk.models import HelpQuestion, HelpTopic
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people import services as people_services
from digibank.people.models import Participant


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


def make_location(hub: Hub, name: str = "Digipunt Bibliotheek De Krook") -> Location:
    return Location.objects.create(
        hub=hub,
        name=name,
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(nis_code="44021"),
    )


@pytest.fixture
def location(hub: Hub) -> Location:
    return make_location(hub)


@pytest.fixture
def other_location(other_hub: Hub) -> Location:
    return make_location(other_hub, "Digipunt Hasselt")


def topic(code: str) -> HelpTopic:
    return HelpTopic.objects.get(code=code)


@pytest.fixture
def participant(hub: Hub, staff: User) -> Participant:
    return people_services.participant_create(
        actor=staff,
        hub=hub,
        data={"given_name": "Fatima", "family_name": "El Idrissi", "phone": "0470 12 34 56"},
    )


MakeHelp = Callable[..., HelpQuestion]


@pytest.fixture
def make_help(hub: Hub, location: Location, digihelper: User) -> MakeHelp:
    def make(*, actor: User = digihelper, topics: tuple[str, ...] = ("itsme",), **extra: Any):
        values = services.HelpValues(
            location=extra.pop("location", location),
            topics=[topic(code) for code in topics],
            **extra,
        )
        return services.help_log(actor=actor, hub=hub, values=values)

    return make


def url(hub: Hub, name: str, **kwargs: Any) -> str:
    return reverse(f"helpdesk:{name}", kwargs={"hub": hub.slug, **kwargs})
