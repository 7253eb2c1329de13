"""Requests, eligibility, the waiting list and offers, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, DeviceStatus
from digibank.lending import queries, services, waitlist
from digibank.lending.models import (
    DeviceOffer,
    EvidenceCheck,
    OfferStatus,
    RequestStatus,
)
from digibank.network.models import Hub, Municipality
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant

pytestmark = pytest.mark.django_db


def test_eligible_request_joins_the_waiting_list(staff: User, participant: Participant) -> None:
    request = services.request_create(
        actor=staff, participant=participant, kind="laptop", needs=["jobs", "egov"]
    )
    assert request.status == RequestStatus.WAITING
    assert request.reasons == ["This hub lends to everyone."]
    assert queries.waiting_position(request) == 1


def test_refused_request_keeps_the_reasons(staff: User, hub: Hub, participant: Participant) -> None:
    services.policy_update(
        actor=staff, hub=hub, data={"residence_required": True, "required_evidence": ["vdab"]}
    )
    request = services.request_create(actor=staff, participant=participant, kind="laptop")
    assert request.status == RequestStatus.REFUSED
    assert "We do not know where this person lives. Add the municipality." in request.reasons
    assert "Evidence still to be seen: Referral by a VDAB counsellor." in request.reasons


def test_evidence_and_residence_make_a_person_eligible(
    staff: User, hub: Hub, make_participant: MakeParticipant
) -> None:
    gent = Municipality.objects.get(nis_code="44021")
    hub.service_area.add(gent)
    services.policy_update(
        actor=staff,
        hub=hub,
        data={"residence_required": True, "required_evidence": ["increased_allowance"]},
    )
    person = make_participant(postcode="9000")
    assert person.municipality_id == "44021"
    check = services.evidence_record(actor=staff, participant=person, kind="increased_allowance")
    assert check.seen_by == staff
    assert EvidenceCheck.objects.count() == 1
    services.evidence_record(actor=staff, participant=person, kind="increased_allowance")
    assert EvidenceCheck.objects.count() == 1
    decision = queries.eligibility(queries.policy_for(hub), person)
    assert decision.eligible, decision.reasons


def test_approval_required(
    staff: User, coordinator: User, hub: Hub, participant: Participant
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"approval_required": True})
    request = services.request_create(actor=staff, participant=participant, kind="laptop")
    assert request.status == RequestStatus.AWAITING_APPROVAL
    request = services.request_approve(actor=coordinator, request=request)
    assert request.status == RequestStatus.WAITING


def test_one_open_request_per_kind(staff: User, participant: Participant) -> None:
    services.request_create(actor=staff, participant=participant, kind="laptop")
    with pytest.raises(ValidationError, match="already waiting"):
        services.request_create(actor=staff, participant=participant, kind="laptop")


def test_unknown_kind_or_need_is_refused(staff: User, participant: Participant) -> None:
    with pytest.raises(ValidationError):
        services.request_create(actor=staff, participant=participant, kind="spaceship")
    with pytest.raises(ValidationError):
        services.request_create(actor=staff, participant=participant, kind="laptop", needs=["x"])


def test_urgency_points_move_a_request_up(
    staff: User, coordinator: User, hub: Hub, make_participant: MakeParticipant
) -> None:
    first = services.request_create(actor=staff, participant=make_participant(), kind="laptop")
    second = services.request_create(actor=staff, participant=make_participant(), kind="laptop")
    assert [r.pk for r in queries.waiting_list(hub=hub, kind="laptop")] == [first.pk, second.pk]
    services.request_set_urgency(
        actor=coordinator, request=second, points=10, reason="Starts a job on Monday"
    )
    assert [r.pk for r in queries.waiting_list(hub=hub, kind="laptop")] == [second.pk, first.pk]
    second.refresh_from_db()
    assert queries.waiting_position(second) == 1
    with pytest.raises(ValidationError):
        services.request_set_urgency(actor=coordinator, request=second, points=1000, reason="x")


def test_remove_needs_a_reason_and_is_journaled(staff: User, participant: Participant) -> None:
    request = services.request_create(actor=staff, participant=participant, kind="laptop")
    with pytest.raises(ValidationError):
        waitlist.request_remove(actor=staff, request=request, reason="  ")
    request = waitlist.request_remove(actor=staff, request=request, reason="Moved away")
    assert request.status == RequestStatus.SKIPPED
    assert request.skip_reason == "Moved away"
    entry = JournalEntry.objects.get(action="lending.request_remove")
    # Free text about the person never goes into the journal, which cannot be erased.
    assert entry.details == {}
    assert entry.participant_id == participant.pk


def test_offer_goes_to_the_first_in_line_and_reserves_the_device(
    staff: User, hub: Hub, make_participant: MakeParticipant, make_device: MakeDevice
) -> None:
    first = services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    device = make_device()
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    assert offer.request_id == first.pk
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED
    first.refresh_from_db()
    assert first.status == RequestStatus.OFFERED
    assert offer.expires_at - offer.offered_at == timedelta(days=7)


def test_no_offer_when_nobody_waits(staff: User, hub: Hub, device: Device) -> None:
    assert services.offer_next(actor=staff, hub=hub, device=device) is None
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY


def test_accepting_an_offer_lends_the_device_once(
    staff: User, hub: Hub, participant: Participant, device: Device
) -> None:
    services.request_create(actor=staff, participant=participant, kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    loan = services.offer_accept(actor=staff, offer=offer, goals_plan="School")
    assert loan.participant == participant
    assert loan.request is not None
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN
    with pytest.raises(ValidationError, match="already answered"):
        services.offer_accept(actor=staff, offer=offer)


def test_a_reserved_device_cannot_be_checked_out_directly(
    staff: User, hub: Hub, make_participant: MakeParticipant, device: Device
) -> None:
    services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    services.offer_next(actor=staff, hub=hub, device=device)
    with pytest.raises(ValidationError, match="reserved"):
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=make_participant())


def test_expired_offer_moves_on_to_the_next_person(
    staff: User, hub: Hub, make_participant: MakeParticipant, device: Device
) -> None:
    first = services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    second = services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    assert services.offers_expire(now=timezone.now() + timedelta(days=8)) == 1
    offer.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert first.status == RequestStatus.LAPSED
    assert second.status == RequestStatus.OFFERED
    assert DeviceOffer.objects.get(status=OfferStatus.OPEN).request_id == second.pk
    device.refresh_from_db()
    assert device.status == DeviceStatus.RESERVED


def test_declined_offer_frees_the_device_when_nobody_else_waits(
    staff: User, hub: Hub, participant: Participant, device: Device
) -> None:
    services.request_create(actor=staff, participant=participant, kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    services.offer_decline(actor=staff, offer=offer)
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY
    with pytest.raises(ValidationError):
        services.offer_accept(actor=staff, offer=offer)
