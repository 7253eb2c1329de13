"""A device that stores data needs a passed wipe after it came in before it is ready."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from digibank.devices.models import DataWipe, Device
from digibank.devices.services import device_transition, wipe_record

from .conftest import one_page_pdf

pytestmark = pytest.mark.django_db


def _wipe(actor: Any, device: Device, result: str = "passed", **extra: Any) -> DataWipe:
    return wipe_record(
        actor=actor, device=device, method="purge", tool="nwipe", result=result, **extra
    )


@pytest.mark.parametrize("kind", ["laptop", "desktop", "tablet", "smartphone"])
def test_data_bearing_device_needs_a_wipe(kind: str, coordinator: Any, make_device: Callable):
    device = make_device(kind=kind)
    device_transition(actor=coordinator, device=device, to="wiping")
    with pytest.raises(ValidationError, match="passed data wipe"):
        device_transition(actor=coordinator, device=device, to="ready")
    _wipe(coordinator, device)
    device_transition(actor=coordinator, device=device, to="ready")
    assert device.status == "ready"


@pytest.mark.parametrize("kind", ["monitor", "headset", "keyboard_mouse", "printer"])
def test_other_kinds_need_no_wipe(kind: str, coordinator: Any, make_device: Callable) -> None:
    device = make_device(kind=kind)
    device_transition(actor=coordinator, device=device, to="ready")
    with pytest.raises(ValidationError, match="stores no data"):
        _wipe(coordinator, device)


def test_a_failed_wipe_does_not_count(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    _wipe(coordinator, device, result="failed")
    with pytest.raises(ValidationError, match="passed data wipe"):
        device_transition(actor=coordinator, device=device, to="ready")


def test_a_return_needs_a_new_wipe(coordinator: Any, make_ready: Callable) -> None:
    device = make_ready()
    device_transition(actor=coordinator, device=device, to="on_loan")
    device_transition(actor=coordinator, device=device, to="returned")
    with pytest.raises(ValidationError, match="passed data wipe"):
        device_transition(actor=coordinator, device=device, to="ready")
    _wipe(coordinator, device)
    device_transition(actor=coordinator, device=device, to="ready")


def test_a_wipe_before_the_intake_does_not_count(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    wipe = _wipe(coordinator, device)
    DataWipe.objects.filter(pk=wipe.pk).update(created_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="passed data wipe"):
        device_transition(actor=coordinator, device=device, to="ready")


def test_wipe_fields_are_checked(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    with pytest.raises(ValidationError) as exc:
        wipe_record(
            actor=coordinator,
            device=device,
            method="shred",
            tool=" ",
            result="maybe",
            wiped_on=timezone.localdate() + timedelta(days=2),
        )
    assert set(exc.value.message_dict) == {"method", "tool", "result", "wiped_on"}
    assert not DataWipe.objects.exists()


def test_a_device_on_loan_cannot_be_wiped(coordinator: Any, make_ready: Callable) -> None:
    device = make_ready()
    device_transition(actor=coordinator, device=device, to="on_loan")
    with pytest.raises(ValidationError, match="cannot be wiped"):
        _wipe(coordinator, device)


def test_wipe_is_journaled_with_the_operator(
    coordinator: Any, staff: Any, make_device: Callable
) -> None:
    device = make_device()
    wipe = _wipe(coordinator, device, operator=staff, certificate_number="C-1")
    assert wipe.operator == staff
    assert wipe.hub_id == device.hub_id
    from digibank.core.models import JournalEntry

    entry = JournalEntry.objects.get(action="device.wipe")
    assert entry.details == {"wipe": wipe.pk, "method": "purge", "result": "passed"}


def test_certificate_must_be_a_pdf(
    coordinator: Any, make_device: Callable, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    device = make_device()
    with pytest.raises(ValidationError) as exc:
        _wipe(coordinator, device, certificate=SimpleUploadedFile("c.exe", b"MZ"))
    assert "certificate" in exc.value.message_dict
    wipe = _wipe(coordinator, device, certificate=SimpleUploadedFile("c.pdf", one_page_pdf()))
    assert (wipe.certificate.name or "").endswith(".pdf")


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
    b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(PNG, id="png-renamed-to-pdf"),
        pytest.param(b"%PDF-1.7\n" + PNG, id="pdf-signature-then-a-picture"),
        pytest.param(b"%PDF-1.4", id="signature-only"),
    ],
)
def test_a_certificate_is_judged_by_its_content_not_its_name(
    coordinator: Any, make_device: Callable, settings: Any, tmp_path: Any, content: bytes
) -> None:
    settings.MEDIA_ROOT = tmp_path
    device = make_device()
    with pytest.raises(ValidationError) as exc:
        _wipe(coordinator, device, certificate=SimpleUploadedFile("certificate.pdf", content))
    assert exc.value.message_dict["certificate"] == [
        "This file is not a PDF. Save the certificate as PDF and upload that file."
    ]
    assert not DataWipe.objects.filter(device=device).exists()


def test_a_real_pdf_is_taken_whatever_its_name(
    coordinator: Any, make_device: Callable, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    device = make_device()
    wipe = _wipe(coordinator, device, certificate=SimpleUploadedFile("scan", one_page_pdf()))
    assert wipe.certificate.read() == one_page_pdf()
