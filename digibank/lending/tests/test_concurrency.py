"""Twenty check-outs of one device at once: exactly one succeeds. An offer accepted at
the same moment by two desks is accepted once. Real threads, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.devices.models import Device, DeviceStatus
from digibank.lending import services
from digibank.lending.models import DeviceOffer, Loan, OfferStatus
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeParticipant


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_checkouts_of_one_device_lend_it_once(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    people = [make_participant(given_name=f"P{n}") for n in range(20)]

    def checkout(person: Participant) -> Callable[[], None]:
        def action() -> None:
            services.loan_checkout(
                actor=staff, hub=hub, device=Device.objects.get(pk=device.pk), participant=person
            )

        return action

    outcomes = labels(run_at_once([checkout(person) for person in people]), messages=True)
    assert outcomes.count("done") == 1, outcomes
    refused = [o for o in outcomes if o != "done"]
    assert len(refused) == 19
    assert all(o.startswith("refused:") for o in refused), refused
    assert Loan.objects.filter(device=device).count() == 1
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offer_is_accepted_once(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.request_create(actor=staff, participant=participant, kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None

    def accept() -> None:
        services.offer_accept(actor=staff, offer=DeviceOffer.objects.get(pk=offer.pk))

    outcomes = labels(run_at_once([accept for _ in range(8)]), messages=True)
    assert outcomes.count("done") == 1, outcomes
    assert all(o.startswith("refused:") for o in outcomes if o != "done"), outcomes
    assert Loan.objects.count() == 1
    assert DeviceOffer.objects.get(pk=offer.pk).status == OfferStatus.ACCEPTED


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_anonymising_and_lending_at_once_never_lend_to_an_erased_person(
    staff: User, coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    from digibank.people import services as people_services

    def anonymise() -> None:
        people_services.participant_anonymise(actor=coordinator, participant=participant)

    def checkout() -> None:
        services.loan_checkout(
            actor=staff, hub=hub, device=Device.objects.get(pk=device.pk), participant=participant
        )

    outcomes = labels(run_at_once([anonymise, checkout]))
    assert sorted(outcomes) == ["done", "refused"], outcomes
    participant.refresh_from_db()
    lent = Loan.objects.filter(participant=participant).exists()
    assert lent != participant.is_anonymised
