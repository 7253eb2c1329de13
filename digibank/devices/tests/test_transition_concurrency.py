"""Ten staff members moving the same ready device on loan at the same moment: exactly
one succeeds, the others are refused with a clear reason (row lock on PostgreSQL,
IMMEDIATE transactions on SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from digibank.core.models import JournalEntry
from digibank.devices.models import Device
from digibank.devices.services import device_register, device_transition


def run_at_once(actions: list[Callable[[], None]]) -> list[str]:
    start = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def worker(action: Callable[[], None]) -> None:
        start.wait()
        try:
            action()
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        except Exception as error:  # reported in the outcome
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_device_goes_on_loan_once(coordinator: Any, hub: Any) -> None:
    device = device_register(actor=coordinator, hub=hub, kind="monitor")
    device_transition(actor=coordinator, device=device, to="ready")

    def lend() -> None:
        device_transition(actor=coordinator, device=Device.objects.get(pk=device.pk), to="on_loan")

    outcomes = run_at_once([lend for _ in range(10)])
    assert outcomes == ["done"] + ["refused"] * 9
    assert Device.objects.get(pk=device.pk).status == "on_loan"
    assert (
        JournalEntry.objects.filter(action="device.transition", details__to="on_loan").count() == 1
    )
