"""Enrolment: a seat while there is one, then the waiting list in order; capacity is never
exceeded; a person is on a session once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.learning import services
from digibank.learning.models import EnrolmentStatus, Session, SessionStatus
from digibank.network.models import Hub

from .conftest import MakeParticipant, MakeSession

pytestmark = pytest.mark.django_db


def test_seats_then_waiting_list_in_order(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=2)
    people = [make_participant() for _ in range(4)]
    enrolments = [
        services.enrolment_create(actor=staff, session=session, participant=person)
        for person in people
    ]
    assert [e.status for e in enrolments] == ["enrolled", "enrolled", "waiting", "waiting"]
    session.refresh_from_db()
    assert session.seats_taken == 2
    assert session.status == SessionStatus.FULL
    assert JournalEntry.objects.filter(action="learning.enrol").count() == 2
    assert JournalEntry.objects.filter(action="learning.waitlist").count() == 2


def test_a_person_is_on_a_session_once(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session()
    person = make_participant()
    services.enrolment_create(actor=staff, session=session, participant=person)
    with pytest.raises(ValidationError) as error:
        services.enrolment_create(actor=staff, session=session, participant=person)
    assert "participant" in error.value.message_dict


def test_another_hubs_person_is_refused(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, other_hub: Hub
) -> None:
    with pytest.raises(ValidationError):
        services.enrolment_create(
            actor=staff, session=make_session(), participant=make_participant(hub=other_hub)
        )


def test_cancelled_session_refuses_enrolment(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session()
    services.session_cancel(actor=staff, session=session)
    with pytest.raises(ValidationError):
        services.enrolment_create(actor=staff, session=session, participant=make_participant())


def test_portal_self_service_source(
    make_session: MakeSession, make_participant: MakeParticipant
) -> None:
    enrolment = services.enrolment_create(
        actor=None, session=make_session(), participant=make_participant(), source="portal"
    )
    assert enrolment.source == "portal"
    assert enrolment.created_by is None
    with pytest.raises(ValidationError):
        services.enrolment_create(
            actor=None, session=make_session(), participant=make_participant(), source="x"
        )


def test_database_refuses_more_seats_than_capacity(make_session: MakeSession) -> None:
    session = make_session(capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(seats_taken=2)


def test_capacity_cannot_drop_below_seats_taken(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=3)
    for _ in range(2):
        services.enrolment_create(actor=staff, session=session, participant=make_participant())
    with pytest.raises(ValidationError) as error:
        services.session_update(actor=staff, session=session, capacity=1)
    assert "capacity" in error.value.message_dict


def test_more_seats_are_offered_to_the_waiting_list(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=1)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    waiting = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    services.session_update(actor=staff, session=session, capacity=2)
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert waiting.status == EnrolmentStatus.OFFERED
    assert session.seats_taken == 2
    assert session.status == SessionStatus.FULL


def test_cancelling_without_waiting_list_frees_the_seat(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=1)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    services.enrolment_cancel(actor=staff, enrolment=enrolment)
    session.refresh_from_db()
    assert session.seats_taken == 0
    assert session.status == SessionStatus.PLANNED
    with pytest.raises(ValidationError):
        services.enrolment_cancel(actor=staff, enrolment=enrolment)
