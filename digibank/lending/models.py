"""Conditional lending: a hub's lending policy, evidence seen, device requests with the
waiting list and offers, and loans with their agreement and return checklist.
Devices themselves (and their lifecycle) belong to the devices app."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digibank.core.models import TimestampedModel


class EvidenceKind(models.TextChoices):
    INCREASED_ALLOWANCE = "increased_allowance", _("Proof of increased allowance")
    SOCIAL_WORKER = "social_worker", _("Referral by a social worker")
    VDAB = "vdab", _("Referral by a VDAB counsellor")
    SCHOOL = "school", _("School enrolment")


class WaitingRule(models.TextChoices):
    """What a check-out or a renewal does when other people wait for that kind."""

    ALLOW = "allow", _("Allow without a warning")
    WARN = "warn", _("Warn, and lend after a confirmation")
    REFUSE = "refuse", _("Refuse, unless a coordinator decides otherwise with a reason")


class LendingPolicy(TimestampedModel):
    """The conditions under which one hub lends devices (one row per hub)."""

    hub = models.OneToOneField(
        "network.Hub", on_delete=models.PROTECT, related_name="lending_policy"
    )
    # people.TargetGroup codes; empty: everyone qualifies.
    target_groups = models.JSONField(_("target groups that qualify"), default=list, blank=True)
    residence_required = models.BooleanField(
        _("must live in the hub's service area"), default=False
    )
    # EvidenceKind codes that must have been seen.
    required_evidence = models.JSONField(_("evidence to verify"), default=list, blank=True)
    max_concurrent_loans = models.PositiveSmallIntegerField(
        _("most loans at the same time per person"), default=1
    )
    default_loan_days = models.PositiveSmallIntegerField(_("loan period in days"), default=90)
    # Device kind code -> loan period in days, overriding the default.
    loan_days_by_kind = models.JSONField(default=dict, blank=True)
    max_renewals = models.PositiveSmallIntegerField(_("most renewals"), default=1)
    deposit_cents = models.PositiveIntegerField(_("deposit (cents)"), default=0)
    approval_required = models.BooleanField(_("a coordinator must approve requests"), default=False)
    offer_days = models.PositiveSmallIntegerField(_("days to accept an offer"), default=7)
    reminder_days = models.PositiveSmallIntegerField(
        _("days before the due date to send a reminder"), default=3
    )
    conditions = models.TextField(_("conditions in the agreement"), blank=True)
    # A device that becomes ready is offered at once to the first person waiting for its
    # kind; without this it shows on the "ready and wanted" list for staff to offer.
    offer_when_ready = models.BooleanField(
        _("offer a device to the first person waiting as soon as it is ready"), default=False
    )
    # The fair waiting list (lending/fairness.py).
    checkout_when_waiting = models.CharField(
        _("a direct check-out while others wait for that kind"),
        max_length=8,
        choices=[c for c in WaitingRule.choices if c[0] != WaitingRule.ALLOW],
        default=WaitingRule.WARN,
    )
    renew_when_waiting = models.CharField(
        _("a renewal while others wait for that kind"),
        max_length=8,
        choices=WaitingRule.choices,
        default=WaitingRule.WARN,
    )
    staff_set_urgency = models.BooleanField(
        _("staff may set urgency (not only coordinators)"), default=False
    )
    # The conditions in other languages: language code -> text. `conditions` above is the
    # Dutch text (Dutch first); see lending.paperwork.conditions_for.
    conditions_by_language = models.JSONField(default=dict, blank=True)
    # Days after the due date on which an overdue borrower is reminded again; the last
    # one asks them to contact the hub (lending.reminders).
    overdue_reminder_days = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(offer_days__gte=1) & Q(default_loan_days__gte=1),
                name="lending_policy_positive_periods",
            )
        ]
        verbose_name = _("lending policy")
        verbose_name_plural = _("lending policies")

    def __str__(self) -> str:
        return str(_("Lending policy of %(hub)s") % {"hub": self.hub_id})

    def loan_days_for(self, kind: str) -> int:
        days = self.loan_days_by_kind.get(kind)
        return int(days) if days else self.default_loan_days


class EvidenceCheck(models.Model):
    """Evidence of one kind was SEEN for a participant: by whom and when. Never the
    document itself."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.CASCADE, related_name="evidence_checks"
    )
    kind = models.CharField(_("evidence"), max_length=24, choices=EvidenceKind.choices)
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # None: does not expire. Evidence past this date no longer counts (e.g. the increased
    # allowance is granted for a year).
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "kind"], name="evidence_check_once")
        ]
        verbose_name = _("evidence check")
        verbose_name_plural = _("evidence checks")

    def __str__(self) -> str:
        return self.get_kind_display()


class Need(models.TextChoices):
    JOBS = "jobs", _("Job applications")
    SCHOOL = "school", _("School")
    EGOV = "egov", _("E-government")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    REFUSED = "refused", _("Not eligible")
    AWAITING_APPROVAL = "approval", _("Waiting for approval")
    WAITING = "waiting", _("On the waiting list")
    OFFERED = "offered", _("Device offered")
    FULFILLED = "fulfilled", _("Device lent")
    # Stored as "skipped" (its old name); a coordinator took it off the list with a reason.
    SKIPPED = "skipped", _("Removed from the list")
    LAPSED = "lapsed", _("Offer not taken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeviceRequest(TimestampedModel):
    """A participant asks for a kind of device. Eligible requests wait in the hub's list
    for that kind, ordered by priority: the request date minus urgency points (days)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="device_requests"
    )
    kind = models.CharField(_("kind of device"), max_length=20)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_note = models.CharField(_("more about the needs"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    reasons = models.JSONField(default=list, blank=True)  # eligibility reasons, as shown
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    urgency_points = models.PositiveSmallIntegerField(_("urgency points"), default=0)
    priority_at = models.DateTimeField(default=timezone.now)  # requested_at - points days
    skip_reason = models.CharField(_("reason for removing"), max_length=300, blank=True)
    urgency_reason = models.CharField(
        _("reason for urgency"), max_length=300, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["priority_at", "id"]
        indexes = [
            models.Index(
                fields=["hub", "kind", "priority_at", "id"],
                condition=Q(status="waiting"),
                name="device_request_queue",
            ),
            models.Index(fields=["participant", "-requested_at"], name="device_request_person"),
            # The approvals inbox and the follow-up list (queries.awaiting_approval, ...).
            models.Index(fields=["hub", "status", "requested_at"], name="device_request_status"),
        ]
        verbose_name = _("device request")
        verbose_name_plural = _("device requests")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class OfferStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("offer status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    # The device went to repair or was retired: the person keeps their place.
    WITHDRAWN = "withdrawn", _("Withdrawn: the device is no longer available")
    PASSED = "passed", _("Passed over")


class DeviceOffer(models.Model):
    """A ready device offered to the next person on the waiting list, until it expires."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(DeviceRequest, on_delete=models.PROTECT, related_name="offers")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    offered_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(  # None: offered by the daily task
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=Q(status="open"), name="offer_one_open_per_device"
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="open"), name="offer_one_open_per_request"
            ),
            models.UniqueConstraint(
                fields=["request"], condition=Q(status="accepted"), name="offer_accepted_once"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="offer_expiry")]

    def __str__(self) -> str:
        return f"offer #{self.pk}"


class WaitingPass(models.Model):
    """A person passed over for one device (a coordinator's decision with a reason): the
    request keeps its place on the list and is offered the next device of that kind."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(DeviceRequest, on_delete=models.CASCADE, related_name="passes")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("why passed over"), max_length=300)
    passed_at = models.DateTimeField(default=timezone.now)
    passed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-passed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "device"], name="waiting_pass_once")
        ]

    def __str__(self) -> str:
        return f"pass {self.request_id}/{self.device_id}"


class LoanKind(models.TextChoices):
    TEMPORARY = "temporary", _("Temporary loan")
    LONG_TERM = "long_term", _("Long-term assignment")
    GIFT = "gift", _("Gift")


class ReturnOutcome(models.TextChoices):
    READY = "ready", _("Ready to lend again")
    REPAIR = "in_repair", _("Needs repair")
    RETIRED = "retired", _("Retire the device")


class LossKind(models.TextChoices):
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    NOT_RETURNED = "not_returned", _("Not returned")


class Loan(TimestampedModel):
    """A device lent to a participant. The database allows one open loan per device."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="loans")
    participant = models.ForeignKey(
        "people.Participant", on_delete=models.PROTECT, related_name="loans"
    )
    request = models.ForeignKey(
        DeviceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans"
    )
    kind = models.CharField(_("kind of loan"), max_length=10, choices=LoanKind.choices)
    started_at = models.DateTimeField(_("lent on"), default=timezone.now)
    due_on = models.DateField(pgettext_lazy("loan", "due on"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    deposit_cents = models.PositiveIntegerField(_("deposit (cents)"), default=0)
    # The agreement, rendered on demand from these stored facts.
    language = models.CharField(max_length=8, default="nl")
    conditions = models.TextField(_("conditions"), blank=True)
    # The language `conditions` are written in, when the hub had none in `language`.
    conditions_language = models.CharField(max_length=8, blank=True, default="")
    goals_plan = models.TextField(_("goals plan"), blank=True)
    signed_at = models.DateTimeField(_("agreement signed on paper"), null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A coordinator lent it although others waited for that kind: why (lending/fairness.py).
    waiting_override_reason = models.CharField(
        _("why lent although others wait"), max_length=300, blank=True, default=""
    )
    # The return and its checklist.
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    powers_on = models.BooleanField(_("powers on"), null=True, blank=True)
    accessories_back = models.BooleanField(_("charger and accessories back"), null=True, blank=True)
    data_removed = models.BooleanField(_("borrower's data removed"), null=True, blank=True)
    damage_note = models.CharField(_("damage"), max_length=500, blank=True)
    return_note = models.CharField(_("notes"), max_length=500, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReturnOutcome.choices, blank=True
    )
    # Closed without the device coming back (losses.loan_close_lost).
    loss = models.CharField(
        _("what happened"), max_length=12, choices=LossKind, blank=True, default=""
    )
    lost_on = models.DateField(_("lost or known missing on"), null=True, blank=True)
    police_report = models.CharField(
        _("police report number"), max_length=60, blank=True, default=""
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_device",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | ~Q(kind="gift"),
                name="loan_gift_never_returned",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-started_at"], name="loan_participant"),
            # Covering index of the reach count (funding.reach): a hub's loans in a period.
            models.Index(fields=["hub", "started_at", "participant"], name="loan_reach"),
            models.Index(
                fields=["hub", "due_on"],
                condition=Q(returned_at__isnull=True),
                name="loan_open_due",
            ),
        ]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return f"loan #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None and self.kind != LoanKind.GIFT

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()


class OrganisationReservation(TimestampedModel):
    """A set of devices reserved for a partner organisation (a course, a class) over a
    date range. A device is never reserved twice for overlapping dates (services lock
    the device rows and check; see services.reservation_create)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        "network.HubPartner", on_delete=models.PROTECT, related_name="reservations"
    )
    purpose = models.CharField(_("for what (course, class)"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="reservation_period_ordered"
            )
        ]
        indexes = [models.Index(fields=["hub", "-starts_on"], name="reservation_hub_start")]
        verbose_name = _("reservation for an organisation")
        verbose_name_plural = _("reservations for organisations")

    def __str__(self) -> str:
        return self.purpose


class ReservedDevice(models.Model):
    """One device in a reservation, with the reservation's dates copied for the overlap
    check (an index on device and dates)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    reservation = models.ForeignKey(
        OrganisationReservation, on_delete=models.CASCADE, related_name="items"
    )
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["device_id"]
        constraints = [
            models.UniqueConstraint(fields=["reservation", "device"], name="reserved_device_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="reserved_device_period"
            ),
        ]
        indexes = [
            models.Index(
                fields=["device", "starts_on", "ends_on"],
                condition=Q(active=True),
                name="reserved_device_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.starts_on}–{self.ends_on}"


class OrganisationCap(models.Model):
    """The most devices a partner organisation may reserve in a calendar year."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("network.HubPartner", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    max_devices = models.PositiveIntegerField(_("most devices in the year"))

    class Meta:
        ordering = ["-year", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="organisation_cap_once")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.max_devices}"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", _("Signature drawn on screen")
    TYPED = "typed", _("Full name typed on screen")


class LoanSignature(models.Model):
    """The agreement signed on screen (on a tablet at the desk): a drawn signature kept
    as a small PNG, or the full name the borrower typed, with who signed, when, and the
    staff member who witnessed it. Loan.signed_at is set at the same time."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="screen_signature")
    method = models.CharField(_("how it was signed"), max_length=8, choices=SignatureMethod)
    image = models.BinaryField(_("drawn signature (PNG)"), blank=True, default=b"")
    signer_name = models.CharField(_("signed by"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=["drawn", "typed"]), name="loan_signature_method_known"
            )
        ]
        verbose_name = _("signature on screen")
        verbose_name_plural = _("signatures on screen")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.signed_at:%Y-%m-%d}"

    @property
    def image_data_url(self) -> str:
        """The drawn signature as a data: URL (allowed by the CSP's img-src), or ""."""
        if not self.image:
            return ""
        return "data:image/png;base64," + base64.b64encode(bytes(self.image)).decode("ascii")


class ReservationDay(models.Model):
    """One day a device is claimed by a reservation or by a person's loan (its expected
    period, up to the due date). The unique constraint on device and day is what makes
    two reservations of one device for overlapping dates, or a reservation and a loan,
    impossible whatever the callers do (locks only make the clear message likely)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        ReservedDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="days"
    )
    loan = models.ForeignKey(
        "Loan", on_delete=models.CASCADE, null=True, blank=True, related_name="days"
    )
    device = models.ForeignKey("devices.Device", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()

    class Meta:
        ordering = ["device_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["device", "day"], name="reservation_day_once"),
            models.CheckConstraint(
                condition=Q(item__isnull=True, loan__isnull=False)
                | Q(item__isnull=False, loan__isnull=True),
                name="device_day_one_claimant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.day}"


class OrganisationLoan(TimestampedModel):
    """The reserved set handed over to the partner organisation: who took it for the
    organisation and when, and the agreement. Each device is an item below."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    reservation = models.OneToOneField(
        OrganisationReservation, on_delete=models.PROTECT, related_name="loan"
    )
    partner = models.ForeignKey(
        "network.HubPartner", on_delete=models.PROTECT, related_name="loans"
    )
    picked_up_by = models.CharField(_("taken for the organisation by"), max_length=200)
    handed_over_at = models.DateTimeField(_("handed over at"), default=timezone.now)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(pgettext_lazy("loan", "due on"))
    language = models.CharField(max_length=8, default="nl")
    conditions = models.TextField(_("conditions"), blank=True)
    signed_at = models.DateTimeField(_("agreement signed on paper"), null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("all devices back at"), null=True, blank=True)

    class Meta:
        ordering = ["-handed_over_at", "-id"]
        verbose_name = _("loan to an organisation")
        verbose_name_plural = _("loans to organisations")

    def __str__(self) -> str:
        return f"organisation loan #{self.pk}"


class OrganisationLoanItem(models.Model):
    """One device of an organisation loan, with its return checklist. The database
    allows one open organisation loan item per device."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    loan = models.ForeignKey(OrganisationLoan, on_delete=models.PROTECT, related_name="items")
    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="organisation_loan_items"
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    powers_on = models.BooleanField(_("powers on"), null=True, blank=True)
    accessories_back = models.BooleanField(_("charger and accessories back"), null=True, blank=True)
    data_removed = models.BooleanField(_("borrower's data removed"), null=True, blank=True)
    note = models.CharField(_("notes"), max_length=500, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReturnOutcome.choices, blank=True
    )

    class Meta:
        ordering = ["device_id"]
        constraints = [
            models.UniqueConstraint(fields=["loan", "device"], name="org_loan_item_once"),
            models.UniqueConstraint(
                fields=["device"],
                condition=Q(returned_at__isnull=True),
                name="org_loan_one_open_per_device",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id}/{self.device_id}"


class SchoolClass(TimestampedModel):
    """A class (group) whose pupils got long-term assignments, so the devices can be
    taken back together at the end of the school year."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("class"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "name"], name="school_class_name_once")
        ]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name


class SchoolClassLoan(models.Model):
    """A long-term assignment made for a class."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="loans")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="school_class_link")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.school_class_id}/{self.loan_id}"


class DepositMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    WAIVED = "waived", _("Waived")


class LoanDeposit(models.Model):
    """The deposit of a loan: what was received at check-out and how, and what was
    refunded at the return (and why part was kept). Money in cents."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="deposit")
    received_cents = models.PositiveIntegerField(_("received (cents)"))
    method = models.CharField(_("how"), max_length=10, choices=DepositMethod.choices)
    waiver_reason = models.CharField(_("why (partly) waived"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    refunded_cents = models.PositiveIntegerField(_("refunded (cents)"), null=True, blank=True)
    kept_reason = models.CharField(_("why part was kept"), max_length=300, blank=True)
    refunded_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_cents__isnull=True)
                | Q(refunded_cents__lte=models.F("received_cents")),
                name="deposit_refund_not_more_than_received",
            ),
            models.CheckConstraint(
                condition=~Q(method="waived") | Q(received_cents=0),
                name="deposit_waived_receives_nothing",
            ),
        ]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")

    def __str__(self) -> str:
        return f"deposit of loan {self.loan_id}"

    @property
    def kept_cents(self) -> int:
        return self.received_cents - (self.refunded_cents or 0)

    @property
    def settled(self) -> bool:
        return self.refunded_at is not None


class DeviceHolding(models.Model):
    """Who holds a device now: one row per device out of the building, for a person's
    loan or an organisation loan. The unique device column is what makes a device on a
    person's loan and on an organisation loan at once impossible, whatever the callers
    do (see holdings.py). The row goes when the device comes back."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    device = models.OneToOneField(
        "devices.Device", on_delete=models.PROTECT, related_name="holding"
    )
    loan = models.OneToOneField(
        Loan, on_delete=models.CASCADE, null=True, blank=True, related_name="holding"
    )
    organisation_item = models.OneToOneField(
        OrganisationLoanItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="holding",
    )
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["device_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(loan__isnull=True, organisation_item__isnull=False)
                | Q(loan__isnull=False, organisation_item__isnull=True),
                name="device_holding_one_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} held"


class AgreementSource(models.TextChoices):
    RENDERED = "rendered", _("Rendered at signing")
    SCAN = "scan", _("Scan of the agreement signed on paper")


class KeptAgreement(models.Model):
    """The agreement of a loan as it was signed: rendered once at signing (or a scan of
    the paper) and stored with its SHA-256, so what the borrower signed never changes
    when templates or conditions do. Anonymising replaces the file by a redacted one and
    keeps the fact, the date and the hash (lending.paperwork)."""

    hub = models.ForeignKey("network.Hub", on_delete=models.PROTECT, related_name="+")
    loan = models.OneToOneField(Loan, on_delete=models.CASCADE, related_name="kept_agreement")
    source = models.CharField(max_length=10, choices=AgreementSource.choices)
    file = models.FileField(upload_to="lending/agreements/%Y/")
    content_type = models.CharField(max_length=40, default="application/pdf")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    stored_at = models.DateTimeField(default=timezone.now)
    stored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    redacted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kept agreement")
        verbose_name_plural = _("kept agreements")

    def __str__(self) -> str:
        return f"agreement of loan {self.loan_id}"
