"""Services of the classroom day (kept apart from services.py, which holds the seats and
the waiting list): changing, moving or cancelling one meeting, who may mark attendance
and when, certificates issued on purpose (one person or a whole session) and e-mailed,
and taking a course out of the catalogue.

Same shape as services.py: keyword-only, `actor=`, one transaction, journal in it,
messages after commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.network.models import Location

from .models import (
    AttendanceStatus,
    Certificate,
    CertificateHours,
    Course,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    Session,
)
from .services import _check_meeting, _refresh_first_meeting, certificate_issue

# --- attendance: who and when -----------------------------------------------------------


def may_mark_attendance(user: Any, session: Session) -> bool:
    """The session's own trainers and the hub's coordinators mark attendance; other staff
    and trainers of other sessions do not. One or two small queries."""
    if not getattr(user, "is_authenticated", False):
        return False
    if session.trainers.filter(pk=user.pk).exists():
        return True
    return Membership.objects.filter(
        user=user, hub_id=session.hub_id, is_active=True, role=HubRole.COORDINATOR
    ).exists()


def meeting_is_markable(meeting: Meeting, now: datetime | None = None) -> bool:
    """Attendance is for a meeting that has started, or one that is today."""
    now = now or timezone.now()
    return meeting.starts_at <= now or (
        timezone.localtime(meeting.starts_at).date() == timezone.localtime(now).date()
    )


def check_attendance_allowed(*, actor: Any, meeting: Meeting) -> None:
    if not meeting_is_markable(meeting):
        raise ValidationError(
            _("This meeting has not started yet. You can mark attendance from its day on."),
            code="future",
        )
    if not may_mark_attendance(actor, meeting.session):
        raise ValidationError(
            _("Only the trainers of this session and coordinators mark attendance."),
            code="not_trainer",
        )


# --- one meeting: change, move, cancel --------------------------------------------------


def _open_session(meeting: Meeting) -> Session:
    session = Session.objects.select_for_update().get(pk=meeting.session_id)
    if not session.is_open:
        raise ValidationError(_("Only a meeting of an open session can be changed."), code="closed")
    return session


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    location: Location | None = None,
    online_url: str = "",
) -> Meeting:
    """Change a meeting's time or place. When the time or the place changes, everyone
    enrolled gets one message in their language (a second move sends a new one)."""
    session = _open_session(meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(session.course.hub, starts_at, ends_at, location, online_url)
    if meeting.attendances.exists() and starts_at != meeting.starts_at:
        raise ValidationError(
            _("Attendance is recorded for this meeting: it can no longer move."), code="recorded"
        )
    moved = starts_at != meeting.starts_at or ends_at != meeting.ends_at
    relocated = location != meeting.location or online_url != meeting.online_url
    before = meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.location, meeting.online_url = location, online_url
    meeting.save()
    _refresh_first_meeting(session)
    journal_write(
        actor=actor,
        action="learning.meeting_update",
        subject=session,
        hub_id=session.hub_id,
        details={
            "meeting": meeting.pk,
            "from": before.isoformat(),
            "to": starts_at.isoformat(),
            "moved": moved,
            "relocated": relocated,
        },
    )
    if moved or relocated:
        from .tasks import notify_meeting_changed

        meeting_id, stamp = (
            meeting.pk,
            f"{starts_at.isoformat()}|{meeting.location_id}|{online_url}",
        )
        transaction.on_commit(
            lambda: notify_meeting_changed.enqueue(meeting_id=meeting_id, version=stamp)
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str = "") -> Session:
    """Cancel one meeting that has no attendance yet: it is removed from the session (it
    no longer counts for certificates) and everyone enrolled is told once."""
    session = _open_session(meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.attendances.exists():
        raise ValidationError(
            _("Attendance is recorded for this meeting: it took place."), code="recorded"
        )
    if Meeting.objects.filter(session=session).count() <= 1:
        raise ValidationError(
            _("This is the only meeting. Cancel the whole session instead."), code="last"
        )
    people = list(
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED).values_list(
            "participant_id", flat=True
        )
    )
    when = meeting.starts_at
    meeting_id = meeting.pk
    meeting.delete()
    _refresh_first_meeting(session)
    journal_write(
        actor=actor,
        action="learning.meeting_cancel",
        subject=session,
        hub_id=session.hub_id,
        details={"meeting": meeting_id, "starts_at": when.isoformat(), "people": len(people)},
    )
    from .tasks import notify_meeting_cancelled

    transaction.on_commit(
        lambda: notify_meeting_cancelled.enqueue(
            session_id=session.pk,
            meeting_id=meeting_id,
            starts_at=when.isoformat(),
            reason=reason[:300],
            participant_ids=people,
        )
    )
    return session


# --- certificates -----------------------------------------------------------------------


def certificate_hours(enrolment: Enrolment) -> Decimal:
    """The hours a certificate prints: the meetings the person came to, or the course's
    hours, as the course's rule says."""
    course = enrolment.session.course
    if course.certificate_hours == CertificateHours.COURSE:
        return course.hours
    seconds = Decimal(0)
    for meeting in Meeting.objects.filter(
        attendances__enrolment=enrolment, attendances__status=AttendanceStatus.PRESENT
    ):
        seconds += Decimal((meeting.ends_at - meeting.starts_at).total_seconds())
    return (seconds / Decimal(3600)).quantize(Decimal("0.1"))


@transaction.atomic
def certificate_issue_one(*, actor: Any, enrolment: Enrolment) -> Certificate:
    """Issue a person's certificate (once), with the hours fixed at that moment."""
    certificate = certificate_issue(actor=actor, enrolment=enrolment)
    if certificate.hours is None:
        certificate.hours = certificate_hours(enrolment)
        certificate.save(update_fields=["hours"])
    return certificate


@dataclass
class SessionIssue:
    issued: list[Certificate] = field(default_factory=list)
    already: int = 0
    not_eligible: list[tuple[Enrolment, str]] = field(default_factory=list)


def certificates_issue_session(*, actor: Any, session: Session) -> SessionIssue:
    """Issue the certificates of everyone enrolled who met the attendance rule; tell who
    did not, and why. One transaction per person, so one problem stops nobody else."""
    from .queries import certificate_eligibility

    result = SessionIssue()
    had = set(
        Certificate.objects.filter(enrolment__session=session).values_list(
            "enrolment_id", flat=True
        )
    )
    for enrolment in (
        Enrolment.objects.filter(session=session, status=EnrolmentStatus.ENROLLED)
        .select_related("participant", "session__course")
        .order_by("participant__family_key", "participant__given_key", "id")
    ):
        if enrolment.pk in had:
            result.already += 1
            continue
        eligibility = certificate_eligibility(enrolment)
        if not eligibility.eligible:
            result.not_eligible.append((enrolment, eligibility.reason))
            continue
        result.issued.append(certificate_issue_one(actor=actor, enrolment=enrolment))
    return result


@transaction.atomic
def certificate_email(*, actor: Any, certificate: Certificate) -> None:
    """E-mail the certificate PDF to the participant (refused without an address)."""
    participant = certificate.enrolment.participant
    if not participant.email:
        raise ValidationError(
            _("%(name)s has no e-mail address. Print the certificate instead.")
            % {"name": participant.display_name},
            code="no_email",
        )
    journal_write(
        actor=actor,
        action="learning.certificate_email",
        subject=certificate.enrolment,
        hub_id=certificate.hub_id,
        participant=participant,
        details={"certificate": certificate.pk},
    )
    from .tasks import email_certificate

    certificate_id = certificate.pk
    transaction.on_commit(lambda: email_certificate.enqueue(certificate_id=certificate_id))


# --- the catalogue ----------------------------------------------------------------------


@transaction.atomic
def course_set_in_catalogue(*, actor: Any, course: Course, active: bool) -> Course:
    """Take a course out of the catalogue (no new sessions; its sessions run on) or put
    it back."""
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.is_active == active:
        return course
    course.is_active = active
    course.save(update_fields=["is_active", "updated_at"])
    journal_write(
        actor=actor,
        action="learning.course_restore" if active else "learning.course_retire",
        subject=course,
        hub_id=course.hub_id,
    )
    return course


__all__ = [
    "SessionIssue",
    "certificate_email",
    "certificate_hours",
    "certificate_issue_one",
    "certificates_issue_session",
    "check_attendance_allowed",
    "course_set_in_catalogue",
    "may_mark_attendance",
    "meeting_cancel",
    "meeting_is_markable",
    "meeting_update",
]
