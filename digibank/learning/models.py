"""Learning: a hub's course catalogue (courses may be shared with other hubs as templates),
sessions of a course with their meetings, enrolments with a waiting list and offers of
freed seats, attendance per meeting and certificates of participation.

Capacity is an invariant of the database: a session's `seats_taken` never exceeds its
`capacity` (check constraint), a seat is taken by a conditional UPDATE, and a person holds
at most one active enrolment per session (partial unique constraint)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.core.models import TimestampedModel

from .digcomp import Competence, ProficiencyLevel

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Audience",
    "Certificate",
    "CertificateHours",
    "Competence",
    "Course",
    "CourseCompetence",
    "CourseFormat",
    "Enrolment",
    "EnrolmentSource",
    "EnrolmentStatus",
    "Meeting",
    "Offer",
    "OfferStatus",
    "Session",
    "SessionStatus",
]

DEFAULT_OFFER_HOURS = 48


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    JOBSEEKERS = "jobseekers", _("Jobseekers")
    SENIORS = "seniors", _("Seniors")
    NEWCOMERS = "newcomers", _("Newcomers")
    PUPILS = "pupils", _("Pupils")
    PARENTS = "parents", _("Parents")
    GOVERNMENT_STAFF = "government_staff", _("Local-government staff")
    DIGIHELPERS = "digihelpers", _("Volunteers and digihelpers")
    MEDIA_COACHES = "media_coaches", _("Care workers as media coaches")
    TEACHERS = "teachers", _("Teachers")


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class CertificateHours(models.TextChoices):
    ATTENDED = "attended", _("The hours of the meetings the person came to")
    COURSE = "course", _("The hours of the whole course")


class Course(TimestampedModel):
    """A course in a hub's catalogue. Marked as a shared template, other hubs may read its
    description and copy it into their own catalogue; the copy is theirs, the template
    stays the owner's, and its sessions and people are never shown to anyone else."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audiences = models.JSONField(_("for whom"), default=list, blank=True)
    competences = models.ManyToManyField(
        Competence, through="CourseCompetence", related_name="courses", blank=True
    )
    technical_track = models.CharField(_("technical track"), max_length=100, blank=True)
    format = models.CharField(
        _("format"), max_length=10, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON
    )
    languages = models.JSONField(_("languages of instruction"), default=list, blank=True)
    meeting_count = models.PositiveSmallIntegerField(
        _("number of meetings"), default=1, validators=[MinValueValidator(1)]
    )
    hours = models.DecimalField(
        _("hours in total"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    materials = models.TextField(_("materials (one link per line)"), blank=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed for the certificate (%)"),
        default=75,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    certificate_hours = models.CharField(
        _("hours on the certificate"),
        max_length=10,
        choices=CertificateHours.choices,
        default=CertificateHours.ATTENDED,
    )
    is_shared_template = models.BooleanField(
        _("share as a template with other hubs"), default=False
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            models.Index(fields=["hub", "title"], name="course_hub_title"),
            models.Index(
                fields=["title"], condition=Q(is_shared_template=True), name="course_templates"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_percent__lte=100), name="course_attendance_percent"
            ),
            models.CheckConstraint(condition=Q(meeting_count__gte=1), name="course_meetings_min"),
        ]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    @property
    def material_links(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def get_audiences_display(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(code, code)) for code in self.audiences]

    def get_languages_display(self) -> list[str]:
        from digibank.people.models import Language

        labels = dict(Language.choices)
        return [str(labels.get(code, code)) for code in self.languages]


class CourseCompetence(models.Model):
    """A DigComp competence a course teaches, with the proficiency level it aims at."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_competences")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    target_level = models.PositiveSmallIntegerField(
        _("target level"), choices=ProficiencyLevel.choices
    )

    class Meta:
        ordering = ["competence__position", "competence__code"]
        constraints = [
            models.UniqueConstraint(fields=["course", "competence"], name="course_competence_once"),
            models.CheckConstraint(
                condition=Q(target_level__gte=1, target_level__lte=8),
                name="course_competence_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competence.code} ({self.target_level})"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    FULL = "full", _("Full")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class Session(TimestampedModel):
    """One run of a course: its meetings, a number of seats and its trainers.

    `seats_taken` counts enrolled people plus open offers (an offered seat is held for the
    person it was offered to). It is changed only by conditional UPDATEs in services."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="sessions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    name = models.CharField(_("name of this run"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="learning_sessions", blank=True
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        default=DEFAULT_OFFER_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    first_meeting_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-first_meeting_at", "-id"]
        indexes = [
            models.Index(fields=["hub", "-first_meeting_at", "-id"], name="session_hub_recent"),
            models.Index(fields=["course", "-first_meeting_at"], name="session_course"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_min"),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="session_seats_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_known"
            ),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.course.title} · {self.name}" if self.name else self.course.title

    @property
    def free_seats(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_open(self) -> bool:
        return self.status in (SessionStatus.PLANNED, SessionStatus.FULL)


class Meeting(models.Model):
    """One meeting of a session: a date and time, at a hub location or online."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("location"),
    )
    online_url = models.URLField(_("online link"), blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["hub", "starts_at"], name="meeting_hub_start"),
            models.Index(fields=["starts_at"], name="meeting_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            )
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")

    @property
    def hours(self) -> Decimal:
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / Decimal(3600)).quantize(Decimal("0.1"))


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Offered a seat")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer expired")


ACTIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.OFFERED)
SEAT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED)


class EnrolmentSource(models.TextChoices):
    STAFF = "staff", _("By the hub")
    PORTAL = "portal", _("Self-service")


class Enrolment(TimestampedModel):
    """A person's place in a session: enrolled, on the waiting list (in order of
    `created_at`, `id`), offered a freed seat, cancelled or with an expired offer."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="enrolments")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices)
    source = models.CharField(
        _("source"), max_length=10, choices=EnrolmentSource.choices, default=EnrolmentSource.STAFF
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["session", "status", "created_at", "id"], name="enrolment_queue"),
            models.Index(fields=["participant", "-created_at"], name="enrolment_participant"),
            # Programme figures count a hub's enrolments by status.
            models.Index(fields=["hub", "status"], name="enrolment_hub_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"],
                condition=Q(status__in=["enrolled", "waiting", "offered"]),
                name="enrolment_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EnrolmentStatus.values), name="enrolment_status_known"
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.participant_id} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Offer(models.Model):
    """A freed seat offered to the next person on the waiting list, open until
    `expires_at`. The rows are the history staff see: who was offered what, and when."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="offers")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="offers")
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(status="open"), name="offer_open_expiry"
            ),
            models.Index(fields=["session", "-offered_at"], name="offer_session"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(status="open"), name="offer_one_open"
            ),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.get_status_display()}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Absent with notice")


class Attendance(models.Model):
    """Whether an enrolled person came to one meeting. Absent without notice is a no-show."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "enrolment"]
        indexes = [
            models.Index(fields=["enrolment", "status"], name="attendance_enrolment"),
            # Covering index of the reach count and training hours (funding reports).
            models.Index(fields=["hub", "status", "meeting", "enrolment"], name="attendance_reach"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enrolment"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values), name="attendance_status_known"
            ),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return self.get_status_display()


class Certificate(models.Model):
    """A certificate of participation issued for an enrolment (the PDF is made on demand)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    # The hours printed, fixed when issued (attended meetings or the course, per its rule).
    hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["hub", "-issued_at"], name="certificate_hub_recent")]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.issued_at:%Y-%m-%d}"
