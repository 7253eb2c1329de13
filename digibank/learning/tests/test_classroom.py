"""The trainer's day: attendance only from a meeting's day on and by its trainers or
coordinators; certificates issued on purpose with the hours attended, e-mailed; the
attendance sheet without phone numbers; one meeting moved or cancelled with one message
per person in their language; a course out of and back into the catalogue; my sessions."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.core.messaging import LocmemSmsBackend
from digibank.learning import classroom, pdf, queries, services
from digibank.learning.models import Certificate, Course, Enrolment, Meeting, Session
from digibank.network.models import Hub, Location

from .conftest import MakeParticipant, MakeSession, learning_url, meeting_times

pytestmark = pytest.mark.django_db


def pdf_text(document: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


# --- attendance: who and when -----------------------------------------------------------


def test_attendance_waits_for_the_meetings_day(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, trainer: User
) -> None:
    session = make_session(trainers=[trainer])  # next week
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    with pytest.raises(ValidationError, match="not started yet"):
        services.attendance_record(
            actor=trainer, meeting=session.meetings.get(), enrolment=enrolment, status="present"
        )
    # Later today counts: the trainer marks people as they come in.
    meeting = session.meetings.get()
    meeting.starts_at = meeting_times(0, hour=23)["starts_at"]
    meeting.ends_at = meeting.starts_at + timedelta(minutes=30)
    meeting.save()
    services.attendance_record(
        actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
    )


def test_only_the_sessions_trainers_and_coordinators_mark(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    make_user: Callable[..., User],
    hub: Hub,
    staff: User,
    trainer: User,
    coordinator: User,
) -> None:
    session = make_session(held=True)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    meeting = session.meetings.get()
    other_trainer = make_user(HubRole.TRAINER, hub)
    for outsider in (staff, other_trainer):
        with pytest.raises(ValidationError, match="Only the trainers"):
            services.attendance_record(
                actor=outsider, meeting=meeting, enrolment=enrolment, status="present"
            )
    for allowed in (trainer, coordinator):
        services.attendance_record(
            actor=allowed, meeting=meeting, enrolment=enrolment, status="present"
        )


def test_attendance_page_of_a_future_meeting_has_no_buttons(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    hub: Hub,
) -> None:
    session = make_session(trainers=[trainer])
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    page = client_for(trainer).get(learning_url(hub, "attendance", pk=session.meetings.get().pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "has not started yet" in text
    assert 'name="status"' not in text


# --- certificates -----------------------------------------------------------------------


def _attend(session: Session, enrolment: Enrolment, trainer: User, count: int) -> None:
    for meeting in list(Meeting.objects.filter(session=session))[:count]:
        services.attendance_record(
            actor=trainer, meeting=meeting, enrolment=enrolment, status="present"
        )


def test_certificate_prints_the_hours_attended(
    make_session: MakeSession, make_participant: MakeParticipant, staff: User, trainer: User
) -> None:
    session = make_session(meetings=4, held=True)  # 4 meetings of 2 hours; course says 8.0
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant(given_name="Maria")
    )
    _attend(session, enrolment, trainer, 3)
    certificate = classroom.certificate_issue_one(actor=trainer, enrolment=enrolment)
    assert certificate.hours == Decimal("6.0")
    text = pdf_text(pdf.certificate(enrolment=enrolment, certificate=certificate))
    assert "Maria" in text
    # Dutch, the person's language: a decimal comma.
    assert "6,0 uur" in text
    assert "8,0" not in text


def test_certificate_prints_the_course_hours_when_the_course_says_so(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    course: Course,
) -> None:
    Course.objects.filter(pk=course.pk).update(certificate_hours="course")
    session = make_session(meetings=4, held=True)
    enrolment = services.enrolment_create(
        actor=staff, session=session, participant=make_participant()
    )
    _attend(session, enrolment, trainer, 3)
    certificate = classroom.certificate_issue_one(actor=trainer, enrolment=enrolment)
    assert certificate.hours == Decimal("8.0")
    assert "8,0 uur" in pdf_text(pdf.certificate(enrolment=enrolment, certificate=certificate))


def test_issuing_for_the_whole_session_over_http(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    hub: Hub,
) -> None:
    session = make_session(meetings=4, held=True)
    came = services.enrolment_create(actor=staff, session=session, participant=make_participant())
    missed = services.enrolment_create(actor=staff, session=session, participant=make_participant())
    _attend(session, came, trainer, 4)
    _attend(session, missed, trainer, 1)
    client = client_for(trainer)
    # Opening the session or a certificate page issues nothing.
    assert client.get(learning_url(hub, "session", pk=session.pk)).status_code == 200
    assert client.get(learning_url(hub, "certificate", pk=came.pk)).status_code == 200
    assert not Certificate.objects.exists()
    # A GET on the action issues nothing either.
    assert client.get(learning_url(hub, "certificates_issue", pk=session.pk)).status_code < 500
    assert not Certificate.objects.exists()
    response = client.post(learning_url(hub, "certificates_issue", pk=session.pk), follow=True)
    text = response.content.decode()
    assert "Certificates issued now: 1" in text
    assert "Came to 1 of 4 meetings" in text
    assert list(Certificate.objects.values_list("enrolment_id", flat=True)) == [came.pk]
    again = client.post(learning_url(hub, "certificates_issue", pk=session.pk), follow=True)
    assert "Issued before: 1" in again.content.decode()
    assert Certificate.objects.count() == 1


def test_certificate_by_email_in_the_persons_language(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = make_session(held=True)
    enrolment = services.enrolment_create(
        actor=staff,
        session=session,
        participant=make_participant(email="lea@example.org", preferred_language="fr"),
    )
    _attend(session, enrolment, trainer, 1)
    certificate = classroom.certificate_issue_one(actor=trainer, enrolment=enrolment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        classroom.certificate_email(actor=trainer, certificate=certificate)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    assert message.subject.startswith("Ton attestation")  # French, the person's language
    _name, content, kind = message.attachments[0]
    assert kind == "application/pdf"
    assert "Safe online banking" in pdf_text(content)

    without = services.enrolment_create(
        actor=staff, session=session, participant=make_participant(email="", phone="0470123456")
    )
    _attend(session, without, trainer, 1)
    other = classroom.certificate_issue_one(actor=trainer, enrolment=without)
    with pytest.raises(ValidationError, match="no e-mail address"):
        classroom.certificate_email(actor=trainer, certificate=other)


def test_attendance_sheet_has_names_and_no_phone_numbers(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    trainer: User,
    hub: Hub,
) -> None:
    session = make_session(held=True)
    services.enrolment_create(
        actor=staff,
        session=session,
        participant=make_participant(given_name="Rachid", phone="0470 99 88 77"),
    )
    meeting = session.meetings.get()
    client = client_for(trainer)
    sheet = client.get(learning_url(hub, "attendance_sheet", pk=meeting.pk))
    text = pdf_text(sheet.content)
    assert "Rachid" in text
    assert "Signature" in text
    assert "0470" not in text.replace(" ", "")
    assert "99 88 77" not in text
    # The trainer's screen does show the number, to call someone who is late.
    screen = client.get(learning_url(hub, "attendance", pk=meeting.pk)).content.decode()
    assert "0470 99 88 77" in screen or "+32470998877" in screen or "0470998877" in screen


# --- one meeting: move, cancel ----------------------------------------------------------


def test_moving_a_meeting_tells_everyone_once_in_their_language(
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    location: Location,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = make_session(meetings=2)
    services.enrolment_create(
        actor=staff, session=session, participant=make_participant(preferred_language="nl")
    )
    services.enrolment_create(
        actor=staff,
        session=session,
        participant=make_participant(email="", phone="0470 12 34 56", preferred_language="fr"),
    )
    meeting = session.meetings.order_by("starts_at").first()
    assert meeting is not None
    mail.outbox.clear()
    LocmemSmsBackend.outbox.clear()
    moved = meeting_times(3, hour=18)
    with django_capture_on_commit_callbacks(execute=True):
        classroom.meeting_update(actor=staff, meeting=meeting, **moved, location=location)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Gewijzigd")
    assert len(LocmemSmsBackend.outbox) == 1
    assert "Modifié" in LocmemSmsBackend.outbox[0].text
    session.refresh_from_db()
    assert session.first_meeting_at == moved["starts_at"]
    # Saving the same time and place again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        classroom.meeting_update(actor=staff, meeting=meeting, **moved, location=location)
    assert len(mail.outbox) == 1


def test_cancelling_one_meeting(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    make_participant: MakeParticipant,
    staff: User,
    hub: Hub,
    django_capture_on_commit_callbacks: Any,
) -> None:
    session = make_session(meetings=2)
    services.enrolment_create(actor=staff, session=session, participant=make_participant())
    first, second = session.meetings.order_by("starts_at")
    mail.outbox.clear()
    client = client_for(staff)
    url = learning_url(hub, "meeting_cancel", pk=second.pk)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Zaal niet vrij"})
    assert response.status_code == 302
    assert list(session.meetings.all()) == [first]
    assert len(mail.outbox) == 1
    assert "Zaal niet vrij" in mail.outbox[0].body
    # The last meeting cannot go: that is cancelling the session.
    refused = client.post(learning_url(hub, "meeting_cancel", pk=first.pk), {"reason": ""})
    assert refused.status_code == 200
    assert "Cancel the whole session instead" in refused.content.decode()


def test_moving_a_meeting_over_http_with_a_bad_time(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    staff: User,
    hub: Hub,
    location: Location,
) -> None:
    session = make_session()
    meeting = session.meetings.get()
    client = client_for(staff)
    url = learning_url(hub, "meeting_edit", pk=meeting.pk)
    assert client.get(url).status_code == 200
    day = meeting_times(10)["starts_at"].date().isoformat()
    bad = client.post(url, {"date": day, "start": "15:00", "end": "14:00", "location": location.pk})
    assert bad.status_code == 200
    assert "must end after it starts" in bad.content.decode()
    good = client.post(
        url, {"date": day, "start": "15:00", "end": "17:00", "location": location.pk}
    )
    assert good.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == meeting_times(10, hour=15)["starts_at"]


# --- the catalogue ----------------------------------------------------------------------


def test_a_course_out_of_and_back_into_the_catalogue(
    client_for: Callable[[User], Client], course: Course, staff: User, trainer: User, hub: Hub
) -> None:
    client = client_for(staff)
    url = learning_url(hub, "course_catalogue", pk=course.pk)
    assert client.post(url).status_code == 302
    course.refresh_from_db()
    assert not course.is_active
    with pytest.raises(ValidationError):
        services.session_create(actor=staff, course=course, capacity=5)
    # Trainers no longer see it; managers do, marked, to put it back.
    assert (
        course.title not in client_for(trainer).get(learning_url(hub, "courses")).content.decode()
    )
    listing = client.get(learning_url(hub, "courses")).content.decode()
    assert course.title in listing
    assert "Out of the catalogue" in listing
    assert client.post(url, {"active": "1"}).status_code == 302
    course.refresh_from_db()
    assert course.is_active
    assert client_for(trainer).post(url).status_code == 403


# --- my sessions ------------------------------------------------------------------------


def test_my_sessions_lists_only_my_own_with_a_bounded_query_count(
    client_for: Callable[[User], Client],
    make_session: MakeSession,
    make_user: Callable[..., User],
    trainer: User,
    hub: Hub,
    django_assert_max_num_queries: Any,
) -> None:
    mine = make_session(trainers=[trainer], name="Mijn groep")
    today = make_session(trainers=[trainer], name="Vandaag")
    meeting = today.meetings.get()
    meeting.starts_at = meeting_times(0, hour=23)["starts_at"]
    meeting.ends_at = meeting.starts_at + timedelta(minutes=30)
    meeting.save()
    colleague = make_user(HubRole.TRAINER, hub)
    make_session(trainers=[colleague], name="Niet van mij")
    client = client_for(trainer)
    client.get(learning_url(hub, "mine"))
    with django_assert_max_num_queries(12):
        page = client.get(learning_url(hub, "mine"))
    text = page.content.decode()
    assert "Mijn groep" in text
    assert "Vandaag" in text
    assert "Niet van mij" not in text
    assert [m.pk for m in queries.trainer_meetings_today(hub=hub, user=trainer)] == [meeting.pk]
    assert mine.pk in [s.pk for s in queries.trainer_sessions(hub=hub, user=trainer)]
    for _ in range(5):
        make_session(trainers=[trainer])
    with django_assert_max_num_queries(12):
        client.get(learning_url(hub, "mine"))


def test_the_dashboard_shows_a_trainer_their_meetings_today(
    client_for: Callable[[User], Client], make_session: MakeSession, trainer: User, hub: Hub
) -> None:
    session = make_session(trainers=[trainer], name="Vandaag")
    meeting = session.meetings.get()
    meeting.starts_at = meeting_times(0, hour=23)["starts_at"]
    meeting.ends_at = meeting.starts_at + timedelta(minutes=30)
    meeting.save()
    page = client_for(trainer).get(f"/h/{hub.slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your meetings today" in text
    assert learning_url(hub, "attendance", pk=meeting.pk) in text


# --- a brand-new person from the enrol page ---------------------------------------------


def test_register_and_enrol_a_new_person_in_one_step(
    client_for: Callable[[User], Client], make_session: MakeSession, staff: User, hub: Hub
) -> None:
    from digibank.people.models import Participant

    session = make_session(capacity=1)
    url = learning_url(hub, "enrol", pk=session.pk)
    client = client_for(staff)
    assert "Register and enrol" in client.get(url).content.decode()
    refused = client.post(url, {"register": "1", "given_name": "", "preferred_language": "nl"})
    assert refused.status_code == 200
    assert "Type at least a name" in refused.content.decode()
    assert not Participant.objects.exists()
    done = client.post(
        url,
        {
            "register": "1",
            "given_name": "Yusuf",
            "family_name": "Demir",
            "phone": "0470 11 22 33",
            "preferred_language": "fr",
            "consent": "on",
        },
    )
    assert done.status_code == 302
    person = Participant.objects.get()
    assert (person.given_name, person.preferred_language) == ("Yusuf", "fr")
    assert session.enrolments.get().participant == person
