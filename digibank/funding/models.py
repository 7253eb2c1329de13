"""Funding: calls in submission rounds, partnership applications, reviews, decisions,
grants with instalments and reach tiers, and the reports a grant asks for.

Money is kept in integer cents. Times are aware datetimes; rounds open and close in
Europe/Brussels and the server decides whether a round is open.

Who sees what: programme officers and reviewers hold a ProgrammeRole on the call's
programme; an applicant is a user who speaks for an organisation (Applicant) and sees
only that organisation's applications; a reviewer sees only the applications assigned
to them, and not those where they declared a conflict of interest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from digibank.core.models import TimestampedModel
from digibank.network.models import PartnerType, Region


class Goal(models.TextChoices):
    """The three goals of a digibank."""

    LENDING = "lending", _("Lend devices on conditions")
    TRAINING = "training", _("Train digital skills")
    GUIDANCE = "guidance", _("Guide people to online services")


class CallKind(models.TextChoices):
    PREPARATION = "preparation", _("Preparation (forming a partnership)")
    IMPLEMENTATION = "implementation", _("Implementation (carrying out the strategy)")


class CallAudience(models.TextChoices):
    """Who a call is for: partnerships that form a new digibank, digibanken that exist
    (a follow-on or an extension), or both."""

    NEW = "new", _("New partnerships")
    EXISTING = "existing", _("Existing digibanken")
    BOTH = "both", _("New partnerships and existing digibanken")


class PaymentRule(models.TextChoices):
    """How a grant's reach tiers earn money (see funding.payment)."""

    STEPS = "steps", _("Steps: a tier's amount is earned once its threshold is reached")
    PRO_RATA = "pro_rata", _("Pro rata: a tier earns in proportion to the users reached in it")


class Call(TimestampedModel):
    """A call for projects under a programme. Its rules apply to every round."""

    programme = models.ForeignKey(
        "network.Programme", on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    max_amount_cents = models.BigIntegerField(_("maximum amount (cents)"))
    min_duration_months = models.PositiveSmallIntegerField(
        _("shortest project (months)"), null=True, blank=True
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("longest project (months)"), null=True, blank=True
    )
    # Eligibility: empty lists mean "any".
    lead_organisation_kinds = models.JSONField(
        _("who may lead"), default=list, blank=True
    )  # OrganisationKind values
    required_partner_types = models.JSONField(
        _("partner types required"), default=list, blank=True
    )  # PartnerType values
    region = models.CharField(
        _("region"), max_length=10, choices=Region.choices, blank=True
    )  # the service area must lie in it; blank: anywhere
    required_goals = models.JSONField(_("goals required"), default=list, blank=True)  # Goal
    score_scale_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    audience = models.CharField(
        _("for whom"), max_length=10, choices=CallAudience.choices, default=CallAudience.NEW
    )
    payment_rule = models.CharField(
        _("payment rule for reach tiers"),
        max_length=10,
        choices=PaymentRule.choices,
        default=PaymentRule.STEPS,
    )
    payment_rule_source = models.CharField(
        _("source of the payment rule"), max_length=300, blank=True
    )  # e.g. the regulation or the call text the rule comes from
    # Why the kind's binding limits (funding.services.calls.KIND_DEFAULTS) were changed;
    # required whenever they differ from the kind's.
    limits_reason = models.TextField(_("why the limits differ from the kind's"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_amount_cents__gt=0), name="call_max_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_duration_months__isnull=True)
                | Q(max_duration_months__isnull=True)
                | Q(max_duration_months__gte=F("min_duration_months")),
                name="call_duration_ordered",
            ),
            models.CheckConstraint(
                condition=Q(score_scale_max__gte=2), name="call_score_scale_at_least_two"
            ),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return self.title


class Round(TimestampedModel):
    """A submission round of a call: applications are accepted between opens_at and
    closes_at (server time), against the round's budget."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget_cents = models.BigIntegerField(_("budget (cents)"))

    class Meta:
        ordering = ["opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(condition=Q(budget_cents__gt=0), name="round_budget_positive"),
        ]
        indexes = [models.Index(fields=["call", "opens_at"], name="round_call_opens")]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.call} · {self.name}"

    def is_open(self, at: object = None) -> bool:
        now = at or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    FILE = "file", _("File")


class Question(models.Model):
    """A question of the call's application form."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)  # list of strings
    is_required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="question_position_unique"),
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.label


class Criterion(models.Model):
    """A review criterion with its weight in the weighted total."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what reviewers look at"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="criterion_position_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self) -> str:
        return self.name


class ApplicantQuerySet(models.QuerySet["Applicant"]):
    def confirmed(self) -> ApplicantQuerySet:
        return self.filter(is_confirmed=True)

    def pending(self) -> ApplicantQuerySet:
        return self.filter(is_confirmed=False, revoked_at__isnull=True)


class Applicant(TimestampedModel):
    """A user who speaks for an organisation in funding. Three states:

    - pending (not confirmed, not revoked): everyone starts here, also the first person
      to register an enterprise number, so knowing a number never opens an
      organisation's files. A pending applicant may start applications for the
      organisation and fill in the ones they started, but sees no other application
      of it and submits nothing, until a confirmed colleague, an officer of a programme
      the organisation applied to, or a platform admin confirms them;
    - confirmed: sees and changes all the organisation's applications, submits them and
      confirms colleagues;
    - revoked (refused while pending, or revoked by an officer or admin): reaches
      nothing of the organisation and cannot ask again; only an officer or admin can
      confirm them again.

    The rules are in funding/access.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant_roles"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.CASCADE, related_name="applicants"
    )
    is_confirmed = models.BooleanField(_("confirmed"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApplicantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="applicant_unique"),
            models.CheckConstraint(
                condition=Q(is_confirmed=False) | Q(revoked_at__isnull=True),
                name="applicant_confirmed_not_revoked",
            ),
        ]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_pending(self) -> bool:
        return not self.is_confirmed and self.revoked_at is None


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFORMATION = "more_information", _("More information asked")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# The applicant may change the application only in these states.
EDITABLE_STATUSES = frozenset({ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFORMATION})


class Application(TimestampedModel):
    """A partnership's application to a round. The lead organisation applies; partners
    are ApplicationPartner rows. Frozen once submitted, until the officer asks for
    more information; every submission keeps a revision."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    lead_organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    goals = models.JSONField(_("goals covered"), default=list, blank=True)  # Goal values
    service_area = models.ManyToManyField(
        "network.Municipality", related_name="+", blank=True, verbose_name=_("service area")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    planned_people = models.PositiveIntegerField(_("people to reach"), null=True, blank=True)
    planned_devices = models.PositiveIntegerField(_("devices to lend"), null=True, blank=True)
    planned_trainings = models.PositiveIntegerField(_("trainings"), null=True, blank=True)
    planned_help_points = models.PositiveIntegerField(_("help points"), null=True, blank=True)
    # Re-computed on the server from the budget lines whenever they change.
    requested_cents = models.BigIntegerField(_("amount requested (cents)"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    # Set when approved (implementation calls create a hub).
    awarded_cents = models.BigIntegerField(_("amount awarded (cents)"), null=True, blank=True)
    hub = models.OneToOneField(
        "network.Hub",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
    )
    # A follow-on or extension application is for a digibank that exists: approval adds
    # a grant to that hub and never creates a second one.
    existing_hub = models.ForeignKey(
        "network.Hub",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension_applications",
        verbose_name=_("existing digibank"),
    )
    # The approved preparation (voortraject) application this one carries on.
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ons",
        verbose_name=_("follows the preparation"),
    )

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_known"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="application_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"], name="application_round_status"),
            models.Index(fields=["lead_organisation", "-created_at"], name="application_lead"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ApplicationPartner(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices)
    role = models.CharField(_("role in the partnership"), max_length=200, blank=True)
    commitment_letter = models.FileField(
        _("commitment letter"), upload_to="funding/letters/%Y/", blank=True
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "organisation"], name="application_partner_unique"
            ),
        ]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return str(self.organisation)


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    HARDWARE = "hardware", _("Hardware")
    OPERATIONS = "operations", _("Operations")
    OVERHEAD = "overhead", _("Overhead")
    OTHER = "other", _("Other")


class BudgetLine(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="budget_line_amount_positive"
            ),
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return self.description


class Answer(models.Model):
    """The answer to one of the call's questions; the field used follows the kind."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)  # text, long text and choice
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to="funding/answers/%Y/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="answer_unique"),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.question_id}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="funding/attachments/%Y/")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class ApplicationRevision(models.Model):
    """What the application said at one submission: a snapshot for the visible diff."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="application_revision_unique"
            ),
        ]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.number}"


class InformationRequest(models.Model):
    """The officer asks the applicant for more information: the application reopens."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="information_requests"
    )
    message = models.TextField(_("what is needed"))
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "id"]
        verbose_name = _("request for information")
        verbose_name_plural = _("requests for information")

    def __str__(self) -> str:
        return self.message[:80]


class ConflictStatus(models.TextChoices):
    UNDECLARED = "undeclared", _("Not declared yet")
    NONE = "none", _("No conflict of interest")
    CONFLICT = "conflict", _("Conflict of interest")


class ReviewAssignment(TimestampedModel):
    """A reviewer assigned to an application. The reviewer declares conflicts first;
    with a conflict they never see the application."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    conflict = models.CharField(
        _("conflict of interest"),
        max_length=20,
        choices=ConflictStatus.choices,
        default=ConflictStatus.UNDECLARED,
    )
    conflict_note = models.TextField(_("about the conflict"), blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    completed_at = models.DateTimeField(_("review completed at"), null=True, blank=True)
    due_on = models.DateField(_("review due on"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_assignment_unique"
            ),
        ]
        indexes = [models.Index(fields=["reviewer", "conflict"], name="assignment_reviewer")]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self) -> str:
        return f"{self.application_id} · {self.reviewer_id}"


class Score(models.Model):
    """One reviewer's score on one criterion: one row each, so two edits of different
    criteria never overwrite each other."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    MORE_INFORMATION = "more_information", _("More information needed")


class Determination(models.Model):
    """A decision on an application; the latest one counts, all are kept."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="determinations"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    amount_cents = models.BigIntegerField(_("amount awarded (cents)"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="approved") | Q(amount_cents__gt=0),
                name="determination_approved_has_amount",
            ),
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.get_outcome_display()


class Grant(TimestampedModel):
    """The money awarded to an approved application, paid in instalments."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="grant")
    programme = models.ForeignKey(
        "network.Programme", on_delete=models.PROTECT, related_name="grants"
    )
    hub = models.ForeignKey(
        "network.Hub", on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    # Users reached in the grant period, as last counted by the daily task (an exact
    # count takes a fraction of a second per hub, too slow for a page listing grants).
    reach_users = models.PositiveIntegerField(_("users reached"), null=True, blank=True)
    reach_counted_at = models.DateTimeField(_("reach counted at"), null=True, blank=True)
    # The officer confirms the account the coordinator entered; a changed account needs
    # a new confirmation, and no payment is approved without one (funding.banking).
    iban_confirmed_at = models.DateTimeField(_("account confirmed at"), null=True, blank=True)
    iban_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="grant_ends_after_start"
            ),
        ]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")

    def __str__(self) -> str:
        return str(self.application)


class PaymentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class Instalment(models.Model):
    """One payment of a grant: planned, then approved by the officer, then paid."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="instalments")
    label = models.CharField(_("what for"), max_length=200)
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    planned_on = models.DateField(_("planned for"))
    # A balance is paid after a report is approved.
    after_report = models.ForeignKey(
        "Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PLANNED
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    # The result-based balance: computed from the users reached frozen in the final
    # report; `basis` keeps how (funding.payment.balance_basis).
    is_result_balance = models.BooleanField(_("result-based balance"), default=False)
    basis = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="instalment_amount_positive"
            ),
        ]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")

    def __str__(self) -> str:
        return self.label


class GrantAmendment(models.Model):
    """One change to a grant after it was awarded (amount, period, instalments or
    tiers), with the officer's reason. Numbered per grant: version 2 is the first
    amendment (the award is version 1). `changes` holds each changed field's before
    and after."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="amendments")
    version = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["grant", "version"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "version"], name="grant_amendment_unique"),
            models.CheckConstraint(condition=Q(version__gte=2), name="grant_amendment_after_award"),
        ]
        verbose_name = _("grant amendment")
        verbose_name_plural = _("grant amendments")

    def __str__(self) -> str:
        return f"{self.grant_id} · v{self.version}"


class ReachTier(models.Model):
    """A band of users reached and the money it earns. A bounded band earns its amount
    in proportion to the users reached within it; an open band (no upper bound) earns
    its amount in full once entered. See funding.reach for the rule and the count."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reach_tiers")
    from_users = models.PositiveIntegerField(_("from (users reached)"))
    to_users = models.PositiveIntegerField(_("up to (users reached)"), null=True, blank=True)
    amount_cents = models.BigIntegerField(_("amount (cents)"))

    class Meta:
        ordering = ["from_users", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_users__isnull=True) | Q(to_users__gte=F("from_users")),
                name="reach_tier_ordered",
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="reach_tier_amount_positive"
            ),
            models.UniqueConstraint(fields=["grant", "from_users"], name="reach_tier_unique"),
        ]
        verbose_name = _("reach tier")
        verbose_name_plural = _("reach tiers")

    def __str__(self) -> str:
        return f"{self.from_users}–{self.to_users or ''}"


class ReportKind(models.TextChoices):
    INTERIM = "interim", _("Interim report")
    FINAL = "final", _("Final report")


class ReportStatus(models.TextChoices):
    DUE = "due", _("To write")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes asked")
    APPROVED = "approved", _("Approved")


class Report(TimestampedModel):
    """A report the grant asks for. The coordinator starts from the hub's live figures
    (frozen into `figures` on submission), adds the story, and submits; the officer
    approves or asks for changes."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    due_on = models.DateField(pgettext_lazy("report deadline", "due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    figures = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(_("what went well, what did not"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer_comment = models.TextField(_("officer's comment"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due")]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_on}"


# The parts of a report (sections, outputs, spending, attachments, comments).
from .report_models import (  # noqa: E402
    OutputKind,
    ReportAttachment,
    ReportAttachmentKind,
    ReportComment,
    ReportOutput,
    ReportSection,
    ReportSectionText,
    ReportSpending,
)

__all__ = [
    "OutputKind",
    "ReportAttachment",
    "ReportAttachmentKind",
    "ReportComment",
    "ReportOutput",
    "ReportSection",
    "ReportSectionText",
    "ReportSpending",
]
