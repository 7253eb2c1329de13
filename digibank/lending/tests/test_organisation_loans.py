"""Loans to partner organisations: the reserved set is handed over (each device on
loan, who took it and when, the agreement) and taken back per device or all at once
with the checklist. Overlapping reservations are refused by the database itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_transition
from digibank.lending import services
from digibank.lending.models import (
    OrganisationLoan,
    OrganisationLoanItem,
    OrganisationReservation,
    ReservationDay,
    ReservedDevice,
)
from digibank.network.models import Hub, HubPartner, Organisation
from digibank.people.models import Participant

from .conftest import MakeDevice, lending_url

pytestmark = pytest.mark.django_db


def _partner(hub: Hub, name: str = "Basisschool De Regenboog") -> HubPartner:
    organisation = Organisation.objects.create(name=name, kind="school")
    return HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )


def _reserve(
    actor: User,
    hub: Hub,
    devices: list[Device],
    start: date | None = None,
    end: date | None = None,
    partner: HubPartner | None = None,
) -> OrganisationReservation:
    today = timezone.localdate()
    return services.reservation_create(
        actor=actor,
        hub=hub,
        partner=partner or _partner(hub),
        purpose="Computer course",
        starts_on=start or today,
        ends_on=end or today + timedelta(days=30),
        devices=devices,
    )


def _hand_over(
    actor: User, reservation: OrganisationReservation, **kwargs: Any
) -> OrganisationLoan:
    ids = kwargs.pop(
        "device_ids",
        ReservedDevice.objects.filter(reservation=reservation).values_list("device_id", flat=True),
    )
    return services.organisation_checkout(
        actor=actor,
        reservation=reservation,
        device_ids=list(ids),
        picked_up_by=kwargs.pop("picked_up_by", "An Peeters"),
        **kwargs,
    )


# --- day claims: the database refuses overlaps -----------------------------------------


def test_each_reserved_day_is_claimed_once_per_device(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a, b = make_device(), make_device()
    _reserve(coordinator, hub, [a, b], date(2026, 3, 1), date(2026, 3, 3))
    assert ReservationDay.objects.count() == 6
    with pytest.raises(IntegrityError), transaction.atomic():
        ReservationDay.objects.create(
            hub=hub, item=ReservedDevice.objects.get(device=b), device=a, day=date(2026, 3, 2)
        )


def test_overlap_refused_by_the_database_even_without_the_check(
    coordinator: User, hub: Hub, make_device: MakeDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that skips the check (and the locks) still cannot double-book: the
    claim rows clash and the user gets the same clear message; nothing is saved."""
    device = make_device()
    _reserve(coordinator, hub, [device], date(2026, 3, 1), date(2026, 3, 31))
    monkeypatch.setattr(services, "_days_taken", lambda *args: [])
    with pytest.raises(ValidationError) as error:
        _reserve(coordinator, hub, [device], date(2026, 3, 31), date(2026, 4, 5))
    assert "just reserved" in str(error.value)
    assert OrganisationReservation.objects.count() == 1
    assert ReservationDay.objects.count() == 31


def test_cancelling_frees_the_days(coordinator: User, hub: Hub, make_device: MakeDevice) -> None:
    device = make_device()
    first = _reserve(coordinator, hub, [device], date(2026, 3, 1), date(2026, 3, 31))
    services.reservation_cancel(actor=coordinator, reservation=first)
    assert not ReservationDay.objects.exists()
    _reserve(coordinator, hub, [device], date(2026, 3, 1), date(2026, 3, 31))


def test_reservation_length_is_bounded(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    with pytest.raises(ValidationError, match="at most 400 days"):
        _reserve(coordinator, hub, [make_device()], date(2026, 1, 1), date(2027, 6, 1))


# --- hand-over --------------------------------------------------------------------------


def test_hand_over_puts_each_device_on_loan(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"conditions": "Handle with care"})
    devices = [make_device(), make_device()]
    reservation = _reserve(coordinator, hub, devices)
    loan = _hand_over(coordinator, reservation, language="fr", signed_on_paper=True)
    assert loan.picked_up_by == "An Peeters"
    assert loan.handed_over_by == coordinator
    assert loan.due_on == reservation.ends_on
    assert loan.conditions == "Handle with care"
    assert loan.language == "fr"
    assert loan.signed_at is not None
    assert loan.items.count() == 2
    for device in devices:
        device.refresh_from_db()
        assert device.status == DeviceStatus.ON_LOAN
    entry = JournalEntry.objects.filter(action="lending.organisation_checkout").get()
    assert entry.details["devices"] == 2


def test_a_device_on_organisation_loan_cannot_be_lent_to_a_person(
    coordinator: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    device = make_device()
    _hand_over(coordinator, _reserve(coordinator, hub, [device]))
    with pytest.raises(ValidationError, match="not ready to lend"):
        services.loan_checkout(actor=coordinator, hub=hub, device=device, participant=participant)


def test_hand_over_refuses_devices_that_are_not_ready(
    coordinator: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    ready, lent = make_device(), make_device()
    reservation = _reserve(coordinator, hub, [ready, lent])
    # A reserved device cannot be lent to a person in the reservation's period any more
    # (test_state_model); one sent to repair is not ready either.
    device_transition(actor=coordinator, device=lent, to=DeviceStatus.IN_REPAIR)
    with pytest.raises(ValidationError) as error:
        _hand_over(coordinator, reservation)
    assert str(lent.tag) in str(error.value)
    assert "In repair" in str(error.value)
    assert not OrganisationLoan.objects.exists()
    ready.refresh_from_db()
    assert ready.status == DeviceStatus.READY
    # Leaving the lent device out works; it leaves the reservation.
    loan = _hand_over(coordinator, reservation, device_ids=[ready.pk])
    assert [item.device_id for item in loan.items.all()] == [ready.pk]
    assert not ReservedDevice.objects.get(device=lent).active
    assert not ReservationDay.objects.filter(device=lent).exists()


def test_hand_over_rules(coordinator: User, hub: Hub, make_device: MakeDevice) -> None:
    device, other = make_device(), make_device()
    today = timezone.localdate()
    later = _reserve(
        coordinator, hub, [device], today + timedelta(days=40), today + timedelta(days=49)
    )
    with pytest.raises(ValidationError, match="can be handed over from"):
        _hand_over(coordinator, later)
    past = _reserve(
        coordinator, hub, [device], today - timedelta(days=9), today - timedelta(days=2)
    )
    with pytest.raises(ValidationError, match="has ended"):
        _hand_over(coordinator, past)
    current = _reserve(coordinator, hub, [device])
    with pytest.raises(ValidationError) as error:
        _hand_over(coordinator, current, picked_up_by="  ")
    assert "picked_up_by" in error.value.message_dict
    with pytest.raises(ValidationError, match="Choose devices of this reservation"):
        _hand_over(coordinator, current, device_ids=[other.pk])
    with pytest.raises(ValidationError, match="at least one device"):
        _hand_over(coordinator, current, device_ids=[])
    _hand_over(coordinator, current)
    with pytest.raises(ValidationError, match="already handed over"):
        _hand_over(coordinator, current)
    with pytest.raises(ValidationError, match="take them back instead"):
        services.reservation_cancel(actor=coordinator, reservation=current)
    services.reservation_cancel(actor=coordinator, reservation=later)
    with pytest.raises(ValidationError, match="cancelled"):
        _hand_over(coordinator, later)


# --- taking the set back ----------------------------------------------------------------


def test_return_per_device_then_the_rest(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    a, b, c = make_device(), make_device(), make_device()
    reservation = _reserve(coordinator, hub, [a, b, c])
    loan = _hand_over(coordinator, reservation)
    item_a = loan.items.get(device=a)
    counts = services.organisation_return(
        actor=coordinator,
        loan=loan,
        item_ids=[item_a.pk],
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    assert counts == {"ready": 1}
    a.refresh_from_db()
    assert a.status == DeviceStatus.READY
    # The rest of the reservation's days are free again for this device only.
    assert not ReservationDay.objects.filter(device=a, day__gt=timezone.localdate()).exists()
    assert ReservationDay.objects.filter(device=b, day__gt=timezone.localdate()).exists()
    loan.refresh_from_db()
    assert loan.closed_at is None
    rest = list(loan.items.filter(returned_at__isnull=True).values_list("pk", flat=True))
    item_c = loan.items.get(device=c)
    counts = services.organisation_return(
        actor=coordinator,
        loan=loan,
        item_ids=rest,
        powers_on=True,
        accessories_back=False,
        data_removed=True,
        outcome="ready",
        exceptions={item_c.pk: "retired"},
        notes={item_c.pk: "Screen broken"},
    )
    assert counts == {"ready": 1, "retired": 1}
    loan.refresh_from_db()
    assert loan.closed_at is not None
    item_c.refresh_from_db()
    assert item_c.outcome == "retired"
    assert item_c.note == "Screen broken"
    assert item_c.accessories_back is False
    c.refresh_from_db()
    assert c.status == DeviceStatus.RETIRED
    assert JournalEntry.objects.filter(action="lending.organisation_return").count() == 2


def test_return_is_all_or_nothing(coordinator: User, hub: Hub, make_device: MakeDevice) -> None:
    a, b = make_device(), make_device()
    loan = _hand_over(coordinator, _reserve(coordinator, hub, [a, b]))
    items = list(loan.items.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as error:
        services.organisation_return(
            actor=coordinator,
            loan=loan,
            item_ids=items,
            powers_on=False,
            accessories_back=True,
            data_removed=True,
            outcome="in_repair",
            exceptions={items[1]: "ready"},
        )
    assert str(b.tag) in str(error.value)
    assert not OrganisationLoanItem.objects.filter(returned_at__isnull=False).exists()
    services.organisation_return(
        actor=coordinator,
        loan=loan,
        item_ids=items[:1],
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    with pytest.raises(ValidationError, match="already back"):
        services.organisation_return(
            actor=coordinator,
            loan=loan,
            item_ids=items,
            powers_on=True,
            accessories_back=True,
            data_removed=True,
            outcome="ready",
        )


# --- pages ------------------------------------------------------------------------------


def test_hand_over_and_return_pages(
    client_for: Callable[[User], Client],
    coordinator: User,
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
) -> None:
    a, b = make_device(), make_device()
    reservation = _reserve(coordinator, hub, [a, b])
    client = client_for(coordinator)
    page = client.get(lending_url(hub, "reservation", pk=reservation.pk))
    hand_over_url = lending_url(hub, "reservation_hand_over", pk=reservation.pk)
    assert hand_over_url.encode() in page.content
    form = client.get(hand_over_url)
    assert form.status_code == 200
    assert b"checked" in form.content
    bad = client.post(hand_over_url, {"devices": [a.pk, b.pk], "language": "nl"})
    assert bad.status_code == 200
    assert b"error-summary" in bad.content
    response = client.post(
        hand_over_url,
        {"devices": [a.pk, b.pk], "picked_up_by": "An Peeters", "language": "nl"},
    )
    loan = OrganisationLoan.objects.get()
    assert response["Location"] == lending_url(hub, "organisation_loan", pk=loan.pk)
    assert client.get(hand_over_url)["Location"] == response["Location"]
    page = client.get(response["Location"])
    assert b"An Peeters" in page.content
    pdf = client.get(lending_url(hub, "organisation_agreement", pk=loan.pk))
    assert pdf.content[:4] == b"%PDF"
    client.post(lending_url(hub, "organisation_signed", pk=loan.pk))
    loan.refresh_from_db()
    assert loan.signed_at is not None
    items = {item.device_id: item.pk for item in loan.items.all()}
    wrong = client.post(
        response["Location"],
        {f"pick_{items[a.pk]}": "on", "outcome": "ready", "powers_on": "on"},
    )
    assert wrong.status_code == 200
    assert b"Choose repair for" in wrong.content
    done = client.post(
        response["Location"],
        {
            f"pick_{items[a.pk]}": "on",
            f"outcome_{items[a.pk]}": "in_repair",
            f"note_{items[a.pk]}": "Hinge loose",
            "outcome": "ready",
            "powers_on": "on",
            "data_removed": "on",
        },
    )
    assert done.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (DeviceStatus.IN_REPAIR, DeviceStatus.ON_LOAN)
    assert b"1 device is back (Needs repair: 1)" in client.get(done["Location"]).content
    assert client_for(staff).get(response["Location"]).status_code == 403


def test_organisation_pages_do_not_grow_with_the_data(
    client_for: Callable[[User], Client],
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    django_assert_max_num_queries: Any,
) -> None:
    def pages() -> list[str]:
        reservation = _reserve(coordinator, hub, devices, partner=partner)
        loan = _hand_over(coordinator, reservation)
        services.organisation_return(
            actor=coordinator,
            loan=loan,
            item_ids=[loan.items.first().pk],  # type: ignore[union-attr]
            powers_on=True,
            accessories_back=True,
            data_removed=True,
            outcome="ready",
        )
        fresh = _reserve(
            coordinator,
            hub,
            devices,
            timezone.localdate() + timedelta(days=40),
            timezone.localdate() + timedelta(days=45),
            partner=partner,
        )
        return [
            lending_url(hub, "organisation_loan", pk=loan.pk),
            lending_url(hub, "reservation_hand_over", pk=fresh.pk),
            lending_url(hub, "reservation", pk=reservation.pk),
        ]

    partner = _partner(hub)
    client = client_for(coordinator)
    devices = [make_device() for _ in range(2)]
    for url in pages():
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
    OrganisationLoanItem.objects.update(returned_at=timezone.now())
    devices = [make_device() for _ in range(25)]
    for url in pages():
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_migration_claims_the_days_of_existing_reservations(
    coordinator: User, hub: Hub, make_device: MakeDevice
) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "digibank.lending.migrations.0004_organisation_loans_classes_deposits"
    )
    device = make_device()
    _reserve(coordinator, hub, [device], date(2026, 3, 1), date(2026, 3, 10))
    cancelled = _reserve(coordinator, hub, [make_device()], date(2026, 3, 1), date(2026, 3, 2))
    services.reservation_cancel(actor=coordinator, reservation=cancelled)
    ReservationDay.objects.all().delete()
    migration.claim_days(apps, None)
    assert ReservationDay.objects.filter(device=device).count() == 10
    assert ReservationDay.objects.count() == 10
