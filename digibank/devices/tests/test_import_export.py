"""CSV import (all rows or none) and CSV/XLSX export of the filtered list."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from digibank.core.models import JournalEntry
from digibank.devices.models import Device

pytestmark = pytest.mark.django_db


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("devices.csv", text.encode(), "text/csv")


def test_import_all_rows(coordinator: Any, client_for: Callable, hub: Any, location: Any):
    csv_text = (
        "kind;make;model;ram_gb;location;intake_date\n"
        f"laptop;Dell;Latitude;8;{location.name};2025-03-01\n"
        "monitor;Iiyama;ProLite;;;\n"
    )
    response = client_for(coordinator).post(
        reverse("devices:import", kwargs={"hub": hub.slug}), {"file": _upload(csv_text)}
    )
    assert response.status_code == 302
    assert Device.objects.filter(hub=hub).count() == 2
    laptop = Device.objects.get(kind="laptop")
    assert laptop.location == location
    assert laptop.ram_gb == 8
    assert JournalEntry.objects.filter(action="device.import").count() == 1


def test_import_none_when_a_row_is_wrong(coordinator: Any, client_for: Callable, hub: Any):
    csv_text = (
        "kind,make,ram_gb,location\nlaptop,Dell,8,\ntoaster,Philips,,\nlaptop,HP,lots,Nowhere\n"
    )
    response = client_for(coordinator).post(
        reverse("devices:import", kwargs={"hub": hub.slug}), {"file": _upload(csv_text)}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "Row 3: ram_gb must be a whole number" in content
    assert "Row 3: unknown location" in content
    assert not Device.objects.exists()

    # Rows that parse but break a model rule: row 2.
    response = client_for(coordinator).post(
        reverse("devices:import", kwargs={"hub": hub.slug}),
        {"file": _upload("kind,make\nlaptop,Dell\ntoaster,Philips\n")},
    )
    assert "Row 2: Kind" in response.content.decode()
    assert not Device.objects.exists()


def test_import_needs_a_header(coordinator: Any, client_for: Callable, hub: Any) -> None:
    response = client_for(coordinator).post(
        reverse("devices:import", kwargs={"hub": hub.slug}),
        {"file": _upload("laptop,Dell\n")},
    )
    assert response.status_code == 200
    assert not Device.objects.exists()


def test_export_follows_the_filters(
    coordinator: Any, client_for: Callable, hub: Any, other_hub: Any, make_device: Callable
) -> None:
    laptop = make_device(model="=HYPERLINK()")
    monitor = make_device(kind="monitor")
    foreign = make_device(h=other_hub)
    client = client_for(coordinator)
    response = client.get(reverse("devices:export_csv", kwargs={"hub": hub.slug}) + "?kind=laptop")
    body = b"".join(response.streaming_content).decode()
    assert laptop.tag in body
    assert monitor.tag not in body
    assert foreign.tag not in body
    assert "'=HYPERLINK()" in body
    response = client.get(reverse("devices:export_xlsx", kwargs={"hub": hub.slug}))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    tags = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert tags == {laptop.tag, monitor.tag}
