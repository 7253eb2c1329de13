"""A freed seat is offered to the next person waiting; the offer expires after the
session's offer time and the seat moves on; an offer is accepted at most once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.accounts.models import User
from digibank.learning import services, tasks
from digibank.learning.models import Enrolment, EnrolmentStatus, Offer, OfferStatus, Session

from .conftest import MakeParticipant, MakeSession

pytestmark = pytest.mark.django_db


def full_with_queue(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, waiting: int = 2
) -> tuple[Session, Enrolment, list[Enrolment]]:
    session = make_session(capacity=1, offer_hours=24)
    seated = services.enrolment_create(actor=staff, session=session, participant=make_participant())
    queue = [
        services.enrolment_create(actor=staff, session=session, participant=make_participant())
        for _ in range(waiting)
    ]
    return session, seated, queue


def test_freed_seat_is_offered_to_the_first_in_line(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    django_capture_on_commit_callbacks,
) -> None:
    session, seated, queue = full_with_queue(make_session, make_participant, staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(actor=staff, enrolment=seated)
    offer = Offer.objects.get()
    assert offer.enrolment == queue[0]
    assert offer.status == OfferStatus.OPEN
    assert offer.expires_at - offer.offered_at == timedelta(hours=24)
    queue[0].refresh_from_db()
    queue[1].refresh_from_db()
    assert (queue[0].status, queue[1].status) == ("offered", "waiting")
    session.refresh_from_db()
    assert session.seats_taken == 1  # the seat is held for the offer
    assert len(mail.outbox) == 1
    assert "Er is een plaats vrij voor jou" in mail.outbox[0].subject  # in Dutch


def test_offer_message_in_the_persons_language(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    django_capture_on_commit_callbacks,
) -> None:
    session = make_session(capacity=1)
    seated = services.enrolment_create(actor=staff, session=session, participant=make_participant())
    services.enrolment_create(
        actor=staff, session=session, participant=make_participant(preferred_language="fr")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(actor=staff, enrolment=seated)
    assert len(mail.outbox) == 1
    assert tasks.message_language(Offer.objects.get().enrolment.participant) == "fr"


def test_accepting_an_offer_enrols_and_cannot_happen_twice(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session, seated, _queue = full_with_queue(make_session, make_participant, staff)
    services.enrolment_cancel(actor=staff, enrolment=seated)
    offer = Offer.objects.get()
    enrolment = services.offer_accept(actor=staff, offer=offer)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    with pytest.raises(ValidationError):
        services.offer_accept(actor=staff, offer=offer)
    stale = Offer.objects.get(pk=offer.pk)
    stale.status = OfferStatus.OPEN  # a page loaded before the first accept
    with pytest.raises(ValidationError):
        services.offer_accept(actor=staff, offer=stale)
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert Enrolment.objects.filter(session=session, status="enrolled").count() == 1


def test_expired_offer_moves_to_the_next_person(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session, seated, queue = full_with_queue(make_session, make_participant, staff)
    services.enrolment_cancel(actor=staff, enrolment=seated)
    first = Offer.objects.get()
    assert services.offers_expire(now=timezone.now()) == 0  # not yet
    assert tasks.expire_offers.call() == 0
    later = first.expires_at + timedelta(seconds=1)
    assert services.offers_expire(now=later) == 1
    first.refresh_from_db()
    assert first.status == OfferStatus.EXPIRED
    queue[0].refresh_from_db()
    assert queue[0].status == EnrolmentStatus.EXPIRED
    second = Offer.objects.get(status=OfferStatus.OPEN)
    assert second.enrolment == queue[1]
    with pytest.raises(ValidationError):
        services.offer_accept(actor=staff, offer=first)
    # The last offer expires with nobody waiting: the seat goes back to the pool.
    assert services.offers_expire(now=second.expires_at + timedelta(seconds=1)) == 1
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert session.status == "planned"
    assert services.offers_expire(now=second.expires_at + timedelta(days=1)) == 0  # idempotent


def test_an_expired_but_unswept_offer_cannot_be_accepted(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    _session, seated, _queue = full_with_queue(make_session, make_participant, staff)
    services.enrolment_cancel(actor=staff, enrolment=seated)
    offer = Offer.objects.get()
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    offer.refresh_from_db()
    with pytest.raises(ValidationError):
        services.offer_accept(actor=staff, offer=offer)


def test_declining_passes_the_seat_on(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    _session, seated, queue = full_with_queue(make_session, make_participant, staff)
    services.enrolment_cancel(actor=staff, enrolment=seated)
    services.offer_decline(actor=staff, offer=Offer.objects.get())
    assert Offer.objects.get(status="declined").enrolment == queue[0]
    assert Offer.objects.get(status="open").enrolment == queue[1]


def test_expiry_runs_hourly_and_reminders_daily() -> None:
    from digibank.core.schedule import DAILY_TASKS, HOURLY_TASKS

    assert tasks.expire_offers in HOURLY_TASKS
    assert tasks.send_meeting_reminders in DAILY_TASKS


def test_with_a_waiting_backend_each_offer_schedules_its_expiry(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scheduled: list[object] = []

    class Deferred:
        def enqueue(self) -> None:
            scheduled.append("enqueued")

    monkeypatch.setattr(tasks, "offer_expiry_backend_can_wait", lambda: True)

    def using(self: object, **kwargs: object) -> Deferred:
        scheduled.append(kwargs["run_after"])
        return Deferred()

    monkeypatch.setattr(type(tasks.expire_offers), "using", using)
    _session, seated, _queue = full_with_queue(make_session, make_participant, staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(actor=staff, enrolment=seated)
    assert scheduled == [Offer.objects.get().expires_at, "enqueued"]
