"""Reads of a report's parts (funding.report_models) for the coordinator's and the
officer's report pages: each part with what was written, the officer's comments on it
and whether a change is asked there. A fixed number of queries per report (sections,
texts, outputs, budget lines, spending, attachments, comments)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..models import (
    BudgetLine,
    OutputKind,
    Report,
    ReportAttachment,
    ReportComment,
    ReportOutput,
    ReportSection,
    ReportSectionText,
    ReportSpending,
)
from ..services.report_content import (
    OUTPUT_FIGURE,
    changeable,
    is_voortraject,
    off_plan,
    planned_outputs,
)
from .reports import ShownFigure


@dataclass
class Part:
    """One part of a report a comment can be about."""

    target: str
    label: str
    comments: list[ReportComment] = field(default_factory=list)
    locked: bool = False  # changes were asked elsewhere: this part stays
    fields: list[Any] = field(default_factory=list)  # its bound form fields, when editable

    @property
    def asks_change(self) -> bool:
        return any(c.asks_change and c.resolved_at is None for c in self.comments)

    @property
    def anchor(self) -> str:
        return anchor(self.target)


def anchor(target: str) -> str:
    """An element id for a part: "figure:funding.users_reached" ->
    "part-figure-funding-users-reached"."""
    return "part-" + target.replace(":", "-").replace(".", "-").replace("_", "-")


@dataclass
class SectionPart(Part):
    section: ReportSection | None = None
    text: str = ""


@dataclass
class OutputPart(Part):
    kind: str = ""
    planned: int | None = None
    actual: int | None = None
    note: str = ""
    prefill: int | float | None = None  # from the live figures


@dataclass
class SpendingPart(Part):
    line: BudgetLine | None = None
    planned_cents: int = 0
    actual_cents: int | None = None
    explanation: str = ""

    @property
    def off_plan(self) -> bool:
        return off_plan(self.planned_cents, self.actual_cents)


@dataclass
class ReportParts:
    sections: list[SectionPart]
    outputs: list[OutputPart]
    spending: list[SpendingPart]
    attachments: list[ReportAttachment]
    story: list[Part]  # narrative, next steps
    figures: list[Part]
    attachments_part: Part
    requests: list[ReportComment]  # open change requests
    voortraject: bool

    @property
    def every(self) -> list[Part]:
        return [
            *self.story,
            *self.sections,
            *self.figures,
            *self.outputs,
            *self.spending,
            self.attachments_part,
        ]

    @property
    def request_links(self) -> list[tuple[str, str, str]]:
        """(anchor, part label, comment) of each open change request."""
        labels = {part.target: part.label for part in self.every}
        return [(anchor(c.target), labels.get(c.target, c.target), c.text) for c in self.requests]

    def target_choices(self) -> list[tuple[str, str]]:
        return [(part.target, part.label) for part in self.every]

    @property
    def planned_total_cents(self) -> int:
        return sum(part.planned_cents for part in self.spending)

    @property
    def actual_total_cents(self) -> int:
        return sum(part.actual_cents or 0 for part in self.spending)


def report_parts(report: Report, figures: list[ShownFigure] | None = None) -> ReportParts:
    """Every part of the report with its comments. `figures`: the figures shown (live or
    frozen), which pre-fill actual outputs and can be commented on."""
    figures = figures or []
    application = report.grant.application
    comments: dict[str, list[ReportComment]] = defaultdict(list)
    all_comments = list(
        ReportComment.objects.filter(report=report).select_related("created_by").order_by("id")
    )
    for comment in all_comments:
        comments[comment.target].append(comment)
    requests = [c for c in all_comments if c.asks_change and c.resolved_at is None]
    allowed = changeable(report, requests)

    def part(cls: Any, target: str, label: str, **values: Any) -> Any:
        locked = allowed is not None and target not in allowed
        return cls(target=target, label=label, comments=comments[target], locked=locked, **values)

    texts = {t.section_id: t.text for t in ReportSectionText.objects.filter(report=report)}
    sections = [
        part(SectionPart, f"section:{s.pk}", s.title, section=s, text=texts.get(s.pk, ""))
        for s in ReportSection.objects.filter(call_id=application.round.call_id)
    ]
    by_key = {figure.key: figure.value for figure in figures}
    stored = {o.kind: o for o in ReportOutput.objects.filter(report=report)}
    outputs = []
    for kind, planned in planned_outputs(report):
        row = stored.get(kind)
        outputs.append(
            part(
                OutputPart,
                f"output:{kind}",
                str(OutputKind(kind).label),
                kind=kind,
                planned=planned,
                actual=row.actual if row else None,
                note=row.note if row else "",
                prefill=by_key.get(OUTPUT_FIGURE.get(OutputKind(kind), "")),
            )
        )
    spent = {s.budget_line_id: s for s in ReportSpending.objects.filter(report=report)}
    spending = []
    for line in BudgetLine.objects.filter(application=application).order_by("id"):
        row_ = spent.get(line.pk)
        spending.append(
            part(
                SpendingPart,
                f"spending:{line.pk}",
                f"{line.get_category_display()}: {line.description}",
                line=line,
                planned_cents=row_.planned_cents if row_ else line.amount_cents,
                actual_cents=row_.actual_cents if row_ else None,
                explanation=row_.explanation if row_ else "",
            )
        )
    return ReportParts(
        sections=sections,
        outputs=outputs,
        spending=spending,
        attachments=list(
            ReportAttachment.objects.filter(report=report).select_related("uploaded_by")
        ),
        story=[
            part(Part, "narrative", _("What went well, and what did not")),
            part(Part, "next_steps", _("Next steps")),
        ],
        figures=[
            part(Part, f"figure:{figure.key}", _("Figure: %(label)s") % {"label": figure.label})
            for figure in figures
        ],
        attachments_part=part(Part, "attachments", _("Attachments")),
        requests=requests,
        voortraject=is_voortraject(report),
    )
