"""Reminders before the due date and when overdue, in the borrower's language, sent
once; the coordinators' daily overdue summary; offers expire through the daily task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.messaging import LocmemSmsBackend
from digibank.devices.models import Device
from digibank.lending import services, tasks
from digibank.lending.models import Loan, OfferStatus
from digibank.network.models import Hub

from .conftest import MakeDevice, MakeParticipant

pytestmark = pytest.mark.django_db


def _loan_due_in(days: int, *, staff: User, hub: Hub, device: Device, person: object) -> Loan:
    loan = services.loan_checkout(actor=staff, hub=hub, device=device, participant=person)  # type: ignore[arg-type]
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() + timedelta(days=days))
    loan.refresh_from_db()
    return loan


def test_due_soon_reminder_is_sent_once_by_email(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(email="ana@example.org", preferred_language="en")
    _loan_due_in(2, staff=staff, hub=hub, device=device, person=person)
    assert tasks.send_loan_reminders.call() == 1
    assert tasks.send_loan_reminders.call() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert "bring it back soon" in mail.outbox[0].subject


def test_no_reminder_far_from_the_due_date(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(email="ana@example.org")
    _loan_due_in(20, staff=staff, hub=hub, device=device, person=person)
    assert tasks.send_loan_reminders.call() == 0


def test_overdue_reminder_by_sms_in_french(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(phone="0470 12 34 56", preferred_language="fr")
    _loan_due_in(-1, staff=staff, hub=hub, device=device, person=person)
    assert tasks.send_loan_reminders.call() == 1
    assert len(LocmemSmsBackend.outbox) == 1
    assert tasks.send_loan_reminders.call() == 0


def test_renewal_gets_new_reminders(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(email="ana@example.org")
    loan = _loan_due_in(1, staff=staff, hub=hub, device=device, person=person)
    assert tasks.send_loan_reminders.call() == 1
    services.loan_renew(actor=staff, loan=loan)
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() + timedelta(days=2))
    assert tasks.send_loan_reminders.call() == 1


def test_returned_loans_get_no_reminder(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(email="ana@example.org")
    loan = _loan_due_in(-3, staff=staff, hub=hub, device=device, person=person)
    services.loan_return(
        actor=staff,
        loan=loan,
        powers_on=True,
        accessories_back=True,
        data_removed=True,
        outcome="ready",
    )
    assert tasks.send_loan_reminders.call() == 0


def test_overdue_summary_to_the_coordinators_once_a_day(
    staff: User,
    coordinator: User,
    hub: Hub,
    make_device: MakeDevice,
    make_participant: MakeParticipant,
) -> None:
    services.policy_update(actor=staff, hub=hub, data={"max_concurrent_loans": 5})
    person = make_participant()
    for days in (-1, -5, 3):
        _loan_due_in(days, staff=staff, hub=hub, device=make_device(), person=person)
    assert tasks.send_overdue_summaries.call() == 1
    assert tasks.send_overdue_summaries.call() == 0
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert "2 loan(s) of Digibank Gent are overdue" in message.body
    assert "Peeters" not in message.body


def test_expire_offers_task(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    services.request_create(actor=staff, participant=make_participant(), kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    assert tasks.expire_offers.call() == 0
    offer.expires_at = timezone.now() - timedelta(minutes=1)
    offer.save(update_fields=["expires_at"])
    assert tasks.expire_offers.call() == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_person_hears_about_an_offer_once(
    staff: User, hub: Hub, device: Device, make_participant: MakeParticipant
) -> None:
    person = make_participant(email="noor@example.org", preferred_language="en")
    services.request_create(actor=staff, participant=person, kind="monitor")
    offer = services.offer_next(actor=staff, hub=hub, device=device)
    assert offer is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "A device is ready for you"
    assert tasks.notify_offer.call(offer.pk) is False  # sent before
