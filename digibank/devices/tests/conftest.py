"""Fixtures of the device tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from digibank.devices.models import Device, DeviceStatus, WipeMethod, WipeResult
from digibank.devices.services import device_register, device_transition, wipe_record
from digibank.network.models import Hub, Location, LocationKind, Municipality


@pytest.fixture
def make_location(db: Any) -> Callable[..., Location]:
    gent = Municipality.objects.get(postcodes__code="9000", postcodes__place_name="Gent")
    counter = iter(range(1, 10_000))

    def make(hub: Hub, name: str | None = None) -> Location:
        return Location.objects.create(
            hub=hub,
            name=name or f"Digipunt {next(counter):03d}",
            kind=LocationKind.DIGIPUNT,
            postcode="9000",
            municipality=gent,
        )

    return make


@pytest.fixture
def location(make_location: Callable[..., Location], hub: Hub) -> Location:
    return make_location(hub, "Digipunt Zuid")


@pytest.fixture
def make_device(coordinator: Any, hub: Hub) -> Callable[..., Device]:
    def make(h: Hub | None = None, kind: str = "laptop", **values: Any) -> Device:
        values.setdefault("make", "Lenovo")
        values.setdefault("model", "ThinkPad T480")
        return device_register(actor=coordinator, hub=h or hub, kind=kind, **values)

    return make


@pytest.fixture
def make_ready(coordinator: Any, make_device: Callable[..., Device]) -> Callable[..., Device]:
    """A laptop wiped and ready to lend."""

    def make(**values: Any) -> Device:
        device = make_device(**values)
        device_transition(actor=coordinator, device=device, to=DeviceStatus.WIPING)
        if device.stores_data:
            wipe_record(
                actor=coordinator,
                device=device,
                method=WipeMethod.PURGE,
                tool="Blancco",
                result=WipeResult.PASSED,
            )
        device_transition(actor=coordinator, device=device, to=DeviceStatus.READY)
        device.refresh_from_db()
        return device

    return make


def one_page_pdf() -> bytes:
    """A real (blank, one page) PDF, as a wipe tool's certificate would be."""
    from io import BytesIO

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
