"""Courses, shared templates, sessions and meetings; cancelling notifies everyone;
reminders go out the day before each meeting, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.core.messaging import LocmemSmsBackend
from digibank.core.models import JournalEntry
from digibank.learning import services, tasks
from digibank.learning.digcomp import Competence
from digibank.learning.models import Course, Enrolment, Meeting
from digibank.network.models import Hub, Location

from .conftest import MakeParticipant, MakeSession, meeting_times

pytestmark = pytest.mark.django_db


def test_course_with_competences_and_levels(course: Course) -> None:
    rows = list(course.course_competences.select_related("competence"))
    assert [(row.competence.code, row.target_level) for row in rows] == [("2.1", 3), ("4.2", 2)]
    assert JournalEntry.objects.filter(action="learning.course_create").exists()


def test_course_needs_a_title_and_valid_levels(hub: Hub, staff: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.course_create(actor=staff, hub=hub, data={"title": " "})
    assert "title" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.course_create(
            actor=staff,
            hub=hub,
            data={"title": "X"},
            competences=[(Competence.objects.get(code="1.1"), 9)],
        )
    assert not Course.objects.exists()


def test_shared_template_is_copied_into_another_hub(
    course: Course, other_hub: Hub, make_user, staff: User
) -> None:
    with pytest.raises(ValidationError):
        services.course_copy_template(actor=staff, hub=other_hub, template=course)
    services.course_update(
        actor=staff,
        course=course,
        data={"title": course.title, "is_shared_template": True},
        competences=[(Competence.objects.get(code="4.2"), 2)],
    )
    course.refresh_from_db()
    other = make_user("staff", other_hub)
    copy = services.course_copy_template(actor=other, hub=other_hub, template=course)
    assert copy.hub == other_hub
    assert copy.copied_from == course
    assert not copy.is_shared_template
    assert copy.title == course.title
    assert [row.competence.code for row in copy.course_competences.all()] == ["4.2"]


def test_trainers_must_be_of_the_hub(
    course: Course, staff: User, trainer: User, make_user, other_hub: Hub, digihelper: User
) -> None:
    session = services.session_create(actor=staff, course=course, capacity=5, trainers=[trainer])
    assert list(session.trainers.all()) == [trainer]
    for wrong in (make_user("trainer", other_hub), digihelper):
        with pytest.raises(ValidationError) as error:
            services.session_create(actor=staff, course=course, capacity=5, trainers=[wrong])
        assert "trainers" in error.value.message_dict


def test_meeting_rules(
    make_session: MakeSession, staff: User, location: Location, other_hub: Hub
) -> None:
    session = make_session()
    times = meeting_times(3)
    with pytest.raises(ValidationError) as error:
        services.meeting_add(
            actor=staff,
            session=session,
            starts_at=times["ends_at"],
            ends_at=times["starts_at"],
            location=location,
        )
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.meeting_add(actor=staff, session=session, **times)
    assert "location" in error.value.message_dict
    services.meeting_add(
        actor=staff, session=session, **times, online_url="https://meet.example.org/x"
    )
    session.refresh_from_db()
    assert session.first_meeting_at == times["starts_at"]


def test_cancelling_notifies_everyone_in_their_language(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    django_capture_on_commit_callbacks,
) -> None:
    session = make_session(capacity=1)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    services.enrolment_create(
        actor=staff,
        session=session,
        participant=make_participant(email="", phone="0470 12 34 56", preferred_language="fr"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(actor=staff, session=session, reason="Trainer ill")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Cursus geannuleerd")  # Dutch, their language
    assert len(LocmemSmsBackend.outbox) == 1
    assert "Safe online banking" in LocmemSmsBackend.outbox[0].text
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"cancelled"}
    session.refresh_from_db()
    assert (session.status, session.seats_taken) == ("cancelled", 0)
    assert JournalEntry.objects.filter(action="learning.session_cancel").exists()
    # A second run sends nothing again.
    assert (
        tasks.notify_session_cancelled.call(
            session_id=session.pk,
            enrolment_ids=list(Enrolment.objects.values_list("pk", flat=True)),
        )
        == 0
    )


def test_reminders_the_day_before_once(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, location: Location
) -> None:
    session = make_session(capacity=1)
    services.meeting_add(actor=staff, session=session, **meeting_times(1), location=location)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    mail.outbox.clear()
    assert tasks.send_meeting_reminders.call() == 1  # the waiting person gets none
    assert tasks.send_meeting_reminders.call() == 0
    assert mail.outbox[0].subject == "Herinnering: Safe online banking morgen"  # in Dutch
    assert Meeting.objects.filter(session=session).count() == 2


def test_session_done_closes_the_waiting_list(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(capacity=1)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    waiting = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    services.session_mark_done(actor=staff, session=session)
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    with pytest.raises(ValidationError):
        services.session_mark_done(actor=staff, session=session)
    assert timedelta(hours=1)


def test_course_audiences_and_languages_come_from_the_lists(hub: Hub, staff: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.course_create(
            actor=staff, hub=hub, data={"title": "X", "audiences": ["aliens"], "languages": ["xx"]}
        )
    assert set(error.value.message_dict) == {"audiences", "languages"}
