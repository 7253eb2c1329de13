"""The device pages: permissions, another hub's devices, forms and query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from digibank.devices.models import DataWipe, Device, Repair, StockTake
from digibank.devices.services import device_transition, repair_record, wipe_record

from .conftest import one_page_pdf

pytestmark = pytest.mark.django_db


def url(name: str, hub: Any, **kwargs: Any) -> str:
    return reverse(f"devices:{name}", kwargs={"hub": hub.slug, **kwargs})


def test_digihelper_sees_but_does_not_manage(
    digihelper: Any, client_for: Callable, hub: Any, make_device: Callable
) -> None:
    device = make_device()
    client = client_for(digihelper)
    assert client.get(url("list", hub)).status_code == 200
    page = client.get(url("detail", hub, pk=device.pk))
    assert page.status_code == 200
    assert b"Start data wipe" not in page.content
    for name in ("create", "import", "stock_take_create", "export_csv"):
        assert client.get(url(name, hub)).status_code == 403
    assert client.get(url("wipe", hub, pk=device.pk)).status_code == 403
    assert client.post(url("transition", hub, pk=device.pk), {"to": "wiping"}).status_code == 403


def test_other_hub_device_is_404(
    coordinator: Any, client_for: Callable, hub: Any, other_hub: Any, make_device: Callable
) -> None:
    foreign = make_device(h=other_hub)
    client = client_for(coordinator)
    for name in ("detail", "wipe", "repair", "label", "transition"):
        assert client.get(url(name, hub, pk=foreign.pk)).status_code == 404
    assert client.post(url("transition", hub, pk=foreign.pk), {"to": "wiping"}).status_code == 404
    response = client.get(url("find", hub) + f"?tag={foreign.tag}")
    assert response.status_code == 302
    assert response.url == url("list", hub)
    labels = client.get(url("labels", hub) + f"?id={foreign.pk}")
    assert labels.status_code == 302
    assert client.get(url("detail", hub, pk=2**63)).status_code == 404


def test_register_a_donated_laptop_through_wipe_to_ready(
    coordinator: Any, client_for: Callable, hub: Any, location: Any
) -> None:
    client = client_for(coordinator)
    response = client.post(
        url("create", hub),
        {
            "kind": "laptop",
            "make": "HP",
            "model": "EliteBook 840",
            "serial_number": "5CG123",
            "ram_gb": "8",
            "storage_gb": "256",
            "keyboard_layout": "azerty",
            "source": "donation",
            "intake_date": "2025-01-15",
            "value": "120,50",
            "condition": "B",
            "location": location.pk,
        },
    )
    device = Device.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", hub, pk=device.pk)
    assert device.value_cents == 12050
    assert device.status == "received"
    client.post(url("transition", hub, pk=device.pk), {"to": "wiping"})
    refused = client.post(url("transition", hub, pk=device.pk), {"to": "ready"}, follow=True)
    assert b"passed data wipe" in refused.content
    response = client.post(
        url("wipe", hub, pk=device.pk),
        {"method": "purge", "tool": "nwipe", "wiped_on": "2025-01-16", "result": "passed"},
    )
    assert response.status_code == 302
    client.post(url("transition", hub, pk=device.pk), {"to": "ready"})
    device.refresh_from_db()
    assert device.status == "ready"


def test_form_errors_are_shown(coordinator: Any, client_for: Callable, hub: Any) -> None:
    client = client_for(coordinator)
    response = client.post(url("create", hub), {"kind": "", "value": "lots"})
    assert response.status_code == 200
    assert b"error" in response.content
    assert not Device.objects.exists()


def test_retiring_asks_for_confirmation(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable
) -> None:
    device = make_device()
    client = client_for(coordinator)
    assert client.get(url("transition", hub, pk=device.pk) + "?to=retired").status_code == 200
    page = client.post(url("transition", hub, pk=device.pk), {"to": "retired"})
    assert page.status_code == 200
    assert b"cannot be undone" in page.content
    device.refresh_from_db()
    assert device.status == "received"
    page = client.post(url("transition", hub, pk=device.pk), {"to": "retired", "confirm": "yes"})
    assert page.status_code == 200  # the reason is missing
    client.post(
        url("transition", hub, pk=device.pk),
        {"to": "retired", "confirm": "yes", "reason": "recycled"},
    )
    device.refresh_from_db()
    assert device.status == "retired"
    assert device.retirement_reason == "recycled"


def test_lending_statuses_are_not_offered_here(
    coordinator: Any, client_for: Callable, hub: Any, make_ready: Callable
) -> None:
    device = make_ready()
    client_for(coordinator).post(url("transition", hub, pk=device.pk), {"to": "on_loan"})
    device.refresh_from_db()
    assert device.status == "ready"


def test_repair_form(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable
) -> None:
    device = make_device()
    client = client_for(coordinator)
    response = client.post(
        url("repair", hub, pk=device.pk),
        {
            "problem": "Screen flickers",
            "cost": "35",
            "minutes_spent": "40",
            "trainee_name": "Jonas",
            "outcome": "fixed",
            "repaired_on": "2025-02-01",
        },
    )
    assert response.status_code == 302
    repair = Repair.objects.get()
    assert repair.cost_cents == 3500
    assert repair.trainee_name == "Jonas"
    response = client.post(
        url("repair", hub, pk=device.pk),
        {"problem": "x", "outcome": "fixed", "repaired_on": "2025-02-01"},
    )
    assert response.status_code == 200
    assert Repair.objects.count() == 1


def test_wipe_with_certificate_upload(
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    settings: Any,
    tmp_path: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    device = make_device()
    client = client_for(coordinator)
    response = client.post(
        url("wipe", hub, pk=device.pk),
        {
            "method": "clear",
            "tool": "Blancco",
            "wiped_on": "2025-01-16",
            "result": "passed",
            "certificate_number": "BL-9",
            "certificate": SimpleUploadedFile("cert.pdf", one_page_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    wipe = DataWipe.objects.get()
    download = client.get(url("wipe_certificate", hub, pk=device.pk, wipe_pk=wipe.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == one_page_pdf()


def test_find_by_tag(coordinator: Any, client_for: Callable, hub: Any, make_device: Callable):
    device = make_device()
    response = client_for(coordinator).get(url("find", hub) + f"?tag= {device.tag.lower()} ")
    assert response.status_code == 302
    assert response.url == url("detail", hub, pk=device.pk)


def test_labels_have_qr_of_the_device_page(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable
) -> None:
    devices = [make_device() for _ in range(3)]
    client = client_for(coordinator)
    query = "&".join(f"id={d.pk}" for d in devices)
    page = client.get(url("labels", hub) + "?" + query + "&id=abc")
    assert page.status_code == 200
    assert page.content.count(b"<svg") == 3
    single = client.get(url("label", hub, pk=devices[0].pk))
    assert single.content.count(b"<svg") == 1
    assert devices[0].tag.encode() in single.content


def test_list_filters(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable, location: Any
) -> None:
    laptop = make_device(serial_number="SER-1", location=location)
    monitor = make_device(kind="monitor", make="Iiyama", model="ProLite")
    client = client_for(coordinator)
    page = client.get(url("list", hub) + "?kind=monitor")
    assert monitor.tag.encode() in page.content
    assert laptop.tag.encode() not in page.content
    page = client.get(url("list", hub) + f"?location={location.pk}")
    assert laptop.tag.encode() in page.content
    assert monitor.tag.encode() not in page.content
    page = client.get(url("list", hub) + "?q=SER-1")
    assert laptop.tag.encode() in page.content
    assert monitor.tag.encode() not in page.content
    page = client.get(url("list", hub) + "?status=nonsense&location=999999")
    assert page.status_code == 200


def test_stock_take_pages(
    coordinator: Any, client_for: Callable, hub: Any, make_device: Callable, location: Any
) -> None:
    seen, missing = make_device(location=location), make_device(location=location)
    client = client_for(coordinator)
    response = client.post(
        url("stock_take_create", hub), {"location": location.pk, "tags": f"{seen.tag}\nXX"}
    )
    take = StockTake.objects.get()
    assert response.status_code == 302
    assert response.url == url("stock_take", hub, pk=take.pk)
    page = client.get(response.url)
    assert missing.tag.encode() in page.content
    assert seen.tag.encode() not in page.content
    assert (
        client.post(url("stock_take_create", hub), {"location": "", "tags": ""}).status_code == 200
    )


def test_list_query_count_is_bounded(
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    location: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(35):
        make_device(location=location, serial_number=f"S{i}")
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(url("list", hub))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        client.get(url("list", hub) + f"?location={location.pk}&kind=laptop&q=S1")
    ids = "&".join(f"id={d}" for d in Device.objects.values_list("pk", flat=True))
    with django_assert_max_num_queries(12):
        client.get(url("labels", hub) + "?" + ids)


def test_detail_query_count_is_bounded(
    coordinator: Any,
    staff: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    location: Any,
    django_assert_max_num_queries: Any,
) -> None:
    device = make_device(location=location)
    for i in range(12):
        actor = coordinator if i % 2 else staff
        wipe_record(
            actor=actor,
            device=device,
            method="clear",
            tool="nwipe",
            result="failed",
            operator=actor,
        )
        repair_record(
            actor=actor, device=device, problem=f"p{i}", outcome="fixed", repaired_by=actor
        )
        device_transition(
            actor=actor, device=device, to="in_repair" if i % 2 == 0 else "refurbishing"
        )
    client = client_for(coordinator)
    with django_assert_max_num_queries(14):
        response = client.get(url("detail", hub, pk=device.pk))
    assert response.status_code == 200
    assert response.content.count(b"<li>\n    <p><time") >= 36


def test_stock_take_query_count_is_bounded(
    coordinator: Any,
    client_for: Callable,
    hub: Any,
    make_device: Callable,
    location: Any,
    django_assert_max_num_queries: Any,
) -> None:
    devices = [make_device(location=location) for _ in range(32)]
    client = client_for(coordinator)
    client.post(url("stock_take_create", hub), {"location": location.pk, "tags": devices[0].tag})
    take = StockTake.objects.get()
    with django_assert_max_num_queries(12):
        page = client.get(url("stock_take", hub, pk=take.pk))
    assert page.status_code == 200
