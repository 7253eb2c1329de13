"""Check-out, renewal, agreement signature and return, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.devices.models import Device, DeviceStatus
from digibank.lending import services
from digibank.lending.models import Loan, LoanKind, ReturnOutcome
from digibank.network.models import Hub
from digibank.people.models import Participant

from .conftest import MakeDevice, MakeParticipant

pytestmark = pytest.mark.django_db


def test_checkout_lends_the_device_with_a_due_date(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.policy_update(
        actor=staff, hub=hub, data={"default_loan_days": 30, "loan_days_by_kind": {"monitor": 60}}
    )
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=participant, goals_plan="Apply for jobs"
    )
    device.refresh_from_db()
    assert device.status == DeviceStatus.ON_LOAN
    assert loan.due_on == timezone.localdate() + timedelta(days=60)
    assert loan.language == "nl"
    assert loan.goals_plan == "Apply for jobs"
    assert JournalEntry.objects.filter(action="lending.checkout", subject_id=str(loan.pk)).exists()


def test_a_device_is_lent_only_once(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    services.loan_checkout(actor=staff, hub=hub, device=device, participant=make_participant())
    with pytest.raises(ValidationError) as error:
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=make_participant())
    assert "already lent out" in str(error.value)
    assert Loan.objects.count() == 1


def test_a_device_not_ready_is_refused(
    staff: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    device = make_device(status=DeviceStatus.RECEIVED)
    with pytest.raises(ValidationError, match="not ready to lend"):
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)


def test_another_hubs_device_or_person_is_refused(
    staff: User,
    hub: Hub,
    other_hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
    participant: Participant,
    device: Device,
) -> None:
    with pytest.raises(ValidationError, match="another hub"):
        services.loan_checkout(
            actor=staff, hub=hub, device=make_device(hub=other_hub), participant=participant
        )
    with pytest.raises(ValidationError, match="person of this hub"):
        services.loan_checkout(
            actor=staff, hub=hub, device=device, participant=make_participant(hub=other_hub)
        )


def test_policy_refusal_gives_the_reasons(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.policy_update(actor=staff, hub=hub, data={"target_groups": ["jobseeker"]})
    with pytest.raises(ValidationError) as error:
        services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    messages = error.value.message_dict["participant"]
    assert messages[0] == "This person may not borrow now."
    assert "Does not belong to a group that may borrow" in messages[1]
    device.refresh_from_db()
    assert device.status == DeviceStatus.READY


def test_max_concurrent_loans(
    staff: User, hub: Hub, make_device: MakeDevice, participant: Participant
) -> None:
    services.loan_checkout(actor=staff, hub=hub, device=make_device(), participant=participant)
    with pytest.raises(ValidationError, match="the most is 1"):
        services.loan_checkout(actor=staff, hub=hub, device=make_device(), participant=participant)


def test_renewals_up_to_the_max(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    services.policy_update(actor=staff, hub=hub, data={"max_renewals": 1, "default_loan_days": 10})
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    first_due = loan.due_on
    assert first_due is not None
    loan = services.loan_renew(actor=staff, loan=loan)
    assert loan.due_on == first_due + timedelta(days=10)
    assert loan.renewals == 1
    with pytest.raises(ValidationError, match="the most is 1"):
        services.loan_renew(actor=staff, loan=loan)


def test_long_term_has_no_due_date_and_cannot_be_renewed(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=participant, kind=LoanKind.LONG_TERM
    )
    assert loan.due_on is None
    with pytest.raises(ValidationError):
        services.loan_renew(actor=staff, loan=loan)


def test_gift_retires_the_device_as_given_away(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(
        actor=staff, hub=hub, device=device, participant=participant, kind=LoanKind.GIFT
    )
    device.refresh_from_db()
    assert device.status == DeviceStatus.RETIRED
    assert device.retirement_reason == "given_away"
    assert not loan.is_open
    with pytest.raises(ValidationError, match="already closed"):
        services.loan_return(
            actor=staff,
            loan=loan,
            powers_on=True,
            accessories_back=True,
            data_removed=True,
            outcome=ReturnOutcome.READY,
        )


def test_mark_signed_once(staff: User, hub: Hub, device: Device, participant: Participant) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    assert loan.signed_at is None
    loan = services.loan_mark_signed(actor=staff, loan=loan)
    assert loan.signed_at is not None
    assert loan.signed_recorded_by == staff
    with pytest.raises(ValidationError):
        services.loan_mark_signed(actor=staff, loan=loan)


def test_agreement_language_falls_back_to_dutch(
    staff: User, hub: Hub, make_device: MakeDevice, make_participant: MakeParticipant
) -> None:
    french = make_participant(preferred_language="fr")
    arabic = make_participant(preferred_language="ar")
    services.policy_update(actor=staff, hub=hub, data={"max_concurrent_loans": 3})
    assert (
        services.loan_checkout(
            actor=staff, hub=hub, device=make_device(), participant=french
        ).language
        == "fr"
    )
    assert (
        services.loan_checkout(
            actor=staff, hub=hub, device=make_device(), participant=arabic
        ).language
        == "nl"
    )


@pytest.mark.parametrize(
    ("outcome", "kind", "status"),
    [
        (ReturnOutcome.READY, "monitor", DeviceStatus.READY),
        (ReturnOutcome.READY, "laptop", DeviceStatus.WIPING),
        (ReturnOutcome.REPAIR, "monitor", DeviceStatus.IN_REPAIR),
        (ReturnOutcome.RETIRED, "monitor", DeviceStatus.RETIRED),
    ],
)
def test_return_with_checklist_follows_the_outcome(
    staff: User,
    hub: Hub,
    make_device: MakeDevice,
    participant: Participant,
    outcome: str,
    kind: str,
    status: str,
) -> None:
    device = make_device(kind=kind) if kind == "monitor" else _ready_laptop(staff, make_device)
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    loan = services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=False,
        data_removed=True,
        outcome=outcome,
        damage_note="Scratch on the lid",
    )
    device.refresh_from_db()
    assert device.status == status
    assert loan.returned_at is not None
    assert loan.accessories_back is False
    assert loan.damage_note == "Scratch on the lid"
    assert JournalEntry.objects.filter(
        action="device.transition", subject_id=str(device.pk), details__to="returned"
    ).exists()
    with pytest.raises(ValidationError, match="already closed"):
        services.loan_return(
            actor=staff,
            loan=loan,
            powers_on=True,
            accessories_back=True,
            data_removed=True,
            outcome=outcome,
        )


def test_ready_again_needs_data_removed(
    staff: User, hub: Hub, device: Device, participant: Participant
) -> None:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=participant)
    with pytest.raises(ValidationError) as error:
        services.loan_return(
            actor=staff,
            loan=loan,
            powers_on=True,
            accessories_back=True,
            data_removed=False,
            outcome=ReturnOutcome.READY,
        )
    assert "outcome" in error.value.message_dict
    loan.refresh_from_db()
    assert loan.returned_at is None


def _ready_laptop(staff: User, make_device: MakeDevice) -> Device:
    from digibank.devices.services import wipe_record

    device = make_device(kind="laptop", status=DeviceStatus.RECEIVED)
    wipe_record(actor=staff, device=device, method="purge", tool="nwipe", result="passed")
    from digibank.devices.services import device_transition

    device_transition(actor=staff, device=device, to=DeviceStatus.READY)
    device.refresh_from_db()
    return device
