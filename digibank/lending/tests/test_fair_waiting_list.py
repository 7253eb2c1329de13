"""The fair waiting list (fairness.py, waitlist.py): a direct check-out or a renewal
while others wait follows the hub's rule; passing over, removing and withdrawing;
urgency with a reason; evidence that expires; the coordinator's inbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import DeviceStatus
from digibank.lending import queries, services, waitlist
from digibank.lending.models import OfferStatus, RequestStatus, WaitingPass
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant

pytestmark = pytest.mark.django_db


def _waiting(staff: User, make_participant: MakeParticipant, kind: str = "monitor") -> Participant:
    person = make_participant(given_name="Wacht")
    services.request_create(actor=staff, participant=person, kind=kind)
    return person


def test_checkout_warns_when_others_wait_and_lends_after_confirmation(
    staff: User, hub: Hub, make_participant: MakeParticipant, make_device: MakeDevice
) -> None:
    _waiting(staff, make_participant)
    walk_in = make_participant(given_name="Binnen")
    device = make_device()
    with pytest.raises(ValidationError) as refused:
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=walk_in)
    assert "waiting_acknowledged" in refused.value.error_dict
    assert "1 person waits for this kind of device" in str(refused.value)
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=walk_in, waiting_acknowledged=True
    )
    entry = JournalEntry.objects.get(action="lending.checkout", subject_id=str(loan.pk))
    assert entry.details["waiting_ahead"] == 1
    assert entry.details["waiting_acknowledged"] is True
    assert entry.details["waiting_overridden"] is False


def test_nobody_waiting_or_first_in_line_lends_without_a_question(
    staff: User, hub: Hub, make_participant: MakeParticipant, make_device: MakeDevice
) -> None:
    first = _waiting(staff, make_participant)
    _waiting(staff, make_participant)  # after the first: not ahead of them
    loan = services.loan_checkout(actor=staff, hub=hub, device=make_device(), participant=first)
    # The person got what they waited for: they leave the list.
    assert loan.request is not None
    assert loan.request.status == RequestStatus.FULFILLED
    other = make_device(kind="webcam")
    services.loan_checkout(
        actor=staff, hub=hub, device=other, participant=make_participant(given_name="Tab")
    )


def test_refuse_rule_needs_a_coordinator_with_a_reason(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    make_device: MakeDevice,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"checkout_when_waiting": "refuse"})
    _waiting(staff, make_participant)
    walk_in = make_participant(given_name="Binnen")
    device = make_device()
    with pytest.raises(ValidationError) as refused:
        services.loan_checkout(
            actor=staff, hub=hub, device=device, participant=walk_in, waiting_acknowledged=True
        )
    assert "waiting_override_reason" in refused.value.error_dict
    with pytest.raises(ValidationError, match="Only a coordinator"):
        services.loan_checkout(
            actor=staff,
            hub=hub,
            device=device,
            participant=walk_in,
            waiting_override_reason="Needs it for an exam tomorrow",
        )
    loan = services.loan_checkout(
        actor=coordinator,
        hub=hub,
        device=device,
        participant=walk_in,
        waiting_override_reason="Needs it for an exam tomorrow",
    )
    assert loan.waiting_override_reason == "Needs it for an exam tomorrow"
    entry = JournalEntry.objects.get(action="lending.checkout", subject_id=str(loan.pk))
    assert entry.details["waiting_overridden"] is True
    # The reason is free text about a person: never in the append-only journal.
    assert "exam" not in str(entry.details)


def test_renewal_warns_or_refuses_when_others_wait(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    make_device: MakeDevice,
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"max_renewals": 3})
    borrower = make_participant(given_name="Lener")
    loan = services.loan_checkout(actor=staff, hub=hub, device=make_device(), participant=borrower)
    services.loan_renew(actor=staff, loan=loan)  # nobody waits
    _waiting(staff, make_participant)
    with pytest.raises(ValidationError) as warned:
        services.loan_renew(actor=staff, loan=loan)
    assert "waiting_acknowledged" in warned.value.error_dict
    services.loan_renew(actor=staff, loan=loan, waiting_acknowledged=True)
    services.policy_update(actor=coordinator, hub=hub, data={"renew_when_waiting": "refuse"})
    with pytest.raises(ValidationError, match="does not renew"):
        services.loan_renew(actor=staff, loan=loan, waiting_acknowledged=True)
    loan.refresh_from_db()
    assert loan.renewals == 2
    services.loan_renew(actor=coordinator, loan=loan, waiting_override_reason="Course ends soon")
    loan.refresh_from_db()
    assert loan.renewals == 3


def test_expired_evidence_no_longer_counts_and_is_rechecked_at_renewal(
    staff: User,
    coordinator: User,
    hub: Hub,
    participant: Participant,
    make_device: MakeDevice,
) -> None:
    services.policy_update(
        actor=coordinator,
        hub=hub,
        data={"required_evidence": ["increased_allowance"], "max_renewals": 2},
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.evidence_record(
            actor=staff,
            participant=participant,
            kind="increased_allowance",
            valid_until=today - timedelta(days=1),
        )
    check = services.evidence_record(
        actor=staff, participant=participant, kind="increased_allowance", valid_until=today
    )
    policy = queries.policy_for(hub)
    assert queries.eligibility(policy, participant).eligible
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=make_device(), participant=participant
    )
    services.loan_renew(actor=staff, loan=loan)  # still valid today
    # A year later the status has lapsed (seen as expired yesterday).
    check.valid_until = today - timedelta(days=1)
    check.save()
    assert not queries.eligibility(policy, participant).eligible
    with pytest.raises(ValidationError, match="may not renew"):
        services.loan_renew(actor=staff, loan=loan)


def test_pass_over_keeps_the_place_and_offers_the_next_person(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_participant: MakeParticipant,
    make_device: MakeDevice,
) -> None:
    first = services.request_create(
        actor=staff, participant=make_participant(given_name="Eerste"), kind="monitor"
    )
    second = services.request_create(
        actor=staff, participant=make_participant(given_name="Tweede"), kind="monitor"
    )
    device = make_device()
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    assert offer.request_id == first.pk
    with pytest.raises(ValidationError):
        waitlist.offer_pass_over(actor=coordinator, offer=offer, reason=" ")
    nxt = waitlist.offer_pass_over(actor=coordinator, offer=offer, reason="Too heavy for her")
    assert nxt is not None
    assert nxt.request_id == second.pk
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == OfferStatus.PASSED
    assert first.status == RequestStatus.WAITING
    assert queries.waiting_position(first) == 1  # kept the place
    assert WaitingPass.objects.get(request=first).device_id == device.pk
    # The next device of the kind goes to them again; this one never does.
    services.offer_decline(actor=staff, offer=nxt)
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY  # nobody else waits but the passed-over
    assert not first.offers.filter(device=device, status=OfferStatus.OPEN).exists()
    other = services.offer_next(actor=staff, hub=hub, device=make_device())
    assert other is not None
    assert other.request_id == first.pk


def test_withdraw_ends_an_open_offer_and_the_device_moves_on(
    staff: User, hub: Hub, make_participant: MakeParticipant, make_device: MakeDevice
) -> None:
    first = services.request_create(
        actor=staff, participant=make_participant(given_name="Eerste"), kind="monitor"
    )
    second = services.request_create(
        actor=staff, participant=make_participant(given_name="Tweede"), kind="monitor"
    )
    services.offer_next(actor=staff, hub=hub, device=make_device())
    first.refresh_from_db()
    assert first.status == RequestStatus.OFFERED
    waitlist.request_withdraw(actor=staff, request=first)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RequestStatus.WITHDRAWN
    assert second.status == RequestStatus.OFFERED
    assert JournalEntry.objects.filter(action="lending.request_withdraw").count() == 1
    with pytest.raises(ValidationError):
        waitlist.request_withdraw(actor=staff, request=first)


def test_urgency_needs_a_reason_and_staff_only_when_the_policy_allows(
    staff: User, coordinator: User, hub: Hub, participant: Participant
) -> None:
    request = services.request_create(actor=staff, participant=participant, kind="laptop")
    with pytest.raises(ValidationError):
        services.request_set_urgency(actor=coordinator, request=request, points=5, reason="")
    with pytest.raises(ValidationError, match="only a coordinator"):
        services.request_set_urgency(actor=staff, request=request, points=5, reason="Job")
    services.policy_update(actor=coordinator, hub=hub, data={"staff_set_urgency": True})
    request = services.request_set_urgency(actor=staff, request=request, points=5, reason="Job")
    assert request.urgency_reason == "Job"
    assert JournalEntry.objects.get(action="lending.request_urgency").details == {"points": 5}


def test_inbox_oldest_first_and_follow_up_lists(
    staff: User, coordinator: User, hub: Hub, make_participant: MakeParticipant
) -> None:
    services.policy_update(actor=coordinator, hub=hub, data={"approval_required": True})
    old = services.request_create(actor=staff, participant=make_participant(), kind="laptop")
    new = services.request_create(actor=staff, participant=make_participant(), kind="tablet")
    type(old).objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(days=9))
    assert [r.pk for r in queries.awaiting_approval(hub=hub)] == [old.pk, new.pk]
    services.policy_update(
        actor=coordinator, hub=hub, data={"approval_required": False, "target_groups": ["senior"]}
    )
    refused = services.request_create(actor=staff, participant=make_participant(), kind="laptop")
    assert refused.status == RequestStatus.REFUSED
    assert [r.pk for r in queries.to_follow_up(hub=hub)] == [refused.pk]
