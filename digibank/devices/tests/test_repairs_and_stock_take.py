"""The repair log and stock-takes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.core.models import JournalEntry
from digibank.devices.models import Repair, StockTake, StockTakeSeen
from digibank.devices.services import device_transition, repair_record, stock_take_record

pytestmark = pytest.mark.django_db


def test_repair_by_a_trainee(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    repair = repair_record(
        actor=coordinator,
        device=device,
        problem="Broken hinge",
        parts="Hinge set",
        cost_cents=1250,
        minutes_spent=45,
        trainee_name="Samira (IT-repair course)",
        outcome="fixed",
    )
    assert repair.recorded_by == coordinator
    assert repair.hub_id == device.hub_id
    entry = JournalEntry.objects.get(action="device.repair")
    assert entry.details == {"repair": repair.pk, "outcome": "fixed"}


def test_repair_needs_who_and_what(coordinator: Any, make_device: Callable) -> None:
    with pytest.raises(ValidationError) as exc:
        repair_record(
            actor=coordinator,
            device=make_device(),
            problem=" ",
            outcome="magic",
            cost_cents=-1,
            minutes_spent=-5,
        )
    assert set(exc.value.message_dict) == {
        "problem",
        "outcome",
        "cost_cents",
        "minutes_spent",
        "trainee_name",
    }
    assert not Repair.objects.exists()


def test_a_retired_device_is_not_repaired(coordinator: Any, make_device: Callable) -> None:
    device = make_device()
    device_transition(actor=coordinator, device=device, to="retired", reason="recycled")
    with pytest.raises(ValidationError, match="retired"):
        repair_record(
            actor=coordinator, device=device, problem="x", outcome="fixed", repaired_by=coordinator
        )


def test_stock_take_marks_seen_and_reports_unknown(
    coordinator: Any, hub: Any, location: Any, make_device: Callable, other_hub: Any
) -> None:
    here = [make_device(location=location) for _ in range(3)]
    foreign = make_device(h=other_hub)
    take, unknown = stock_take_record(
        actor=coordinator,
        hub=hub,
        location=location,
        tags=[here[0].tag, here[1].tag.lower(), "", here[0].tag, foreign.tag, "nonsense"],
    )
    seen = set(StockTakeSeen.objects.filter(stock_take=take).values_list("device_id", flat=True))
    assert seen == {here[0].pk, here[1].pk}
    assert unknown == [foreign.tag, "NONSENSE"]


def test_stock_take_needs_tags_and_own_location(
    coordinator: Any, hub: Any, location: Any, other_hub: Any, make_location: Callable
) -> None:
    with pytest.raises(ValidationError):
        stock_take_record(actor=coordinator, hub=hub, location=location, tags=["", " "])
    with pytest.raises(ValidationError):
        stock_take_record(
            actor=coordinator, hub=hub, location=make_location(other_hub), tags=["DB00001230"]
        )


def test_a_stock_take_of_100_000_scans_counts_each_device_once(
    coordinator: Any, hub: Any, location: Any, make_device: Callable
) -> None:
    """A scanner that sends every tag many times (100,000 lines): de-duplicated in one
    pass, each device seen once, unknown tags listed once in scanning order."""
    here = [make_device(location=location) for _ in range(5)]
    unknown_tags = [f"DB9{n:07d}" for n in range(2_000)]
    scans = [device.tag for device in here] + unknown_tags
    tags = [scans[n % len(scans)] for n in range(100_000)]
    take, unknown = stock_take_record(actor=coordinator, hub=hub, location=location, tags=tags)
    seen = list(StockTakeSeen.objects.filter(stock_take=take).values_list("device_id", flat=True))
    assert sorted(seen) == sorted(device.pk for device in here)
    assert unknown == unknown_tags


def test_a_stock_take_of_100_000_different_tags_is_refused(
    coordinator: Any, hub: Any, location: Any
) -> None:
    tags = [f"DB{n:08d}" for n in range(100_000)]
    with pytest.raises(ValidationError) as refused:
        stock_take_record(actor=coordinator, hub=hub, location=location, tags=tags)
    assert refused.value.message_dict == {"tags": ["At most 5000 tags at a time."]}
    assert not StockTake.objects.exists()
