"""Registering devices, asset tags and looking devices up by tag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.core.models import JournalEntry
from digibank.devices.models import Device, normalise_tag, tag_for_id, tag_is_well_formed
from digibank.devices.queries import device_by_tag
from digibank.devices.services import device_register, device_update
from digibank.network.models import Organisation

pytestmark = pytest.mark.django_db


def test_register_a_donated_laptop(coordinator: Any, hub: Any, location: Any) -> None:
    donor = Organisation.objects.create(name="Bank NV", kind="company")
    device = device_register(
        actor=coordinator,
        hub=hub,
        kind="laptop",
        make="Dell",
        model="Latitude 5490",
        serial_number="ABC123",
        cpu="i5-8350U",
        ram_gb=8,
        storage_gb=256,
        os="Windows 11",
        keyboard_layout="azerty",
        source="donation",
        donor=donor,
        value_cents=15000,
        condition="B",
        location=location,
    )
    device.refresh_from_db()
    assert device.status == "received"
    assert device.tag == tag_for_id(device.pk)
    assert tag_is_well_formed(device.tag)
    entry = JournalEntry.objects.get(action="device.register")
    assert entry.details == {"kind": "laptop", "source": "donation", "tag": device.tag}


def test_tags_are_unique_and_checked() -> None:
    tags = {tag_for_id(i) for i in range(1, 2000)}
    assert len(tags) == 1999
    good = tag_for_id(4321)
    assert tag_is_well_formed(good)
    # One wrong digit, two swapped digits: caught.
    bad = good[:-2] + str((int(good[-2]) + 1) % 10) + good[-1]
    assert not tag_is_well_formed(bad)


def test_normalise_tag() -> None:
    assert normalise_tag(" db-0000123 0 ") == "DB00001230"
    assert normalise_tag("https://x.example/h/a/devices/DB00001230/") == "DB00001230"


def test_device_by_tag_stays_in_the_hub(
    make_device: Callable, other_hub: Any, hub: Any, coordinator: Any
) -> None:
    device = make_device()
    assert device_by_tag(hub=hub, tag=device.tag.lower()) == device
    assert device_by_tag(hub=other_hub, tag=device.tag) is None
    assert device_by_tag(hub=hub, tag="") is None


def test_register_refuses_wrong_values(
    coordinator: Any, hub: Any, other_hub: Any, make_location: Callable
) -> None:
    with pytest.raises(ValidationError) as exc:
        device_register(actor=coordinator, hub=hub, kind="toaster")
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        device_register(
            actor=coordinator, hub=hub, kind="laptop", location=make_location(other_hub)
        )
    assert "location" in exc.value.message_dict
    donor = Organisation.objects.create(name="Bank NV", kind="company")
    with pytest.raises(ValidationError) as exc:
        device_register(actor=coordinator, hub=hub, kind="laptop", source="purchase", donor=donor)
    assert "donor" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        device_register(actor=coordinator, hub=hub, kind="laptop", model="85.07.30-033.28")
    assert "model" in exc.value.message_dict
    assert not Device.objects.exists()


def test_update_journals_changed_fields(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    device_update(actor=coordinator, device=device, ram_gb=16, make="Lenovo")
    entry = JournalEntry.objects.get(action="device.update")
    assert entry.details == {"fields": ["ram_gb"]}
