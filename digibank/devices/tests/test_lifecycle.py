"""Every lifecycle transition rule, through device_transition."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.core.models import JournalEntry
from digibank.devices.lifecycle import TRANSITIONS
from digibank.devices.models import Device, DeviceStatus, RetirementReason
from digibank.devices.services import device_transition

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in DeviceStatus.values for b in DeviceStatus.values]


def _force(device: Device, status: str) -> Device:
    """Put a device (a monitor: no wipe needed) in a status, bypassing the service."""
    reason = RetirementReason.RECYCLED if status == DeviceStatus.RETIRED else ""
    Device.objects.filter(pk=device.pk).update(status=status, retirement_reason=reason)
    device.refresh_from_db()
    return device


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS)
def test_every_pair_follows_the_table(
    start: str, to: str, coordinator: Any, make_device: Callable[..., Device]
) -> None:
    device = _force(make_device(kind="monitor"), start)
    reason = RetirementReason.RECYCLED if to == DeviceStatus.RETIRED else ""
    if to in TRANSITIONS[start]:
        device_transition(actor=coordinator, device=device, to=to, reason=reason)
        device.refresh_from_db()
        assert device.status == to
        entry = JournalEntry.objects.filter(action="device.transition").first()
        assert entry is not None
        assert entry.details["from"] == start
        assert entry.details["to"] == to
        assert entry.actor == coordinator
    else:
        with pytest.raises(ValidationError) as exc:
            device_transition(actor=coordinator, device=device, to=to, reason=reason)
        assert "cannot become" in str(exc.value) or "already" in str(exc.value)
        device.refresh_from_db()
        assert device.status == start


def test_the_main_path_of_the_issue_is_allowed() -> None:
    path = ["received", "wiping", "refurbishing", "ready", "reserved", "on_loan", "returned"]
    for a, b in itertools.pairwise(path):
        assert b in TRANSITIONS[a]
    assert {"ready", "in_repair", "retired"} <= TRANSITIONS["returned"]
    assert TRANSITIONS["retired"] == frozenset()


def test_retiring_needs_a_known_reason(coordinator: Any, make_device: Callable) -> None:
    device = make_device(kind="monitor")
    with pytest.raises(ValidationError, match="why"):
        device_transition(actor=coordinator, device=device, to="retired")
    with pytest.raises(ValidationError, match="why"):
        device_transition(actor=coordinator, device=device, to="retired", reason="burnt")
    device_transition(actor=coordinator, device=device, to="retired", reason="stolen")
    device.refresh_from_db()
    assert device.retirement_reason == "stolen"
    entry = JournalEntry.objects.filter(action="device.transition").first()
    assert entry is not None
    assert entry.details["reason"] == "stolen"


def test_reason_is_cleared_for_other_statuses(coordinator: Any, make_device: Callable) -> None:
    device = make_device(kind="monitor")
    device_transition(actor=coordinator, device=device, to="ready", reason="recycled")
    device.refresh_from_db()
    assert device.retirement_reason == ""


def test_unknown_status_is_refused(coordinator: Any, make_device: Callable) -> None:
    with pytest.raises(ValidationError, match="Unknown"):
        device_transition(actor=coordinator, device=make_device(), to="exploded")


def test_the_callers_object_follows(coordinator: Any, make_device: Callable) -> None:
    device = make_device(kind="webcam")
    device_transition(actor=coordinator, device=device, to="ready")
    assert device.status == "ready"


def test_a_stale_object_is_checked_against_the_database(
    coordinator: Any, make_device: Callable
) -> None:
    device = make_device(kind="monitor")
    stale = Device.objects.get(pk=device.pk)
    device_transition(actor=coordinator, device=device, to="retired", reason="lost")
    with pytest.raises(ValidationError, match="cannot become"):
        device_transition(actor=coordinator, device=stale, to="ready")
