"""Every change in the reports area: the officer sets a grant's report obligations
(interim and final reports with their period and due date, or the standard schedule);
the hub's coordinator writes the report on top of the live figures and submits it (the
figures are then frozen with the moment they were computed); the officer approves it or
asks for changes (the coordinator may then edit and resubmit, which computes the figures
anew). Each service runs in one transaction, locks the report it changes and writes the
journal in that transaction; messages go out from a task after the commit.

The background work of the area (messages after a review, the daily reminder of reports
due soon or overdue) lives at the end of this module."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write
from digibank.core.validators import refuse_national_numbers

from .. import tasks
from ..models import Grant, Report, ReportKind, ReportStatus
from ..queries import reports as queries
from . import report_content
from .report_content import ReportContent

ACTIONS: dict[str, str | Promise] = {
    "funding.report_add": gettext_lazy("Report obligation added"),
    "funding.report_change": gettext_lazy("Report obligation changed"),
    "funding.report_remove": gettext_lazy("Report obligation removed"),
    "funding.report_draft": gettext_lazy("Grant report draft saved"),
    "funding.report_submit": gettext_lazy("Grant report submitted"),
    "funding.report_approve": gettext_lazy("Grant report approved"),
    "funding.report_changes": gettext_lazy("Changes asked to a grant report"),
}

# The coordinator may write in these states; the officer may change the obligation only
# before the first submission.
EDITABLE = (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)
INTERIM_DUE_MONTHS = 1
FINAL_DUE_MONTHS = 2


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(report: Report) -> Report:
    locked: Report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("grant__application__round__call")
        .get(pk=report.pk)
    )
    return locked


def _check_obligation(
    grant: Grant, kind: str, period_start: date, period_end: date, due_on: date
) -> None:
    errors: dict[str, str] = {}
    if kind not in ReportKind.values:
        errors["kind"] = _("Choose interim or final report.")
    if period_end < period_start:
        errors["period_end"] = _("The period must end on or after its first day.")
    elif period_start < grant.starts_on or period_end > grant.ends_on:
        errors["period_start"] = _(
            "The period must lie within the grant period (%(start)s to %(end)s)."
        ) % {"start": grant.starts_on.isoformat(), "end": grant.ends_on.isoformat()}
    if due_on < period_end:
        errors["due_on"] = _("The report can only be due after the period it covers.")
    if errors:
        raise ValidationError(errors)


def _journal(actor: Any, action: str, report: Report, **details: Any) -> None:
    journal_write(
        actor=actor,
        action=action,
        subject=report,
        hub_id=report.grant.hub_id,
        details={"grant": report.grant_id, "kind": report.kind, **details},
    )


# --- obligations (officer) --------------------------------------------------------------


@transaction.atomic
def report_add(
    *, actor: Any, grant: Grant, kind: str, period_start: date, period_end: date, due_on: date
) -> Report:
    """A report the grant asks for."""
    _check_obligation(grant, kind, period_start, period_end, due_on)
    report = Report.objects.create(
        grant=grant, kind=kind, period_start=period_start, period_end=period_end, due_on=due_on
    )
    _journal(actor, "funding.report_add", report, due_on=due_on.isoformat())
    return report


@transaction.atomic
def report_change(
    *, actor: Any, report: Report, kind: str, period_start: date, period_end: date, due_on: date
) -> Report:
    """Change an obligation that was never submitted."""
    report = _lock(report)
    if report.submitted_at is not None or report.status != ReportStatus.DUE:
        raise ValidationError(_("This report was submitted: its period and due date stay."))
    _check_obligation(report.grant, kind, period_start, period_end, due_on)
    report.kind, report.period_start, report.period_end, report.due_on = (
        kind,
        period_start,
        period_end,
        due_on,
    )
    report.save(update_fields=["kind", "period_start", "period_end", "due_on", "updated_at"])
    _journal(actor, "funding.report_change", report, due_on=due_on.isoformat())
    return report


@transaction.atomic
def report_remove(*, actor: Any, report: Report) -> None:
    """Remove an obligation that was never submitted (submitted reports stay)."""
    report = _lock(report)
    if report.submitted_at is not None or report.status != ReportStatus.DUE:
        raise ValidationError(_("A submitted report cannot be removed."))
    _journal(
        actor,
        "funding.report_remove",
        report,
        period=[report.period_start.isoformat(), report.period_end.isoformat()],
        due_on=report.due_on.isoformat(),
    )
    report.delete()


def standard_schedule(grant: Grant) -> list[tuple[str, date, date, date]]:
    """(kind, period start, period end, due on) of the standard schedule: an interim
    report after each full year of the grant period (on that year, due a month after it)
    and a final report on the whole period, due two months after its end."""
    plan: list[tuple[str, date, date, date]] = []
    year = 1
    while True:
        year_start = add_months(grant.starts_on, 12 * (year - 1))
        year_end = add_months(grant.starts_on, 12 * year) - timedelta(days=1)
        if year_end >= grant.ends_on:
            break
        plan.append(
            (ReportKind.INTERIM, year_start, year_end, add_months(year_end, INTERIM_DUE_MONTHS))
        )
        year += 1
    plan.append(
        (
            ReportKind.FINAL,
            grant.starts_on,
            grant.ends_on,
            add_months(grant.ends_on, FINAL_DUE_MONTHS),
        )
    )
    return plan


@transaction.atomic
def reports_schedule(*, actor: Any, grant: Grant) -> list[Report]:
    """Add the standard schedule's reports the grant does not have yet (same kind and
    period). Running it twice adds nothing the second time."""
    Grant.objects.select_for_update().filter(pk=grant.pk).first()
    existing = set(
        Report.objects.filter(grant=grant).values_list("kind", "period_start", "period_end")
    )
    created = []
    for kind, start, end, due in standard_schedule(grant):
        if (kind, start, end) in existing:
            continue
        report = Report.objects.create(
            grant=grant, kind=kind, period_start=start, period_end=end, due_on=due
        )
        _journal(actor, "funding.report_add", report, due_on=due.isoformat(), schedule=True)
        created.append(report)
    return created


# --- writing and submitting (coordinator) --------------------------------------------------


def _check_editable(report: Report) -> None:
    if report.status not in EDITABLE:
        raise ValidationError(_("This report was submitted and can no longer be changed."))


@transaction.atomic
def report_save_draft(
    *,
    actor: Any,
    report: Report,
    narrative: str,
    next_steps: str,
    content: ReportContent | None = None,
) -> Report:
    refuse_national_numbers(narrative=narrative, next_steps=next_steps)
    report = _lock(report)
    _check_editable(report)
    report_content.check_story_change(report, narrative, next_steps)
    if content is not None:
        report_content.save_content(report=report, content=content)
    report.narrative, report.next_steps = narrative.strip(), next_steps.strip()
    report.save(update_fields=["narrative", "next_steps", "updated_at"])
    _journal(actor, "funding.report_draft", report)
    return report


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    report: Report,
    narrative: str,
    next_steps: str,
    content: ReportContent | None = None,
) -> Report:
    """Submit with the hub's figures computed now and frozen into the report (a
    voortraject grant, with no hub yet, has none), once every part is complete
    (report_content.check_complete)."""
    refuse_national_numbers(narrative=narrative, next_steps=next_steps)
    report = _lock(report)
    _check_editable(report)
    report_content.check_story_change(report, narrative, next_steps)
    if content is not None:
        report_content.save_content(report=report, content=content)
    errors = {}
    if not narrative.strip():
        errors["narrative"] = _("Write what went well and what did not.")
    if not next_steps.strip():
        errors["next_steps"] = _("Write the next steps.")
    if errors:
        raise ValidationError(errors)
    if report.grant.hub_id is None and not report_content.is_voortraject(report):
        raise ValidationError(_("This grant has no hub whose figures could be reported."))
    report_content.check_complete(report)
    now = timezone.now()
    report.figures = (
        queries.figures_snapshot([], computed_at=now)
        if report.grant.hub_id is None
        else queries.frozen_figures(
            report.grant.hub_id, report.period_start, report.period_end, computed_at=now
        )
    )
    report.narrative, report.next_steps = narrative.strip(), next_steps.strip()
    resubmitted = report.status == ReportStatus.CHANGES_REQUESTED
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.save()
    if resubmitted:
        report_content.close_requests(report)
    _journal(actor, "funding.report_submit", report, resubmitted=resubmitted)
    return report


# --- review (officer) ----------------------------------------------------------------------


def _review(*, actor: Any, report: Report, status: str, comment: str, action: str) -> Report:
    refuse_national_numbers(comment=comment)
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    report.status = status
    report.officer_comment = comment.strip()
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.save(
        update_fields=["status", "officer_comment", "reviewed_at", "reviewed_by", "updated_at"]
    )
    _journal(actor, action, report)
    report_id = report.pk
    transaction.on_commit(lambda: tasks.notify_report_reviewed.enqueue(report_id))
    return report


@transaction.atomic
def report_approve(*, actor: Any, report: Report, comment: str = "") -> Report:
    return _review(
        actor=actor,
        report=report,
        status=ReportStatus.APPROVED,
        comment=comment,
        action="funding.report_approve",
    )


@transaction.atomic
def report_request_changes(*, actor: Any, report: Report, comment: str) -> Report:
    """Send the report back to the coordinator with what to change: an overall comment,
    or comments asking changes on parts (report_content.report_comment), or both."""
    if not comment.strip() and not report_content.open_requests(report):
        raise ValidationError({"comment": _("Write what should change.")})
    return _review(
        actor=actor,
        report=report,
        status=ReportStatus.CHANGES_REQUESTED,
        comment=comment,
        action="funding.report_changes",
    )
