"""Reservations of device sets for partner organisations: date ranges never overlap for
a device, yearly caps hold, also when two reservations are made at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.devices.models import Device
from digibank.lending import services
from digibank.lending.models import OrganisationReservation, ReservedDevice
from digibank.network.models import Hub, HubPartner, Organisation

from .conftest import MakeDevice, lending_url


def _partner(hub: Hub, name: str = "Basisschool De Regenboog") -> HubPartner:
    organisation = Organisation.objects.create(name=name, kind="school")
    return HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )


def _reserve(
    staff: User, hub: Hub, partner: HubPartner, devices: list[Device], start: date, end: date
) -> OrganisationReservation:
    return services.reservation_create(
        actor=staff,
        hub=hub,
        partner=partner,
        purpose="Class 5A",
        starts_on=start,
        ends_on=end,
        devices=devices,
    )


@pytest.mark.django_db
def test_overlapping_reservation_is_refused(staff: User, hub: Hub, make_device: MakeDevice) -> None:
    partner = _partner(hub)
    a, b = make_device(), make_device()
    _reserve(staff, hub, partner, [a, b], date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(ValidationError) as error:
        _reserve(staff, hub, partner, [b], date(2026, 3, 31), date(2026, 4, 10))
    assert str(b.tag) in str(error.value)
    _reserve(staff, hub, partner, [b], date(2026, 4, 1), date(2026, 4, 10))
    assert ReservedDevice.objects.count() == 3


@pytest.mark.django_db
def test_cancelled_reservation_frees_the_devices(
    staff: User, hub: Hub, make_device: MakeDevice
) -> None:
    partner = _partner(hub)
    device = make_device()
    first = _reserve(staff, hub, partner, [device], date(2026, 3, 1), date(2026, 3, 31))
    services.reservation_cancel(actor=staff, reservation=first)
    _reserve(staff, hub, partner, [device], date(2026, 3, 10), date(2026, 3, 20))
    with pytest.raises(ValidationError):
        services.reservation_cancel(actor=staff, reservation=first)


@pytest.mark.django_db
def test_yearly_cap(staff: User, hub: Hub, make_device: MakeDevice) -> None:
    partner = _partner(hub)
    services.cap_set(actor=staff, partner=partner, year=2026, max_devices=2)
    _reserve(staff, hub, partner, [make_device()], date(2026, 1, 5), date(2026, 1, 10))
    with pytest.raises(ValidationError, match="may reserve 2 devices in 2026"):
        _reserve(
            staff, hub, partner, [make_device(), make_device()], date(2026, 2, 1), date(2026, 2, 2)
        )
    _reserve(
        staff, hub, partner, [make_device(), make_device()], date(2027, 2, 1), date(2027, 2, 2)
    )


@pytest.mark.django_db
def test_dates_partner_and_devices_are_checked(
    staff: User, hub: Hub, other_hub: Hub, make_device: MakeDevice
) -> None:
    partner = _partner(hub)
    with pytest.raises(ValidationError):
        _reserve(staff, hub, partner, [make_device()], date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValidationError):
        _reserve(
            staff,
            hub,
            _partner(other_hub, "Elders"),
            [make_device()],
            date(2026, 3, 1),
            date(2026, 3, 2),
        )
    with pytest.raises(ValidationError):
        _reserve(
            staff, hub, partner, [make_device(hub=other_hub)], date(2026, 3, 1), date(2026, 3, 2)
        )


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_reservations_at_once_take_a_device_once(
    staff: User, hub: Hub, make_device: MakeDevice
) -> None:
    partner = _partner(hub)
    devices = [make_device(), make_device()]

    def reserve() -> None:
        _reserve(staff, hub, partner, list(reversed(devices)), date(2026, 5, 1), date(2026, 5, 9))

    outcomes = labels(run_at_once([reserve] * 6))
    assert outcomes == ["done"] + ["refused"] * 5
    assert OrganisationReservation.objects.count() == 1


@pytest.mark.django_db
def test_reservation_pages(
    client_for: Callable[[User], Client],
    coordinator: User,
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
) -> None:
    partner = _partner(hub)
    device = make_device()
    client = client_for(coordinator)
    assert client.get(lending_url(hub, "reservations")).status_code == 200
    bad = client.post(
        lending_url(hub, "reservation_create"),
        {
            "partner": partner.pk,
            "purpose": "Class",
            "starts_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "ends_on": (timezone.localdate() + timedelta(days=38)).isoformat(),
            "tags": "DB99999999",
        },
    )
    assert bad.status_code == 200
    assert b"No device of this hub has these tags" in bad.content
    response = client.post(
        lending_url(hub, "reservation_create"),
        {
            "partner": partner.pk,
            "purpose": "Class",
            "starts_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "ends_on": (timezone.localdate() + timedelta(days=38)).isoformat(),
            "tags": f"{device.tag}\n",
        },
    )
    reservation = OrganisationReservation.objects.get()
    assert response["Location"] == lending_url(hub, "reservation", pk=reservation.pk)
    assert client.get(response["Location"]).status_code == 200
    client.post(
        lending_url(hub, "cap_set"), {"partner": partner.pk, "year": "2026", "max_devices": "30"}
    )
    assert b"2026: 30" in client.get(lending_url(hub, "reservations")).content
    client.post(lending_url(hub, "reservation_cancel", pk=reservation.pk))
    reservation.refresh_from_db()
    assert reservation.cancelled_at is not None
    assert client_for(staff).get(lending_url(hub, "reservations")).status_code == 403


@pytest.mark.django_db
def test_reservation_pages_do_not_grow_with_the_data(
    client_for: Callable[[User], Client],
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    django_assert_max_num_queries: Any,
) -> None:
    partner = _partner(hub)
    devices = [make_device() for _ in range(31)]
    for day in range(1, 32):
        _reserve(coordinator, hub, partner, devices, date(2026, 1, day), date(2026, 1, day))
    services.cap_set(actor=coordinator, partner=partner, year=2026, max_devices=2000)
    reservation = OrganisationReservation.objects.first()
    assert reservation is not None
    client = client_for(coordinator)
    for url in (
        lending_url(hub, "reservations"),
        lending_url(hub, "reservation", pk=reservation.pk),
        lending_url(hub, "class_assign"),
    ):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200
