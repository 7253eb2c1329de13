"""A report a funder can approve: the call's sections, planned versus actual outputs,
spending per budget line with an explanation when more than 10% off the plan,
attachments with their content checked, the officer's comments on one part and a
request for changes on those parts only, and voortraject reports (no hub, deliverables
required; the balance instalment after the final report can then be approved)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.funding.models import (
    BudgetCategory,
    BudgetLine,
    CallKind,
    Grant,
    Report,
    ReportAttachment,
    ReportAttachmentKind,
    ReportComment,
    ReportKind,
    ReportSection,
    ReportSpending,
    ReportStatus,
)
from digibank.funding.services import report_content as content_services
from digibank.funding.services import reports as services
from digibank.funding.services.report_content import ReportContent, off_plan
from digibank.network.models import Programme

from .factories import create_grant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 minutes of the steering group"


def _pdf(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def full_grant(grant: Grant, officer: User) -> Grant:
    """The hub's grant with two planned outputs, two budget lines and two sections."""
    application = grant.application
    application.planned_people, application.planned_devices = 1500, 200
    application.save()
    BudgetLine.objects.create(
        application=application,
        category=BudgetCategory.PERSONNEL,
        description="Coaches",
        amount_cents=100_000_00,
    )
    BudgetLine.objects.create(
        application=application,
        category=BudgetCategory.HARDWARE,
        description="Laptops",
        amount_cents=50_000_00,
    )
    content_services.report_sections_set(
        actor=officer,
        call=application.round.call,
        sections=[("Partnership", "How the partners worked"), ("Volunteers", "")],
    )
    return grant


def _report(grant: Grant, officer: User, kind: str = ReportKind.INTERIM) -> Report:
    return services.report_add(
        actor=officer,
        grant=grant,
        kind=kind,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        due_on=date(2026, 1, 31),
    )


def _complete(grant: Grant, *, coaches: int = 100_000_00, why: str = "") -> ReportContent:
    lines = {
        line.description: line.pk
        for line in BudgetLine.objects.filter(application=grant.application)
    }
    sections = list(ReportSection.objects.filter(call=grant.application.round.call))
    return ReportContent(
        sections={section.pk: f"About {section.title}" for section in sections},
        outputs={"people": (1200, "Fewer than planned"), "devices": (210, "")},
        spending={lines["Coaches"]: (coaches, why), lines["Laptops"]: (50_000_00, "")},
    )


def _submit(report: Report, user: User, content: ReportContent | None) -> Report:
    return services.report_submit(
        actor=user, report=report, narrative="Veel geholpen.", next_steps="Meer.", content=content
    )


# --- spending -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "actual", "off"),
    [
        (100_000, 110_000, False),  # exactly 10% more
        (100_000, 110_001, True),
        (100_000, 90_000, False),  # exactly 10% less
        (100_000, 89_999, True),
        (0, 0, False),
        (0, 1, True),
    ],
)
def test_off_plan_is_more_than_ten_percent(planned: int, actual: int, off: bool) -> None:
    assert off_plan(planned, actual) is off


def test_a_report_with_every_part_is_submitted(
    full_grant: Grant, officer: User, staff: User
) -> None:
    report = _report(full_grant, officer)
    submitted = _submit(report, staff, _complete(full_grant))
    assert submitted.status == ReportStatus.SUBMITTED
    rows = {
        row.budget_line.description: row for row in ReportSpending.objects.filter(report=report)
    }
    assert rows["Coaches"].planned_cents == 100_000_00  # copied from the budget line
    assert rows["Coaches"].actual_cents == 100_000_00
    outputs = {row.kind: (row.planned, row.actual) for row in report.outputs.all()}
    assert outputs == {"people": (1500, 1200), "devices": (200, 210)}
    assert report.texts.count() == 2


def test_spending_off_plan_needs_an_explanation_and_nothing_is_half_saved(
    full_grant: Grant, officer: User, staff: User
) -> None:
    report = _report(full_grant, officer)
    line = BudgetLine.objects.get(application=full_grant.application, description="Coaches")
    with pytest.raises(ValidationError) as raised:
        _submit(report, staff, _complete(full_grant, coaches=120_000_00))
    assert f"why_{line.pk}" in raised.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE
    assert not ReportSpending.objects.filter(report=report).exists()
    _submit(report, staff, _complete(full_grant, coaches=120_000_00, why="Two extra coaches."))
    assert ReportSpending.objects.get(report=report, budget_line=line).explanation


def test_missing_parts_are_named(full_grant: Grant, officer: User, staff: User) -> None:
    report = _report(full_grant, officer)
    with pytest.raises(ValidationError) as raised:
        _submit(report, staff, ReportContent())
    fields = set(raised.value.message_dict)
    assert {"actual_people", "actual_devices"} <= fields
    assert sum(name.startswith("section_") for name in fields) == 2
    assert sum(name.startswith("spent_") for name in fields) == 2


def test_a_draft_keeps_the_parts(full_grant: Grant, officer: User, staff: User) -> None:
    report = _report(full_grant, officer)
    services.report_save_draft(
        actor=staff, report=report, narrative="", next_steps="", content=_complete(full_grant)
    )
    assert ReportSpending.objects.filter(report=report).count() == 2
    assert report.status == ReportStatus.DUE


# --- attachments --------------------------------------------------------------------------


def test_an_attachment_is_checked_and_journaled(
    full_grant: Grant, officer: User, staff: User
) -> None:
    report = _report(full_grant, officer)
    with pytest.raises(ValidationError) as raised:
        content_services.report_attach(
            actor=staff,
            report=report,
            kind=ReportAttachmentKind.MINUTES,
            title="Minutes",
            file=SimpleUploadedFile("minutes.pdf", b"<html>not a pdf"),
        )
    assert "file" in raised.value.message_dict
    attachment = content_services.report_attach(
        actor=staff, report=report, kind=ReportAttachmentKind.MINUTES, title="Minutes", file=_pdf()
    )
    assert attachment.file.read() == PDF
    assert JournalEntry.objects.filter(action="funding.report_attach").count() == 1
    content_services.report_detach(actor=staff, attachment=attachment)
    assert not ReportAttachment.objects.exists()


# --- comments and requested changes ---------------------------------------------------------


def test_the_officer_comments_on_one_figure_and_asks_a_change_there_only(
    full_grant: Grant, officer: User, staff: User
) -> None:
    report = _report(full_grant, officer)
    _submit(report, staff, _complete(full_grant))
    with pytest.raises(ValidationError) as raised:
        content_services.report_comment(
            actor=officer, report=report, target="figure:nonsense", text="?", asks_change=True
        )
    assert "target" in raised.value.message_dict
    comment = content_services.report_comment(
        actor=officer,
        report=report,
        target="figure:funding.users_reached",
        text="Explain the drop in the second half.",
        asks_change=True,
    )
    services.report_request_changes(actor=officer, report=report, comment="")
    report.refresh_from_db()
    assert report.status == ReportStatus.CHANGES_REQUESTED
    # Only the part asked may change: the narrative stays.
    with pytest.raises(ValidationError):
        services.report_submit(
            actor=staff, report=report, narrative="Rewritten.", next_steps="Meer.", content=None
        )
    # The coordinator must answer the request before resubmitting.
    with pytest.raises(ValidationError) as raised:
        _submit(report, staff, None)
    assert f"response_{comment.pk}" in raised.value.message_dict
    spending = _complete(full_grant)
    with pytest.raises(ValidationError):  # another part (spending) may not change
        _submit(
            report,
            staff,
            ReportContent(
                spending={k: ((v[0] or 0) + 1, "x") for k, v in spending.spending.items()},
                responses={comment.pk: "The summer closure."},
            ),
        )
    _submit(report, staff, ReportContent(responses={comment.pk: "The summer closure."}))
    comment.refresh_from_db()
    assert comment.response == "The summer closure."
    assert comment.resolved_at is not None
    services.report_approve(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED


def test_changes_need_a_comment_somewhere(full_grant: Grant, officer: User, staff: User) -> None:
    report = _report(full_grant, officer)
    _submit(report, staff, _complete(full_grant))
    with pytest.raises(ValidationError):
        services.report_request_changes(actor=officer, report=report, comment="")
    content_services.report_comment(
        actor=officer, report=report, target="narrative", text="Fine as it is."
    )
    with pytest.raises(ValidationError):  # a remark that asks nothing is not a request
        services.report_request_changes(actor=officer, report=report, comment="")
    assert ReportComment.objects.count() == 1


def test_a_section_answered_in_a_report_stays(
    full_grant: Grant, officer: User, staff: User
) -> None:
    report = _report(full_grant, officer)
    _submit(report, staff, _complete(full_grant))
    call = full_grant.application.round.call
    with pytest.raises(ValidationError):
        content_services.report_sections_set(actor=officer, call=call, sections=[("Only", "")])
    content_services.report_sections_set(
        actor=officer, call=call, sections=[("Partners", ""), ("Volunteers", ""), ("Money", "")]
    )
    assert list(ReportSection.objects.filter(call=call).values_list("title", flat=True)) == [
        "Partners",
        "Volunteers",
        "Money",
    ]


# --- voortraject ---------------------------------------------------------------------------


@pytest.fixture
def voortraject(programme: Programme, officer: User) -> Grant:
    grant = create_grant(
        programme=programme,
        hub=None,
        created_by=officer,
        amount_cents=15_000_00,
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 4, 30),
    )
    call = grant.application.round.call
    call.kind = CallKind.PREPARATION
    call.save()
    BudgetLine.objects.create(
        application=grant.application,
        category=BudgetCategory.PERSONNEL,
        description="Process guidance",
        amount_cents=15_000_00,
    )
    return grant


def test_a_final_voortraject_report_needs_its_deliverables(
    voortraject: Grant, officer: User, applicant: User
) -> None:
    report = services.report_add(
        actor=officer,
        grant=voortraject,
        kind=ReportKind.FINAL,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 4, 30),
        due_on=date(2025, 6, 30),
    )
    line = BudgetLine.objects.get(application=voortraject.application)
    content = ReportContent(spending={line.pk: (14_000_00, "")})
    with pytest.raises(ValidationError) as raised:
        _submit(report, applicant, content)
    assert "attachments" in raised.value.message_dict
    for kind in (ReportAttachmentKind.PARTNERSHIP_AGREEMENT, ReportAttachmentKind.STRATEGY):
        content_services.report_attach(
            actor=applicant, report=report, kind=kind, title=str(kind), file=_pdf(f"{kind}.pdf")
        )
    submitted = _submit(report, applicant, content)
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.figures["figures"] == []  # no hub yet: no figures
    services.report_approve(actor=officer, report=report)
