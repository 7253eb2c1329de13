"""Learning rows for the tenancy walk: per hub two courses (not shared), two sessions with
a meeting each, enrolments (enrolled, waiting, offered), an offer, attendance and a
certificate; plus a course shared as a template, whose description other hubs may read
(the template list) but whose sessions and people they never reach."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from digibank.learning import services
from digibank.learning.digcomp import Competence
from digibank.learning.models import Attendance, Offer

_COURSE = (
    "learning:course",
    "learning:course_edit",
    "learning:course_catalogue",
    "learning:template",
    "learning:template_copy",
)
_SESSION = (
    "learning:session",
    "learning:session_edit",
    "learning:session_cancel",
    "learning:session_done",
    "learning:meeting_add",
    "learning:enrol",
    "learning:certificates_issue",
)
KWARG_KINDS: dict[tuple[str, str], str] = {
    **{(name, "pk"): "course" for name in _COURSE},
    **{(name, "pk"): "session" for name in _SESSION},
    ("learning:enrolment_cancel", "pk"): "enrolment",
    ("learning:certificate", "pk"): "enrolment",
    ("learning:certificate_issue", "pk"): "enrolment",
    ("learning:certificate_email", "pk"): "enrolment",
    ("learning:meeting_edit", "pk"): "meeting",
    ("learning:meeting_cancel", "pk"): "meeting",
    ("learning:offer_accept", "pk"): "offer",
    ("learning:offer_decline", "pk"): "offer",
    ("learning:attendance", "pk"): "meeting",
    ("learning:attendance_sheet", "pk"): "meeting",
}
APP_DEFAULT_KIND: dict[str, str] = {"learning": "session"}


def fill(side: Any, *, label: str, colleague: Any, location: Any, participants: list[Any]) -> None:
    hub = side.hub
    competence = Competence.objects.get(code="4.2")
    courses = [
        services.course_create(
            actor=colleague,
            hub=hub,
            data={"title": f"Cursus {label} {name}", "description": f"Les in {label}"},
            competences=[(competence, 2)],
        )
        for name in ("Rekenblad", "Fotoboek")
    ]
    side.add("course", *courses)
    side.hub_records += [course.title for course in courses]
    # Shared with every hub: its description is public to other hubs by design.
    services.course_create(
        actor=colleague,
        hub=hub,
        data={"title": "Gedeelde cursus veilig bankieren", "is_shared_template": True},
    )

    # Today: attendance is marked from a meeting's day on, by the session's trainer.
    day = timezone.localdate()
    start = datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone())
    meeting = {"starts_at": start, "ends_at": start + timedelta(hours=2), "location": location}
    first, second = (
        services.session_create(
            actor=colleague,
            course=course,
            capacity=1,
            name=f"Sessie {label}",
            trainers=[colleague],
            first_meeting=meeting,
        )
        for course in courses
    )
    side.add("session", first, second)
    side.add("meeting", first.meetings.get(), second.meetings.get())

    seated = services.enrolment_create(actor=colleague, session=first, participant=participants[0])
    waiting = services.enrolment_create(actor=colleague, session=first, participant=participants[1])
    leaving = services.enrolment_create(
        actor=colleague, session=second, participant=participants[0]
    )
    offered = services.enrolment_create(
        actor=colleague, session=second, participant=participants[1]
    )
    services.enrolment_cancel(actor=colleague, enrolment=leaving)
    side.add("enrolment", seated, waiting, offered)
    side.add("offer", Offer.objects.get(enrolment=offered))

    attendance = services.attendance_record(
        actor=colleague, meeting=first.meetings.get(), enrolment=seated, status="present"
    )
    side.add("attendance", attendance)
    assert isinstance(attendance, Attendance)
    side.add("certificate", services.certificate_issue(actor=colleague, enrolment=seated))
