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


FIVE_MB = 5 * 1024 * 1024


def _import(client: Any, hub: Any, raw: bytes) -> Any:
    upload = SimpleUploadedFile("devices.csv", raw, "text/csv")
    return client.post(reverse("devices:import", kwargs={"hub": hub.slug}), {"file": upload})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            b"kind," + b"x" * (FIVE_MB - 5),
            "The first row is too long",
            id="one-line-of-5-MB",
        ),
        pytest.param(
            b"kind,make\n" + b"laptop," + b"A" * (FIVE_MB - 17),
            "Row 1 cannot be read",
            id="a-value-of-5-MB",
        ),
        pytest.param(
            b"kind;make;" + b"x" * 3000 + b"\r\nlaptop;Dell\r\n",
            "The first row is too long",
            id="a-header-of-3-KB",
        ),
    ],
)
def test_a_huge_import_file_is_refused_with_a_clear_message(
    coordinator: Any, client_for: Callable, hub: Any, raw: bytes, message: str
) -> None:
    response = _import(client_for(coordinator), hub, raw)
    assert response.status_code == 200
    assert "Nothing was imported" in response.text
    assert message in response.text
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("kind,make,model", "laptop,Dell,Latitude 5490"),
        ("kind;make;model", "laptop;Dell;Latitude 5490"),
        ("kind\tmake\tmodel", "laptop\tDell\tLatitude 5490"),
        ("kind", "laptop"),
    ],
)
def test_comma_semicolon_and_tab_files_are_read(
    coordinator: Any, client_for: Callable, hub: Any, header: str, row: str
) -> None:
    line_end = "\r" if header == "kind" else "\r\n"  # old Mac files end lines with \r only
    response = _import(client_for(coordinator), hub, f"{header}{line_end}{row}{line_end}".encode())
    assert response.status_code == 302
    device = Device.objects.get(hub=hub)
    assert device.kind == "laptop"
    assert device.model == ("Latitude 5490" if "model" in header else "")
