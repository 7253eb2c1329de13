"""Appointments at help points: the rota of helpers (shifts), the slot settings of a
help point, booked appointments and the walk-in queue. Bookable slots are not stored:
they are derived from the opening hours, the rota and the appointments (see slots.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digibank.core.credentials import validate_no_credentials
from digibank.core.models import TimestampedModel


class Shift(TimestampedModel):
    """A helper (a member of the hub) on duty at a help point on one day."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="shifts")
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("help point"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shifts",
        verbose_name=_("helper"),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        ordering = ["date", "starts_at", "pk"]
        indexes = [
            models.Index(fields=["location", "date", "starts_at"], name="shift_location_day"),
            models.Index(fields=["user", "date"], name="shift_user_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ordered"),
        ]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")

    def __str__(self) -> str:
        return f"{self.date} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class SlotSettings(TimestampedModel):
    """How a help point takes appointments. Its row is also the lock every booking and
    every walk-in ticket of the help point takes, so capacity holds under concurrency."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    location = models.OneToOneField(
        "network.Location", on_delete=models.CASCADE, related_name="slot_settings"
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("length of an appointment (minutes)"), default=30
    )
    desks = models.PositiveSmallIntegerField(_("desks (people helped at the same time)"), default=1)
    book_ahead_days = models.PositiveSmallIntegerField(
        _("how far ahead people may book (days)"), default=28
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("book at least this many hours ahead"), default=2
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="slot_settings_minutes",
            ),
            models.CheckConstraint(
                condition=Q(desks__gte=1, desks__lte=50), name="slot_settings_desks"
            ),
            models.CheckConstraint(
                condition=Q(book_ahead_days__gte=1, book_ahead_days__lte=366),
                name="slot_settings_ahead",
            ),
        ]
        verbose_name = _("slot settings")
        verbose_name_plural = _("slot settings")

    def __str__(self) -> str:
        return f"{self.location_id}: {self.slot_minutes} min × {self.desks}"


class Topic(models.TextChoices):
    DIGITAL_KEYS = "digital_keys", _("Digital keys: itsme, eID and PIN, CSAM")
    EBOX = "ebox", _("eBox")
    TAXES = "taxes", _("Taxes: MyMinfin, Tax-on-web")
    BURGERPROFIEL = "burgerprofiel", _("Mijn Burgerprofiel and Jobbonus")
    HEALTH = "health", _("Health: Mijn Gezondheid, health insurer")
    BANKING = "banking", _("Banking apps")
    WORK = "work", _("Work: VDAB, CV, applying")
    SOCIAL_SECURITY = "social_security", _("Social security and pension")
    FAMILY = "family", _("Family: Groeipakket, school apps")
    DEVICE = "device", _("Device basics, smartphone and apps")
    EMAIL = "email", _("E-mail and accounts")
    SECURITY = "security", _("Security and fraud")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Came")
    NO_SHOW = "no_show", _("Did not come")


class Source(models.TextChoices):
    STAFF = "staff", _("Booked by the team")
    SELF_SERVICE = "self_service", _("Booked online")


class Appointment(TimestampedModel):
    """A participant's appointment at a help point. `desk` numbers the places of one slot
    (1..capacity); the unique constraint is the database's backstop against two bookings
    on one desk, beneath the service's lock."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="appointments")
    location = models.ForeignKey(
        "network.Location",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("help point"),
    )
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("person"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    desk = models.PositiveSmallIntegerField(_("desk"), default=1)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    about = models.TextField(
        _("what it is about"), blank=True, default="", validators=[validate_no_credentials]
    )
    what_to_bring = models.TextField(
        _("what to bring"), blank=True, default="", validators=[validate_no_credentials]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    source = models.CharField(_("booked"), max_length=12, choices=Source.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["location", "starts_at"], name="appointment_location_start"),
            models.Index(fields=["hub", "starts_at"], name="appointment_hub_start"),
            models.Index(fields=["participant", "-starts_at"], name="appointment_participant"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ordered"
            ),
            models.CheckConstraint(condition=Q(desk__gte=1), name="appointment_desk_positive"),
            models.UniqueConstraint(
                fields=["location", "starts_at", "desk"],
                condition=Q(status="booked"),
                name="appointment_one_per_desk",
            ),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status == Status.BOOKED


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    DONE = "done", _("Helped")
    LEFT = "left", _("Left")


class QueueTicket(models.Model):
    """A walk-in's ticket: numbered per help point and day, in arrival order."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="queue_tickets")
    location = models.ForeignKey(
        "network.Location", on_delete=models.CASCADE, related_name="queue_tickets"
    )
    day = models.DateField(_("day"))
    number = models.PositiveIntegerField(_("ticket number"))
    name = models.CharField(
        _("name (optional)"),
        max_length=100,
        blank=True,
        default="",
        validators=[validate_no_credentials],
    )
    participant = models.ForeignKey(
        "people.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_tickets",
    )
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    created_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    desk = models.CharField(_("desk"), max_length=40, blank=True, default="")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["day", "number"]
        indexes = [
            models.Index(fields=["location", "day", "status"], name="ticket_location_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["location", "day", "number"], name="ticket_number_per_day"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="ticket_number_positive"),
        ]
        verbose_name = _("queue ticket")
        verbose_name_plural = _("queue tickets")

    def __str__(self) -> str:
        return f"{self.day} #{self.number}"


class QueueDisplay(models.Model):
    """The link of a help point's waiting-room screen: a random token in the URL, so the
    screen runs on a public display without a staff session. One per help point; a
    coordinator (or staff with appointments.manage) creates, replaces or revokes it, and
    a replaced or revoked link answers 404 at once. The screen shows ticket numbers and
    desks only (queries.screen_board)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.CASCADE, related_name="+")
    location = models.OneToOneField(
        "network.Location", on_delete=models.CASCADE, related_name="queue_display"
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("waiting-room screen link")
        verbose_name_plural = _("waiting-room screen links")

    def __str__(self) -> str:
        return f"{self.location_id} screen"
