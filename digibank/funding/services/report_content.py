"""The parts of a grant report beyond its figures and story (see funding.report_models):
the call's narrative sections (set by the officer), planned versus actual outputs,
spending per budget line (an explanation when it is off the plan by more than 10%),
attachments, and the officer's comments on one part of a submitted report.

The rule of a request for changes: when the officer asks for changes on parts of a
report (comments with `asks_change`), the coordinator may change those parts only, and
answers each request before resubmitting; resubmitting closes the requests. Without such
comments (only an overall comment), the whole report may change, as before.

Voortraject grants have no hub yet: their reports have no figures, and a final
voortraject report needs its deliverables (the partnership agreement and the strategy
document) attached.

The services of reports.py call `save_content` and `check_complete` inside their own
transaction, with the report locked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write
from digibank.core.validators import refuse_national_numbers

from ..models import (
    BudgetLine,
    Call,
    CallKind,
    OutputKind,
    Report,
    ReportAttachment,
    ReportAttachmentKind,
    ReportComment,
    ReportKind,
    ReportOutput,
    ReportSection,
    ReportSectionText,
    ReportSpending,
    ReportStatus,
)
from .applications import validate_upload_for

ACTIONS: dict[str, str | Promise] = {
    "funding.report_sections": gettext_lazy("Report sections of a call set"),
    "funding.report_attach": gettext_lazy("File attached to a grant report"),
    "funding.report_detach": gettext_lazy("File removed from a grant report"),
    "funding.report_comment": gettext_lazy("Comment on a part of a grant report"),
}

# More than this share off the plan needs an explanation (10%: |actual - planned| * 10 >
# planned, in whole cents, no rounding).
OFF_PLAN_TENTHS = 1
# The application's planned output for each kind.
PLANNED_FIELD = {
    OutputKind.PEOPLE: "planned_people",
    OutputKind.DEVICES: "planned_devices",
    OutputKind.TRAININGS: "planned_trainings",
    OutputKind.HELP_POINTS: "planned_help_points",
}
# The figure that pre-fills an actual output (when the hub has figures).
OUTPUT_FIGURE = {
    OutputKind.PEOPLE: "funding.users_reached",
    OutputKind.DEVICES: "lending.loans",
    OutputKind.TRAININGS: "learning.sessions",
}
DELIVERABLES = (ReportAttachmentKind.PARTNERSHIP_AGREEMENT, ReportAttachmentKind.STRATEGY)
MAX_SECTIONS = 20


def is_voortraject(report: Report) -> bool:
    return report.grant.application.round.call.kind == CallKind.PREPARATION


def off_plan(planned_cents: int, actual_cents: int | None) -> bool:
    """Spent more than 10% more or less than planned."""
    if actual_cents is None:
        return False
    return abs(actual_cents - planned_cents) * 10 > planned_cents * OFF_PLAN_TENTHS


# --- the call's sections (officer) -----------------------------------------------------------


@transaction.atomic
def report_sections_set(*, actor: Any, call: Call, sections: list[tuple[str, str]]) -> None:
    """The narrative sections of the call's reports, in order ((title, what to write)).
    A section some report already answered can be renamed but not removed."""
    cleaned = [(" ".join(title.split())[:200], help_.strip()[:500]) for title, help_ in sections]
    cleaned = [(title, help_) for title, help_ in cleaned if title]
    if len(cleaned) > MAX_SECTIONS:
        raise ValidationError({"sections": _("At most 20 sections.")})
    Call.objects.select_for_update().filter(pk=call.pk).first()
    existing = list(ReportSection.objects.filter(call=call).order_by("position", "id"))
    answered = set(
        ReportSectionText.objects.filter(section__call=call).values_list("section_id", flat=True)
    )
    for gone in existing[len(cleaned) :]:
        if gone.pk in answered:
            raise ValidationError(
                {
                    "sections": _("“%(title)s” was answered in a report: keep it.")
                    % {"title": gone.title}
                }
            )
    # Positions move out of the way first (they are unique per call).
    ReportSection.objects.filter(call=call).update(position=F("position") + 1000)
    for index, (title, help_) in enumerate(cleaned):
        if index < len(existing):
            section = existing[index]
            section.position, section.title, section.help_text = index + 1, title, help_
            section.save(update_fields=["position", "title", "help_text"])
        else:
            ReportSection.objects.create(
                call=call, position=index + 1, title=title, help_text=help_
            )
    ReportSection.objects.filter(pk__in=[gone.pk for gone in existing[len(cleaned) :]]).delete()
    journal_write(
        actor=actor,
        action="funding.report_sections",
        subject=call,
        details={"sections": len(cleaned)},
    )


# --- the coordinator's content ------------------------------------------------------------


@dataclass
class ReportContent:
    """What the coordinator's report form gives, beyond the story."""

    sections: dict[int, str] = field(default_factory=dict)  # section id -> text
    outputs: dict[str, tuple[int | None, str]] = field(
        default_factory=dict
    )  # kind -> (actual, note)
    spending: dict[int, tuple[int | None, str]] = field(
        default_factory=dict
    )  # line id -> (cents, why)
    responses: dict[int, str] = field(default_factory=dict)  # comment id -> answer


def planned_outputs(report: Report) -> list[tuple[str, int]]:
    """(kind, planned) of the outputs the application planned (a number given)."""
    application = report.grant.application
    planned = []
    for kind, name in PLANNED_FIELD.items():
        value = getattr(application, name)
        if value is not None:
            planned.append((str(kind), int(value)))
    return planned


def open_requests(report: Report) -> list[ReportComment]:
    return list(
        ReportComment.objects.filter(report=report, asks_change=True, resolved_at__isnull=True)
    )


def changeable(report: Report, requests: list[ReportComment] | None = None) -> set[str] | None:
    """The targets the coordinator may change now: None for all (no targeted request)."""
    if report.status != ReportStatus.CHANGES_REQUESTED:
        return None
    requests = open_requests(report) if requests is None else requests
    return {comment.target for comment in requests} or None


def _refuse(targets: set[str] | None, target: str, changed: bool) -> None:
    if changed and targets is not None and target not in targets:
        raise ValidationError(
            _("The officer asked for changes on other parts: this part stays as submitted.")
        )


def check_story_change(report: Report, narrative: str, next_steps: str) -> None:
    """Narrative and next steps may change after a request only if it asked for it."""
    targets = changeable(report)
    _refuse(targets, "narrative", narrative.strip() != report.narrative)
    _refuse(targets, "next_steps", next_steps.strip() != report.next_steps)


def save_content(*, report: Report, content: ReportContent) -> None:
    """Store the content (report locked, editable; the caller journals)."""
    requests = open_requests(report)
    targets = changeable(report, requests)
    refuse_national_numbers(
        **{f"section_{k}": v for k, v in content.sections.items()},
        **{f"output_{k}": v[1] for k, v in content.outputs.items()},
        **{f"spending_{k}": v[1] for k, v in content.spending.items()},
        **{f"response_{k}": v for k, v in content.responses.items()},
    )
    _save_sections(report, content, targets)
    _save_outputs(report, content, targets)
    _save_spending(report, content, targets)
    for comment in requests:
        if comment.pk in content.responses:
            comment.response = content.responses[comment.pk].strip()
            comment.save(update_fields=["response"])


def _save_sections(report: Report, content: ReportContent, targets: set[str] | None) -> None:
    sections = {
        s.pk: s for s in ReportSection.objects.filter(call=report.grant.application.round.call_id)
    }
    current = {t.section_id: t for t in ReportSectionText.objects.filter(report=report)}
    for section_id, text in content.sections.items():
        if section_id not in sections:
            continue
        row = current.get(section_id)
        text = text.strip()
        _refuse(targets, f"section:{section_id}", text != (row.text if row else ""))
        if row is None:
            ReportSectionText.objects.create(report=report, section_id=section_id, text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])


def _save_outputs(report: Report, content: ReportContent, targets: set[str] | None) -> None:
    planned = dict(planned_outputs(report))
    current = {o.kind: o for o in ReportOutput.objects.filter(report=report)}
    for kind, (actual, note) in content.outputs.items():
        if kind not in planned:
            continue
        row = current.get(kind)
        note = note.strip()
        old = (row.actual, row.note) if row else (None, "")
        _refuse(targets, f"output:{kind}", (actual, note) != old)
        if row is None:
            ReportOutput.objects.create(
                report=report, kind=kind, planned=planned[kind], actual=actual, note=note
            )
        elif (actual, note) != old:
            row.actual, row.note = actual, note
            row.save(update_fields=["actual", "note"])


def _save_spending(report: Report, content: ReportContent, targets: set[str] | None) -> None:
    lines = {
        line.pk: line for line in BudgetLine.objects.filter(application=report.grant.application_id)
    }
    current = {s.budget_line_id: s for s in ReportSpending.objects.filter(report=report)}
    for line_id, (actual, explanation) in content.spending.items():
        line = lines.get(line_id)
        if line is None:
            continue
        if actual is not None and actual < 0:
            raise ValidationError({f"spent_{line_id}": _("Enter an amount of € 0 or more.")})
        row = current.get(line_id)
        explanation = explanation.strip()
        old = (row.actual_cents, row.explanation) if row else (None, "")
        _refuse(targets, f"spending:{line_id}", (actual, explanation) != old)
        if row is None:
            ReportSpending.objects.create(
                report=report,
                budget_line=line,
                planned_cents=line.amount_cents,
                actual_cents=actual,
                explanation=explanation,
            )
        elif (actual, explanation) != old:
            row.actual_cents, row.explanation = actual, explanation
            row.save(update_fields=["actual_cents", "explanation"])


def check_complete(report: Report) -> None:
    """What a report needs before it can be submitted (raises with every problem)."""
    errors: dict[str, list[str]] = {}
    texts = {t.section_id: t.text for t in ReportSectionText.objects.filter(report=report)}
    for section in ReportSection.objects.filter(call=report.grant.application.round.call_id):
        if not texts.get(section.pk, "").strip():
            errors.setdefault(f"section_{section.pk}", []).append(
                _("Write this section: %(title)s.") % {"title": section.title}
            )
    outputs = {o.kind: o for o in ReportOutput.objects.filter(report=report)}
    for kind, _planned in planned_outputs(report):
        output = outputs.get(kind)
        if output is None or output.actual is None:
            errors.setdefault(f"actual_{kind}", []).append(
                _("Enter the actual number: %(output)s.") % {"output": OutputKind(kind).label}
            )
    spent = {s.budget_line_id: s for s in ReportSpending.objects.filter(report=report)}
    for line in BudgetLine.objects.filter(application=report.grant.application_id):
        row = spent.get(line.pk)
        if row is None or row.actual_cents is None:
            errors.setdefault(f"spent_{line.pk}", []).append(
                _("Enter what was spent on “%(line)s” (€ 0 if nothing).")
                % {"line": line.description}
            )
        elif off_plan(row.planned_cents, row.actual_cents) and not row.explanation.strip():
            errors.setdefault(f"why_{line.pk}", []).append(
                _("“%(line)s” is more than 10%% off the plan: explain why.")
                % {"line": line.description}
            )
    for comment in open_requests(report):
        if not comment.response.strip():
            errors.setdefault(f"response_{comment.pk}", []).append(
                _("Answer the officer's request before you submit again.")
            )
    if report.kind == ReportKind.FINAL and is_voortraject(report):
        kinds = set(ReportAttachment.objects.filter(report=report).values_list("kind", flat=True))
        for kind in DELIVERABLES:
            if kind not in kinds:
                errors.setdefault("attachments", []).append(
                    _("Attach the deliverable: %(kind)s.")
                    % {"kind": ReportAttachmentKind(kind).label}
                )
    if errors:
        raise ValidationError(errors)


def close_requests(report: Report) -> int:
    """On resubmission: the answered requests are closed."""
    return ReportComment.objects.filter(
        report=report, asks_change=True, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


# --- attachments (coordinator) ---------------------------------------------------------------


def _locked_editable(report: Report) -> Report:
    locked: Report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("grant__application__round__call")
        .get(pk=report.pk)
    )
    if locked.status not in (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED):
        raise ValidationError(_("This report was submitted and can no longer be changed."))
    return locked


def _journal(actor: Any, action: str, report: Report, **details: Any) -> None:
    journal_write(
        actor=actor,
        action=action,
        subject=report,
        hub_id=report.grant.hub_id,
        details={"grant": report.grant_id, **details},
    )


@transaction.atomic
def report_attach(
    *, actor: Any, report: Report, kind: str, title: str, file: UploadedFile | None
) -> ReportAttachment:
    """Attach evidence, minutes or a deliverable (the content is checked: a document or
    an image whose first bytes match its extension, at most 10 MB)."""
    locked = _locked_editable(report)
    _refuse(changeable(locked), "attachments", True)
    errors: dict[str, str] = {}
    if kind not in ReportAttachmentKind.values:
        errors["kind"] = _("Choose what the file is.")
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = _("Give the file a title.")
    if file is None:
        errors["file"] = _("Choose a file.")
    if errors:
        raise ValidationError(errors)
    refuse_national_numbers(title=title)
    validate_upload_for("file", file)
    attachment = ReportAttachment(report=locked, kind=kind, title=title[:200], uploaded_by=actor)
    assert file is not None  # checked above
    attachment.file.save(file.name or "attachment", file, save=False)
    attachment.save()
    _journal(actor, "funding.report_attach", locked, attachment=attachment.pk, kind=kind)
    return attachment


@transaction.atomic
def report_detach(*, actor: Any, attachment: ReportAttachment) -> None:
    locked = _locked_editable(attachment.report)
    _refuse(changeable(locked), "attachments", True)
    name, storage = attachment.file.name, attachment.file.storage
    attachment_id = attachment.pk
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    _journal(actor, "funding.report_detach", locked, attachment=attachment_id)


# --- comments (officer) -----------------------------------------------------------------------


def targets(report: Report) -> list[str]:
    """Every part of the report an officer can comment on."""
    found = ["narrative", "next_steps", "attachments"]
    found += [
        f"section:{pk}"
        for pk in ReportSection.objects.filter(
            call=report.grant.application.round.call_id
        ).values_list("pk", flat=True)
    ]
    figures = report.figures.get("figures", []) if isinstance(report.figures, dict) else []
    found += [f"figure:{row.get('key')}" for row in figures if isinstance(row, dict)]
    found += [f"output:{kind}" for kind, _planned in planned_outputs(report)]
    found += [
        f"spending:{pk}"
        for pk in BudgetLine.objects.filter(application=report.grant.application_id).values_list(
            "pk", flat=True
        )
    ]
    return found


@transaction.atomic
def report_comment(
    *, actor: Any, report: Report, target: str, text: str, asks_change: bool = False
) -> ReportComment:
    """The officer's comment on one part of a submitted report; with `asks_change`, a
    change the coordinator must make (sent back with report_request_changes)."""
    refuse_national_numbers(text=text)
    locked: Report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("grant__application__round__call")
        .get(pk=report.pk)
    )
    if locked.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be commented on."))
    errors: dict[str, str] = {}
    if target not in targets(locked):
        errors["target"] = _("Choose a part of this report.")
    if not text.strip():
        errors["text"] = _("Write your comment.")
    if errors:
        raise ValidationError(errors)
    comment = ReportComment.objects.create(
        report=locked, target=target, text=text.strip(), asks_change=asks_change, created_by=actor
    )
    _journal(
        actor,
        "funding.report_comment",
        locked,
        comment=comment.pk,
        target=target,
        asks_change=asks_change,
    )
    return comment
