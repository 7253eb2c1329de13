"""One state model across devices and lending (issue 11): the device page never strands
a lending record, a lost loan closes cleanly, offers are withdrawn when the device goes,
a ready device is offered when the policy says so, and loans and reservations know each
other, with the database refusing what the services would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_change_status, device_transition
from digibank.lending import services, state
from digibank.lending.losses import loan_close_lost
from digibank.lending.models import (
    DeviceHolding,
    DeviceOffer,
    DeviceRequest,
    Loan,
    OfferStatus,
    OrganisationLoanItem,
    RequestStatus,
)
from digibank.network.models import Hub, HubPartner, Organisation
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant, lending_url


def _device_url(hub: Hub, name: str, device: Device) -> str:
    return reverse(f"devices:{name}", kwargs={"hub": hub.slug, "pk": device.pk})


def _partner(hub: Hub) -> HubPartner:
    organisation = Organisation.objects.create(name="Basisschool De Linde", kind="school")
    return HubPartner.objects.create(
        hub=hub, organisation=organisation, partner_type="knowledge_institution"
    )


def _reserve(actor: User, hub: Hub, devices: list[Device], start: date, end: date) -> Any:
    return services.reservation_create(
        actor=actor,
        hub=hub,
        partner=_partner(hub),
        purpose="Klas 6B",
        starts_on=start,
        ends_on=end,
        devices=devices,
    )


def _offered(staff: User, hub: Hub, device: Device, person: Participant) -> DeviceOffer:
    services.request_create(actor=staff, participant=person, kind=device.kind)
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    return offer


# --- the device page on a lent device ---------------------------------------------------


def test_retiring_a_lent_device_leads_to_the_lost_page(
    coordinator: User,
    hub: Hub,
    device: Device,
    participant: Participant,
    client_for: Callable[[User], Client],
) -> None:
    loan = services.loan_checkout(
        actor=coordinator, hub=hub, device=device, participant=participant
    )
    client = client_for(coordinator)
    lost_url = lending_url(hub, "loan_lost", pk=loan.pk)
    page = client.get(_device_url(hub, "detail", device))
    assert lost_url in page.content.decode()
    answer = client.get(_device_url(hub, "transition", device) + "?to=retired")
    assert answer.status_code == 302
    assert answer["Location"] == lost_url
    answer = client.post(
        _device_url(hub, "transition", device),
        {"to": "retired", "reason": "recycled", "confirm": "yes"},
    )
    assert answer["Location"] == lost_url
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN  # nothing changed behind lending's back
    with pytest.raises(ValidationError, match="close the loan"):
        device_change_status(actor=coordinator, device=device, to="retired", reason="recycled")


def test_a_lost_loan_closes_frees_the_borrower_and_retires_the_device(
    coordinator: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    device = make_device()
    loan = services.loan_checkout(
        actor=coordinator, hub=hub, device=device, participant=participant
    )
    Loan.objects.filter(pk=loan.pk).update(deposit_cents=5000)
    services.loan_deposit_collect(actor=coordinator, loan=loan, received_cents=5000, method="cash")
    with pytest.raises(ValidationError) as error:
        loan_close_lost(actor=coordinator, loan=loan, loss="stolen", lost_on=timezone.localdate())
    assert "deposit_refunded" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        loan_close_lost(
            actor=coordinator,
            loan=loan,
            loss="stolen",
            lost_on=timezone.localdate(),
            deposit_refunded_cents=0,
        )
    assert "deposit_kept_reason" in error.value.message_dict
    loan_close_lost(
        actor=coordinator,
        loan=loan,
        loss="stolen",
        lost_on=timezone.localdate(),
        police_report="PV GE.55.L3.012345/26",
        deposit_refunded_cents=0,
        deposit_reason="The laptop was stolen",
    )
    loan.refresh_from_db()
    device.refresh_from_db()
    assert loan.returned_at is not None
    assert loan.loss == "stolen"
    assert loan.police_report == "PV GE.55.L3.012345/26"
    assert device.status == DeviceStatus.RETIRED
    assert device.retirement_reason == "stolen"
    assert loan.deposit.refunded_cents == 0
    assert loan.deposit.kept_reason
    assert not DeviceHolding.objects.filter(device=device).exists()
    entry = JournalEntry.objects.get(action="lending.loan_lost")
    assert entry.actor == coordinator
    assert entry.details["loss"] == "stolen"
    assert state.invariant_problems(hub=hub) == []
    # The borrower may borrow again (the default policy allows one loan at a time).
    services.loan_checkout(
        actor=coordinator, hub=hub, device=make_device(), participant=participant
    )
    with pytest.raises(ValidationError, match="already closed"):
        loan_close_lost(actor=coordinator, loan=loan, loss="lost", lost_on=timezone.localdate())


def test_lost_dates_are_checked(
    coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(
        actor=coordinator, hub=hub, device=device, participant=participant
    )
    for lost_on in (timezone.localdate() + timedelta(days=1), date(2000, 1, 1)):
        with pytest.raises(ValidationError) as error:
            loan_close_lost(actor=coordinator, loan=loan, loss="lost", lost_on=lost_on)
        assert "lost_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        loan_close_lost(actor=coordinator, loan=loan, loss="eaten", lost_on=timezone.localdate())
    assert "loss" in error.value.message_dict


def test_the_lost_page_closes_the_loan(
    staff: User,
    hub: Hub,
    device: Device,
    participant: Participant,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    client = client_for(staff)
    url = lending_url(hub, "loan_lost", pk=loan.pk)
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200
    tomorrow = timezone.localdate() + timedelta(days=1)
    answer = client.post(url, {"loss": "not_returned", "lost_on": tomorrow.isoformat()})
    assert answer.status_code == 200
    assert "cannot be in the future" in answer.content.decode()
    answer = client.post(url, {"loss": "not_returned", "lost_on": timezone.localdate().isoformat()})
    assert answer.status_code == 302
    device.refresh_from_db()
    assert device.retirement_reason == "not_returned"
    assert client.get(url).status_code == 302  # closed: back to the loan


def test_a_device_on_an_organisation_loan_is_not_retired_from_the_device_page(
    coordinator: User, hub: Hub, device: Device
) -> None:
    today = timezone.localdate()
    reservation = _reserve(coordinator, hub, [device], today, today + timedelta(days=5))
    services.organisation_checkout(
        actor=coordinator, reservation=reservation, device_ids=[device.pk], picked_up_by="Mr Jansen"
    )
    with pytest.raises(ValidationError, match="organisation"):
        device_change_status(actor=coordinator, device=device, to="retired", reason="recycled")
    assert state.invariant_problems(hub=hub) == []


# --- the device page on an offered device -----------------------------------------------


@pytest.mark.parametrize("to", ["retired", "in_repair"])
def test_retiring_or_repairing_an_offered_device_withdraws_the_offer(
    to: str,
    staff: User,
    hub: Hub,
    device: Device,
    make_participant: MakeParticipant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = make_participant(given_name="Noor", email="noor@example.org", preferred_language="fr")
    second = make_participant(given_name="Ali")
    services.request_create(actor=staff, participant=second, kind="monitor")
    DeviceRequest.objects.filter(participant=second).update(
        priority_at=timezone.now() + timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        offer = _offered(staff, hub, device, first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        device_change_status(actor=staff, device=device, to=to, reason="recycled")
    offer.refresh_from_db()
    device.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert device.status == to
    request = DeviceRequest.objects.get(participant=first)
    assert request.status == RequestStatus.WAITING  # keeps the place: priority unchanged
    first_in_line = services.queries.waiting_list(hub=hub, kind="monitor").first()
    assert first_in_line is not None
    assert first_in_line.participant_id == first.pk
    assert len(mail.outbox) == 1
    assert "liste d'attente" in mail.outbox[0].body  # told in their language
    assert state.invariant_problems(hub=hub) == []


def test_mark_ready_on_an_offered_device_is_refused_and_offering_never_fails(
    staff: User,
    hub: Hub,
    device: Device,
    make_participant: MakeParticipant,
    client_for: Callable[[User], Client],
) -> None:
    _offered(staff, hub, device, make_participant())
    services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    client = client_for(staff)
    client.post(_device_url(hub, "transition", device), {"to": "ready"})
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED
    answer = client.post(
        lending_url(hub, "offer_next"), {"kind": "monitor", "device": device.pk}, follow=True
    )
    assert answer.status_code == 200
    with pytest.raises(ValidationError, match="Only a ready device"):
        services.offer_next(actor=staff, hub=hub, device=device)
    assert DeviceOffer.objects.filter(status="open").count() == 1
    assert state.invariant_problems(hub=hub) == []


# --- ready devices: offered at once or listed -------------------------------------------


def test_a_ready_device_is_offered_at_once_when_the_policy_says_so(
    coordinator: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    services.request_create(actor=coordinator, participant=participant, kind="monitor")
    device = make_device(status=DeviceStatus.RECEIVED)
    device_change_status(actor=coordinator, device=device, to="ready")
    assert not DeviceOffer.objects.exists()
    assert [row["device"] for row in state.ready_and_wanted(hub=hub)] == [device]
    device_change_status(actor=coordinator, device=device, to="in_repair")
    services.policy_update(actor=coordinator, hub=hub, data={"offer_when_ready": True})
    device_change_status(actor=coordinator, device=device, to="ready")
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED
    assert DeviceOffer.objects.get().request.participant_id == participant.pk
    assert state.ready_and_wanted(hub=hub) == []


def test_a_device_returned_ready_is_offered_when_the_policy_says_so(
    coordinator: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"offer_when_ready": True})
    loan = services.loan_checkout(
        actor=coordinator, hub=hub, device=device, participant=make_participant()
    )
    waiting = make_participant(given_name="Noor")
    services.request_create(actor=coordinator, participant=waiting, kind="monitor")
    services.loan_return(
        actor=coordinator,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    offer = DeviceOffer.objects.get(status="open")
    assert offer.device_id == device.pk
    assert offer.request.participant_id == waiting.pk
    assert state.invariant_problems(hub=hub) == []


def test_the_ready_and_wanted_page(
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
    participant: Participant,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    services.request_create(actor=staff, participant=participant, kind="monitor")
    devices = [make_device() for _ in range(3)]
    client = client_for(staff)
    with django_assert_max_num_queries(20):
        page = client.get(lending_url(hub, "ready_wanted"))
    body = page.content.decode()
    assert all(str(device.tag) in body for device in devices)
    answer = client.post(
        lending_url(hub, "offer_next"), {"kind": "monitor", "device": devices[1].pk}
    )
    assert answer.status_code == 302
    assert DeviceOffer.objects.get().device_id == devices[1].pk


# --- loans and reservations know each other ---------------------------------------------


def test_a_loan_over_a_reservation_is_refused_naming_it(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    today = timezone.localdate()
    _reserve(staff, hub, [device], today + timedelta(days=7), today + timedelta(days=11))
    with pytest.raises(ValidationError, match=r"Klas 6B.*Basisschool De Linde"):
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert not Loan.objects.exists()
    # A loan that ends before the reservation starts is fine.
    services.policy_update(actor=staff, hub=hub, data={"default_loan_days": 5})
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert loan.days.count() == 6
    with pytest.raises(ValidationError, match="Klas 6B"):
        services.loan_renew(actor=staff, loan=loan)


def test_a_reservation_over_a_loan_is_refused_naming_it(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert loan.due_on is not None
    with pytest.raises(ValidationError, match=rf"On loan past the start.*loan {loan.pk}"):
        _reserve(staff, hub, [device], timezone.localdate() + timedelta(days=1), loan.due_on)
    later = loan.due_on + timedelta(days=1)
    _reserve(staff, hub, [device], later, later + timedelta(days=3))


def test_the_database_refuses_a_loan_day_taken_by_a_reservation(
    staff: User, hub: Hub, device: Device, participant: Participant, monkeypatch: Any
) -> None:
    """The check before inserting skipped: the day rows alone refuse the loan."""
    today = timezone.localdate()
    _reserve(staff, hub, [device], today + timedelta(days=3), today + timedelta(days=4))
    real = services.holdings.loan_reservation_conflict
    calls: list[int] = []

    def skip_first(*args: Any) -> str:
        calls.append(1)
        return "" if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services.holdings, "loan_reservation_conflict", skip_first)
    with pytest.raises(ValidationError, match="Klas 6B"):
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert not Loan.objects.exists()


def test_a_returned_device_frees_its_days(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    today = timezone.localdate()
    _reserve(staff, hub, [device], today, today + timedelta(days=3))


# --- one holder per device, by the database ---------------------------------------------


def test_a_device_is_never_on_a_loan_and_an_organisation_loan_at_once(
    coordinator: User, hub: Hub, device: Device, participant: Participant
) -> None:
    today = timezone.localdate()
    reservation = _reserve(coordinator, hub, [device], today, today + timedelta(days=2))
    org_loan = services.organisation_checkout(
        actor=coordinator, reservation=reservation, device_ids=[device.pk], picked_up_by="Mr Jansen"
    )
    loan = Loan.objects.create(
        hub=hub, device=device, participant=participant, kind="long_term", lent_by=coordinator
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DeviceHolding.objects.create(hub=hub, device=device, loan=loan)
    item = OrganisationLoanItem.objects.get(loan=org_loan)
    assert DeviceHolding.objects.get(device=device).organisation_item_id == item.pk


def test_the_table_names_every_status() -> None:
    assert set(state.STATUS_RECORDS) == set(DeviceStatus.values)
    assert state.STATUS_RECORDS["on_loan"].holdings == 1
    assert state.STATUS_RECORDS["reserved"].open_offers == 1
    assert state.STATUS_RECORDS["ready"] == state.Expected(holdings=0, open_offers=0)


def test_invariants_see_a_stranded_record(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert state.invariant_problems(hub=hub) == []
    device_transition(actor=staff, device=device, to="retired", reason="recycled")
    assert state.invariant_problems(hub=hub)
