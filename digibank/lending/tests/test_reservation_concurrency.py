"""Many reservations of one device for overlapping dates at the same moment: exactly
one succeeds, the others get the clear message, nothing raises unhandled. Also with the
locks and the check switched off: the day claims in the database alone hold. Real
threads, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.devices.models import Device
from digibank.lending import services
from digibank.lending.models import OrganisationReservation, ReservationDay
from digibank.network.models import Hub, HubPartner, Organisation

from .conftest import MakeDevice

THREADS = 12


def _partner(hub: Hub, n: int) -> HubPartner:
    organisation = Organisation.objects.create(name=f"School {n}", kind="school")
    return HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )


def _reservations(staff: User, hub: Hub, device: Device) -> list[Callable[[], None]]:
    """Each thread its own partner and its own range; all ranges share 10 May."""
    partners = [_partner(hub, n) for n in range(THREADS)]

    def reserve(n: int) -> Callable[[], None]:
        def action() -> None:
            services.reservation_create(
                actor=staff,
                hub=hub,
                partner=HubPartner.objects.get(pk=partners[n].pk),
                purpose=f"Course {n}",
                starts_on=date(2026, 5, 10) - timedelta(days=n),
                ends_on=date(2026, 5, 10) + timedelta(days=THREADS - n),
                devices=[Device.objects.get(pk=device.pk)],
            )

        return action

    return [reserve(n) for n in range(THREADS)]


def _assert_one_reservation(outcomes: list[str], device: Device) -> None:
    assert outcomes.count("done") == 1, outcomes
    refused = [o for o in outcomes if o != "done"]
    assert len(refused) == THREADS - 1, outcomes
    assert all(
        o.startswith("refused: ") and ("reserved in this period" in o or "just reserved" in o)
        for o in refused
    ), outcomes
    assert OrganisationReservation.objects.count() == 1
    reservation = OrganisationReservation.objects.get()
    days = ReservationDay.objects.filter(device=device)
    assert days.count() == (reservation.ends_on - reservation.starts_on).days + 1


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_overlapping_reservations_take_the_device_once(
    staff: User, hub: Hub, make_device: MakeDevice
) -> None:
    device = make_device()
    outcomes = labels(run_at_once(_reservations(staff, hub, device), timeout=120), messages=True)
    _assert_one_reservation(outcomes, device)


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_database_alone_refuses_overlaps(
    staff: User, hub: Hub, make_device: MakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No row locks and no check before inserting: the unique day claims still let one
    reservation through and refuse the others with the clear message."""
    device = make_device()

    def no_locks(partner: HubPartner, ids: list[int]) -> list[Device]:
        return list(Device.objects.filter(pk__in=ids).order_by("pk"))

    monkeypatch.setattr(services, "_reservation_locks", no_locks)
    original = services._days_taken
    calls = threading.local()

    def check_skipped(*args: object) -> list[str]:
        # The first call is the check before inserting: skip it. Later calls build
        # the message after the database refused the claims.
        if not getattr(calls, "seen", False):
            calls.seen = True
            return []
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "_days_taken", check_skipped)
    outcomes = labels(run_at_once(_reservations(staff, hub, device), timeout=120), messages=True)
    _assert_one_reservation(outcomes, device)
