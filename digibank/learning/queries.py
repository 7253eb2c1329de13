"""Reads of the learning app used by views, panels, reports and the benchmark. Every
function runs a fixed number of queries, whatever the amount of data."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.network.models import Hub
from digibank.people.models import Participant
from digibank.people.registry import ReportFigure
from digibank.people.timeline import TimelineItem

from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    Course,
    CourseCompetence,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    Offer,
    Session,
    SessionStatus,
)

# At most this many rows per list on a session's page (enrolled, offered, waiting).
SESSION_LIST_LIMIT = 200


def competences_prefetch() -> Prefetch:
    return Prefetch(
        "course_competences",
        queryset=CourseCompetence.objects.select_related("competence"),
    )


def course_list(*, hub: Hub, include_inactive: bool = False) -> QuerySet[Course]:
    courses = Course.objects.filter(hub=hub)
    if not include_inactive:
        courses = courses.filter(is_active=True)
    return courses.annotate(
        session_count=Count("sessions", distinct=True),
    ).order_by("title", "id")


def shared_templates(*, hub: Hub) -> QuerySet[Course]:
    """Courses other hubs share as templates: their description only (never sessions or
    people), with the owning hub's name."""
    return (
        Course.objects.filter(is_shared_template=True, is_active=True)
        .exclude(hub=hub)
        .select_related("hub")
        .order_by("title", "id")
    )


def session_list(*, hub: Hub, course: Course | None = None, show: str = "") -> QuerySet[Session]:
    sessions = Session.objects.filter(hub=hub).select_related("course")
    if course is not None:
        sessions = sessions.filter(course=course)
    if show == "open":
        sessions = sessions.filter(status__in=(SessionStatus.PLANNED, SessionStatus.FULL))
    elif show in SessionStatus.values:
        sessions = sessions.filter(status=show)
    return sessions.order_by("-first_meeting_at", "-id")


def session_enrolments(session: Session, status: str) -> list[Enrolment]:
    """A session's enrolments with one status, in order, with attendance counts."""
    rows = (
        Enrolment.objects.filter(session=session, status=status)
        .select_related("participant")
        .annotate(
            present=Count("attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT)),
            no_shows=Count("attendances", filter=Q(attendances__status=AttendanceStatus.ABSENT)),
        )
        .order_by("created_at", "id")
    )
    return list(rows[:SESSION_LIST_LIMIT])


def session_offers(session: Session, limit: int = 50) -> list[Offer]:
    return list(
        Offer.objects.filter(session=session)
        .select_related("enrolment__participant")
        .order_by("-offered_at", "-id")[:limit]
    )


def attendance_list(meeting: Meeting) -> list[Enrolment]:
    """Everyone enrolled, with their attendance status at this meeting (or None)."""
    status = Attendance.objects.filter(meeting=meeting, enrolment=OuterRef("pk")).values("status")[
        :1
    ]
    return list(
        Enrolment.objects.filter(session_id=meeting.session_id, status=EnrolmentStatus.ENROLLED)
        .select_related("participant")
        .annotate(attendance=Subquery(status))
        .order_by("participant__family_key", "participant__given_key", "id")
    )


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str
    attended: int
    meetings: int
    needed: int


def certificate_eligibility(enrolment: Enrolment) -> Eligibility:
    """Whether the person met the course's attendance rule, and in plain words why not."""
    course = enrolment.session.course
    meetings = Meeting.objects.filter(session_id=enrolment.session_id).count()
    attended = Attendance.objects.filter(
        enrolment=enrolment, status=AttendanceStatus.PRESENT
    ).count()
    needed = math.ceil(meetings * course.min_attendance_percent / 100)
    numbers = {"attended": attended, "meetings": meetings, "needed": needed}
    if enrolment.status != EnrolmentStatus.ENROLLED:
        reason = _("Only people enrolled in the session get a certificate.")
        return Eligibility(False, reason, attended, meetings, needed)
    if meetings == 0:
        reason = _("This session has no meetings yet.")
        return Eligibility(False, reason, attended, meetings, needed)
    if attended < needed or attended == 0:
        reason = (
            _(
                "Came to %(attended)s of %(meetings)s meetings. The course asks for at "
                "least %(needed)s."
            )
            % numbers
        )
        return Eligibility(False, reason, attended, meetings, needed)
    return Eligibility(True, "", attended, meetings, needed)


def course_hours(course: Course) -> Decimal:
    return course.hours


# --- dashboard, figures and timeline ----------------------------------------------------


def start_of_week(today: date | None = None) -> datetime:
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday, time.min, tzinfo=timezone.get_current_timezone())


def meetings_this_week(*, hub: Hub, limit: int = 5) -> list[Meeting]:
    start = start_of_week()
    return list(
        Meeting.objects.filter(
            hub=hub,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=7),
            session__status__in=(SessionStatus.PLANNED, SessionStatus.FULL),
        )
        .select_related("session__course", "location")
        .order_by("starts_at", "id")[:limit]
    )


def week_figures(*, hub: Hub) -> dict[str, int]:
    """Sessions meeting this week and their free seats (one query)."""
    start = start_of_week()
    # From this week's meetings (a short range of the hub/start index) to their
    # sessions, not from every session the hub ever ran to its meetings.
    meeting_sessions = Meeting.objects.filter(
        hub=hub, starts_at__gte=start, starts_at__lt=start + timedelta(days=7)
    ).values("session_id")
    figures = Session.objects.filter(
        pk__in=meeting_sessions, status__in=(SessionStatus.PLANNED, SessionStatus.FULL)
    ).aggregate(sessions=Count("pk"), capacity=Sum("capacity"), taken=Sum("seats_taken"))
    return {
        "sessions": figures["sessions"] or 0,
        "free_seats": (figures["capacity"] or 0) - (figures["taken"] or 0),
    }


def enrolments_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Enrolment.objects.filter(hub_id__in=list(hub_ids), status=EnrolmentStatus.ENROLLED)
        .values("hub_id")
        .annotate(total=Count("pk"))
    )
    return {row["hub_id"]: row["total"] for row in rows}


def training_hours_per_hub(hub_ids: Iterable[int]) -> dict[int, int]:
    """Hours of training people attended (meeting length × people present)."""
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    rows = (
        Attendance.objects.filter(hub_id__in=list(hub_ids), status=AttendanceStatus.PRESENT)
        .values("hub_id")
        .annotate(total=Sum(length))
    )
    return {
        row["hub_id"]: int(row["total"].total_seconds() // 3600) if row["total"] else 0
        for row in rows
    }


ENROLLED_TITLE = gettext_lazy("Enrolled in a course")
WAITING_TITLE = gettext_lazy("On a waiting list")
CERTIFICATE_TITLE = gettext_lazy("Certificate of participation")
ATTENDANCE_TITLES: dict[str, Promise] = {
    AttendanceStatus.PRESENT: gettext_lazy("Came to a course meeting"),
    AttendanceStatus.ABSENT: gettext_lazy("Missed a course meeting"),
    AttendanceStatus.EXCUSED: gettext_lazy("Excused from a course meeting"),
}


def _session_url(session: Session) -> str:
    return reverse("learning:session", kwargs={"hub": session.hub.slug, "pk": session.pk})


def learning_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    """Enrolments, attendance and certificates of a person: three bounded queries."""
    items: list[TimelineItem] = []
    for enrolment in (
        Enrolment.objects.filter(participant=participant)
        .select_related("session__course", "session__hub")
        .order_by("-created_at", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                when=enrolment.created_at,
                title=ENROLLED_TITLE
                if enrolment.enrolled_at or enrolment.status == EnrolmentStatus.ENROLLED
                else WAITING_TITLE,
                detail=f"{enrolment.session.course.title} · {enrolment.get_status_display()}",
                url=_session_url(enrolment.session),
            )
        )
    for attendance in (
        Attendance.objects.filter(enrolment__participant=participant)
        .select_related("meeting__session__course", "meeting__session__hub")
        .order_by("-recorded_at", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                when=attendance.meeting.starts_at,
                title=ATTENDANCE_TITLES.get(attendance.status, attendance.status),
                detail=attendance.meeting.session.course.title,
                url=_session_url(attendance.meeting.session),
            )
        )
    for certificate in (
        Certificate.objects.filter(enrolment__participant=participant)
        .select_related("enrolment__session__course", "enrolment__session__hub")
        .order_by("-issued_at", "-id")[:limit]
    ):
        items.append(
            TimelineItem(
                when=certificate.issued_at,
                title=CERTIFICATE_TITLE,
                detail=certificate.enrolment.session.course.title,
                url=_session_url(certificate.enrolment.session),
            )
        )
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


def reached_participant_ids(hub_id: int, start: datetime, end: datetime) -> QuerySet[Any]:
    """Reach source: participants present at a meeting of the hub in [start, end)."""
    return Attendance.objects.filter(
        hub_id=hub_id,
        status=AttendanceStatus.PRESENT,
        meeting__hub_id=hub_id,  # the same hub: lets the database start from its meetings
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    ).values_list("enrolment__participant_id", flat=True)


def report_figures(hub_id: int, start: datetime, end: datetime) -> list[ReportFigure]:
    """For a grant report: training hours attended at the hub in [start, end) (people
    present × the meeting's length), and the sessions and courses that met. Two queries."""
    length = ExpressionWrapper(
        F("meeting__ends_at") - F("meeting__starts_at"), output_field=DurationField()
    )
    attended = Attendance.objects.filter(
        hub_id=hub_id,
        status=AttendanceStatus.PRESENT,
        meeting__hub_id=hub_id,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
    ).aggregate(total=Sum(length), present=Count("pk"))
    total = attended["total"]
    hours = round(total.total_seconds() / 3600, 1) if total else 0
    held = Meeting.objects.filter(hub_id=hub_id, starts_at__gte=start, starts_at__lt=end).aggregate(
        sessions=Count("session_id", distinct=True),
        courses=Count("session__course_id", distinct=True),
    )
    return [
        ReportFigure(
            key="learning.hours",
            label=_("Training hours attended"),
            value=hours,
            breakdown=[(_("Attendances (people present at a meeting)"), attended["present"])],
        ),
        ReportFigure(
            key="learning.sessions", label=_("Training sessions that met"), value=held["sessions"]
        ),
        ReportFigure(key="learning.courses", label=_("Courses given"), value=held["courses"]),
    ]


# --- a trainer's own view ---------------------------------------------------------------

OPEN_STATUSES = (SessionStatus.PLANNED, SessionStatus.FULL)


def trainer_sessions(*, hub: Hub, user: Any, limit: int = 50) -> list[Session]:
    """The open sessions a user trains at the hub, next meeting first. One query."""
    now = timezone.now()
    upcoming = (
        Meeting.objects.filter(session=OuterRef("pk"), ends_at__gte=now)
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return list(
        Session.objects.filter(hub=hub, trainers=user, status__in=OPEN_STATUSES)
        .select_related("course")
        .annotate(next_meeting_at=Subquery(upcoming))
        .order_by(F("next_meeting_at").asc(nulls_last=True), "id")[:limit]
    )


def trainer_meetings_today(*, hub: Hub, user: Any, limit: int = 20) -> list[Meeting]:
    """Today's meetings of the sessions a user trains at the hub. One query."""
    today = timezone.localdate()
    start = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    return list(
        Meeting.objects.filter(
            hub=hub,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            session__trainers=user,
            session__status__in=OPEN_STATUSES,
        )
        .select_related("session__course", "location")
        .order_by("starts_at", "id")[:limit]
    )
