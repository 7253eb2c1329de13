"""Sections that higher apps add to a device's page (lending shows who holds the device
and its loans and reservations), so the device bank never imports them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from digibank.network.registry import DashboardPanel

from .models import Device

# provider(request, device) -> a section, or None for roles that may not see it. A
# provider that shows a person calls accounts.reads.note_read for them.
DeviceSection = Callable[[HttpRequest, Device], DashboardPanel | None]

_sections: list[tuple[int, DeviceSection]] = []


def register_device_section(provider: DeviceSection, *, order: int = 50) -> None:
    if all(existing is not provider for _order, existing in _sections):
        _sections.append((order, provider))
        _sections.sort(key=lambda item: item[0])


def device_sections(request: HttpRequest, device: Device) -> list[DashboardPanel]:
    sections = []
    for _order, provider in _sections:
        section = provider(request, device)
        if section is not None:
            sections.append(section)
    return sections
