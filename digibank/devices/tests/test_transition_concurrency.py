"""Ten staff members moving the same ready device on loan at the same moment: exactly
one succeeds, the others are refused with a clear reason (row lock on PostgreSQL,
IMMEDIATE transactions on SQLite)."""

from __future__ import annotations

from typing import Any

import pytest

from digibank.core.models import JournalEntry
from digibank.core.testing import labels, run_at_once
from digibank.devices.models import Device
from digibank.devices.services import device_register, device_transition


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_device_goes_on_loan_once(coordinator: Any, hub: Any) -> None:
    device = device_register(actor=coordinator, hub=hub, kind="monitor")
    device_transition(actor=coordinator, device=device, to="ready")

    def lend() -> None:
        device_transition(actor=coordinator, device=Device.objects.get(pk=device.pk), to="on_loan")

    outcomes = labels(run_at_once([lend for _ in range(10)]))
    assert outcomes == ["done"] + ["refused"] * 9
    assert Device.objects.get(pk=device.pk).status == "on_loan"
    assert (
        JournalEntry.objects.filter(action="device.transition", details__to="on_loan").count() == 1
    )
