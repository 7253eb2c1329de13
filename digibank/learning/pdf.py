"""PDF documents of the learning app, made with WeasyPrint from templates with their own
inline stylesheet and system fonts; core.pdf fetches nothing but our static files."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from digibank.core import pdf as core_pdf

from .digcomp import level_band
from .models import (
    Attendance,
    AttendanceStatus,
    Certificate,
    CertificateHours,
    CourseCompetence,
    Enrolment,
    Meeting,
)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    return core_pdf.render_pdf(render_to_string(template, context))


def attendance_sheet(*, meeting: Meeting, rows: list[Enrolment]) -> bytes:
    """A printable list of everyone enrolled, with a column to sign. Names only: a
    sheet left on a table must not hand out phone numbers."""
    return render_pdf(
        "learning/pdf/attendance_sheet.html",
        {
            "meeting": meeting,
            "session": meeting.session,
            "course": meeting.session.course,
            "rows": rows,
            "LANGUAGE_CODE": translation.get_language(),
        },
    )


def certificate(*, enrolment: Enrolment, certificate: Certificate) -> bytes:
    """The certificate of participation in the participant's language (nl, fr or en)."""
    session = enrolment.session
    course = session.course
    meetings = list(Meeting.objects.filter(session=session).order_by("starts_at"))
    attended = Attendance.objects.filter(
        enrolment=enrolment, status=AttendanceStatus.PRESENT
    ).count()
    hours = certificate.hours if certificate.hours is not None else course.hours
    with translation.override(certificate.language):
        competences = [
            {
                "code": row.competence.code,
                "name": row.competence.name_in(certificate.language),
                "level": row.target_level,
                "band": str(level_band(row.target_level)),
            }
            for row in CourseCompetence.objects.filter(course=course).select_related("competence")
        ]
        return render_pdf(
            "learning/pdf/certificate.html",
            {
                "enrolment": enrolment,
                "participant": enrolment.participant,
                "course": course,
                "session": session,
                "hub": session.hub,
                "competences": competences,
                "hours": hours,
                "attended": attended,
                "attended_rule": course.certificate_hours == CertificateHours.ATTENDED
                and certificate.hours is not None,
                "first": meetings[0].starts_at if meetings else None,
                "last": meetings[-1].starts_at if meetings else None,
                "issued": timezone.localtime(certificate.issued_at),
                "LANGUAGE_CODE": certificate.language,
            },
        )
