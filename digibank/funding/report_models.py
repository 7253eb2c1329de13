"""What a grant report holds besides its figures and story: the narrative sections the
call asks for, planned versus actual outputs, spending per budget line, attachments
(evidence, minutes, a voortraject's deliverables) and the officer's comments on one
section or figure. Imported by funding.models; changed only by
funding.services.report_content."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportSection(models.Model):
    """A narrative section every report of the call's grants has (set by the officer)."""

    call = models.ForeignKey(
        "funding.Call", on_delete=models.CASCADE, related_name="report_sections"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("section"), max_length=200)
    help_text = models.CharField(_("what to write"), max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="reportsection_position"),
        ]
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")

    def __str__(self) -> str:
        return self.title


class ReportSectionText(models.Model):
    report = models.ForeignKey("funding.Report", on_delete=models.CASCADE, related_name="texts")
    section = models.ForeignKey(ReportSection, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "section"], name="reportsectiontext_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.section_id}"


class OutputKind(models.TextChoices):
    """The outputs an application plans (Application.planned_*)."""

    PEOPLE = "people", _("People reached")
    DEVICES = "devices", _("Devices lent or given")
    TRAININGS = "trainings", _("Trainings")
    HELP_POINTS = "help_points", _("Help points")


class ReportOutput(models.Model):
    report = models.ForeignKey("funding.Report", on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(_("output"), max_length=20, choices=OutputKind.choices)
    planned = models.PositiveIntegerField(_("planned"), null=True, blank=True)
    actual = models.PositiveIntegerField(_("actual"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="reportoutput_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.kind}"


class ReportSpending(models.Model):
    """Spending on one budget line of the application: the planned amount is copied
    from the line when the report is first written."""

    report = models.ForeignKey("funding.Report", on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(
        "funding.BudgetLine", on_delete=models.PROTECT, related_name="+"
    )
    planned_cents = models.BigIntegerField(_("planned (cents)"))
    actual_cents = models.BigIntegerField(_("spent (cents)"), null=True, blank=True)
    explanation = models.TextField(_("why it differs"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="reportspending_once"),
            models.CheckConstraint(
                condition=Q(actual_cents__gte=0) | Q(actual_cents__isnull=True),
                name="reportspending_actual_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.budget_line_id}"


class ReportAttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence")
    MINUTES = "minutes", _("Minutes of a meeting")
    PARTNERSHIP_AGREEMENT = "partnership_agreement", _("Partnership agreement")
    STRATEGY = "strategy", _("Strategy document")
    OTHER = "other", _("Other")


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        "funding.Report", on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReportAttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="funding/reports/%Y/")
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self) -> str:
        return self.title


class ReportComment(models.Model):
    """The officer's comment on one part of a report (`target`: "narrative",
    "next_steps", "section:<id>", "figure:<key>", "output:<kind>", "spending:<line id>",
    "attachments"). With `asks_change` the coordinator must answer it (`response`) before
    resubmitting; only the parts with such a comment may change then."""

    report = models.ForeignKey("funding.Report", on_delete=models.CASCADE, related_name="comments")
    target = models.CharField(_("about"), max_length=80)
    text = models.TextField(_("comment"))
    asks_change = models.BooleanField(_("asks for a change"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(_("answer"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["report", "resolved_at"], name="reportcomment_open")]
        verbose_name = _("report comment")
        verbose_name_plural = _("report comments")

    def __str__(self) -> str:
        return f"{self.report_id} · {self.target}"
