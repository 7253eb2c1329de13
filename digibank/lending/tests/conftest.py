"""Fixtures for the lending tests: participants and ready devices made through the
services of their own apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from digibank.accounts.models import User
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_register, device_transition
from digibank.network.models import Hub
from digibank.people import services as people_services
from digibank.people.models import Participant

MakeParticipant = Callable[..., Participant]
MakeDevice = Callable[..., Device]


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
    def make(*, hub: Hub = hub, target_groups: tuple[str, ...] = (), **data: Any) -> Participant:
        data.setdefault("given_name", "Jan")
        data.setdefault("family_name", "Peeters")
        return people_services.participant_create(
            actor=staff, hub=hub, data=data, target_groups=target_groups
        )

    return make


@pytest.fixture
def make_device(hub: Hub, staff: User) -> MakeDevice:
    """A ready device (a monitor by default: it stores no data, so it needs no wipe)."""

    def make(*, hub: Hub = hub, kind: str = "monitor", status: str = DeviceStatus.READY) -> Device:
        device = device_register(actor=staff, hub=hub, kind=kind, make="Dell", model="P2419H")
        if status == DeviceStatus.READY:
            device_transition(actor=staff, device=device, to=DeviceStatus.READY)
        device.refresh_from_db()
        return device

    return make


@pytest.fixture
def participant(make_participant: MakeParticipant) -> Participant:
    return make_participant(email="jan@example.org")


@pytest.fixture
def device(make_device: MakeDevice) -> Device:
    return make_device()


def lending_url(hub: Hub, name: str, **kwargs: Any) -> str:
    return reverse(f"lending:{name}", kwargs={"hub": hub.slug, **kwargs})


def post_class_list(client: Client, hub: Hub, data: dict[str, Any]) -> Any:
    """Upload a class list and confirm its preview (nothing is saved before)."""
    import re

    url = lending_url(hub, "class_assign")
    preview = client.post(url, data)
    assert preview.status_code == 200, preview
    found = re.search(rb'name="plan" value="([^"]+)"', preview.content)
    assert found, preview.content.decode()[:3000]
    return client.post(url, {"plan": found.group(1).decode()})
