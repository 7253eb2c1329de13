"""50 people enrolled at the same moment for 10 seats: exactly 10 get a seat, 40 join the
waiting list, nothing fails. Two people accepting the same offer at once: one wins. Real
threads with their own connections, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.learning import services
from digibank.learning.models import Enrolment, Offer, Session

from .conftest import MakeParticipant, MakeSession


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_at_once_for_ten_seats(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=10)
    people = [make_participant() for _ in range(50)]

    def enrol(person_id: int) -> Callable[[], str]:
        def action() -> str:
            from digibank.people.models import Participant

            fresh = Session.objects.get(pk=session.pk)
            return services.enrolment_create(
                actor=staff, session=fresh, participant=Participant.objects.get(pk=person_id)
            ).status

        return action

    outcomes = labels(run_at_once([enrol(person.pk) for person in people]))
    assert outcomes.count("enrolled") == 10
    assert outcomes.count("waiting") == 40
    session.refresh_from_db()
    assert session.seats_taken == 10
    assert session.status == "full"
    assert Enrolment.objects.filter(session=session, status="enrolled").count() == 10
    assert Enrolment.objects.filter(session=session, status="waiting").count() == 40


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offer_accepted_twice_at_once_counts_once(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=1)
    seated = services.enrolment_create(actor=staff, session=session, participant=make_participant())
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    services.enrolment_cancel(actor=staff, enrolment=seated)
    offer_id = Offer.objects.get().pk

    def accept() -> str:
        return services.offer_accept(actor=staff, offer=Offer.objects.get(pk=offer_id)).status

    assert labels(run_at_once([accept, accept])) == ["enrolled", "refused"]
    assert Enrolment.objects.filter(session=session, status="enrolled").count() == 1
