"""Fixtures for the people tests: participants made through the services, a help point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from digibank.accounts.models import User
from digibank.network.models import Hub, Location, LocationKind, Municipality
from digibank.people import services
from digibank.people.models import Participant

MakeParticipant = Callable[..., Participant]


@pytest.fixture(autouse=True)
def in_english() -> Any:
    """Tests read the English source texts, whatever the default language is."""
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
    def make(
        *,
        hub: Hub = hub,
        actor: User = staff,
        target_groups: tuple[str, ...] = (),
        consent_given: bool = False,
        **data: Any,
    ) -> Participant:
        return services.participant_create(
            actor=actor,
            hub=hub,
            data=data,
            target_groups=target_groups,
            consent_given=consent_given,
        )

    return make


@pytest.fixture
def location(hub: Hub) -> Location:
    return Location.objects.create(
        hub=hub,
        name="Digipunt Bibliotheek De Krook",
        kind=LocationKind.DIGIPUNT,
        postcode="9000",
        municipality=Municipality.objects.get(nis_code="44021"),
    )


def people_url(hub: Hub, name: str = "list", **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(f"people:{name}", kwargs={"hub": hub.slug, **kwargs})


def national_number(first_nine: str = "850730033", *, born_after_2000: bool = False) -> str:
    """A valid Belgian national register number from its first nine digits."""
    base = int(("2" if born_after_2000 else "") + first_nine)
    return first_nine + f"{97 - base % 97:02d}"


def valid_form(**overrides: Any) -> dict[str, Any]:
    """A registration form as a person would fill it in."""
    data: dict[str, Any] = {
        "given_name": "Jan",
        "family_name": "Peeters",
        "phone": "0470 12 34 56",
        "email": "",
        "birth_year": "1956",
        "gender": "man",
        "postcode": "9000",
        "preferred_language": "nl",
        "target_groups": ["senior"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
