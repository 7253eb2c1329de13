"""Attendance per meeting, no-shows, and the certificate rule of the course."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.learning import queries, services
from digibank.learning.models import Attendance, Certificate

from .conftest import MakeParticipant, MakeSession

pytestmark = pytest.mark.django_db


def test_attendance_is_recorded_once_and_can_be_changed(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    session = make_session(held=True, meetings=2)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    meeting = session.meetings.first()
    assert meeting is not None
    services.attendance_record(actor=trainer, meeting=meeting, enrolment=enrolment, status="absent")
    services.attendance_record(
        actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
    )
    assert Attendance.objects.get().status == "present"
    assert JournalEntry.objects.filter(action="learning.attendance").count() == 2


def test_no_shows_are_counted(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    session = make_session(held=True, meetings=3)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    first, second, third = session.meetings.all()
    services.attendance_record(actor=trainer, meeting=first, enrolment=enrolment, status="absent")
    services.attendance_record(actor=trainer, meeting=second, enrolment=enrolment, status="excused")
    services.attendance_record(actor=trainer, meeting=third, enrolment=enrolment, status="present")
    [row] = queries.session_enrolments(session, "enrolled")
    assert (getattr(row, "present"), getattr(row, "no_shows")) == (1, 1)  # noqa: B009


def test_waiting_people_have_no_attendance(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    session = make_session(held=True, capacity=1)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    waiting = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    meeting = session.meetings.get()
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=trainer, meeting=meeting, enrolment=waiting, status="present"
        )
    with pytest.raises(ValidationError):
        services.attendance_record(actor=trainer, meeting=meeting, enrolment=waiting, status="x")


def test_attendance_of_another_session_is_refused(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    one, two = make_session(held=True), make_session(held=True)
    enrolment = services.enrolment_create(actor=staff, session=one, participant=make_participant())
    with pytest.raises(ValidationError):
        services.attendance_record(
            actor=trainer, meeting=two.meetings.get(), enrolment=enrolment, status="present"
        )


def test_certificate_needs_the_attendance_rule(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    session = make_session(held=True, meetings=4)  # the course asks for 75%: 3 of 4
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    meetings = list(session.meetings.all())
    for meeting in meetings[:2]:
        services.attendance_record(
            actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
        )
    eligibility = queries.certificate_eligibility(enrolment)
    assert not eligibility.eligible
    assert eligibility.reason == "Came to 2 of 4 meetings. The course asks for at least 3."
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(actor=trainer, enrolment=enrolment)
    assert "2 of 4" in error.value.messages[0]
    services.attendance_record(
        actor=trainer, meeting=meetings[2], enrolment=enrolment, status="present"
    )
    certificate = services.certificate_issue(actor=trainer, enrolment=enrolment)
    assert certificate.language == "nl"
    assert services.certificate_issue(actor=trainer, enrolment=enrolment) == certificate
    assert Certificate.objects.count() == 1


def test_certificate_language_falls_back_to_dutch(
    make_session: MakeSession, make_participant: MakeParticipant, trainer: User, staff: User
) -> None:
    session = make_session(held=True, meetings=1)
    for language, expected in (("fr", "fr"), ("en", "en"), ("ar", "nl")):
        enrolment = services.enrolment_create(
            actor=staff, session=session, participant=make_participant(preferred_language=language)
        )
        services.attendance_record(
            actor=trainer, meeting=session.meetings.get(), enrolment=enrolment, status="present"
        )
        assert services.certificate_issue(actor=trainer, enrolment=enrolment).language == expected


def test_waiting_people_get_no_certificate(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User
) -> None:
    session = make_session(held=True, capacity=1)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    waiting = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    eligibility = queries.certificate_eligibility(waiting)
    assert not eligibility.eligible
    assert "enrolled" in eligibility.reason


def test_certificate_document_in_the_persons_language(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    trainer: User,
    staff: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.template.loader import render_to_string

    from digibank.learning import pdf

    rendered: list[str] = []

    def render(template: str, context: dict[str, object]) -> bytes:
        rendered.append(render_to_string(template, context))
        return b""

    monkeypatch.setattr(pdf, "render_pdf", render)
    session = make_session(held=True, meetings=1)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant(preferred_language="fr")
    )
    services.attendance_record(
        actor=trainer, meeting=session.meetings.get(), enrolment=enrolment, status="present"
    )
    certificate = services.certificate_issue(actor=trainer, enrolment=enrolment)
    pdf.certificate(enrolment=enrolment, certificate=certificate)
    assert 'lang="fr"' in rendered[0]
    assert "Protéger les données personnelles et la vie privée" in rendered[0]
    assert "2 (" in rendered[0]  # the target level and its band
    assert "Safe online banking" in rendered[0]
