"""Pages of the reports area.

- Officers (/programmes/<programme>/…, access.officer_view): a grant's report
  obligations (add, change, remove, the standard schedule), the reports of the
  programme, the review of a submitted report, and the programme's funding dashboard
  with CSV/XLSX exports.
- Coordinators (/h/<hub>/grant/reports/…, hub_view("funding.report")): the hub's
  reports and the report page, pre-filled with the hub's live figures.

Views stay thin: a form checks the input, a service does the work; another hub's or
programme's rows answer 404."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.scoping import HubRequest, hub_view
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.core.spreadsheets import formula_safe as _safe
from digibank.network.models import Programme
from digibank.network.registry import DashboardPanel

from ..access import OfficerRequest, is_officer, officer_view
from ..forms.report_parts import (
    PartsReviewForm,
    ReportAttachmentForm,
    ReportCommentForm,
    ReportPartsForm,
)
from ..forms.reports import NarrativeForm, ObligationForm
from ..models import ApplicationStatus, Grant, Report, ReportStatus
from ..queries import report_parts as parts_queries
from ..queries import reports as queries
from ..services import reports as services

MAX_ID = 2**63 - 1
GRANTS_PER_PAGE = 10
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _check_id(pk: int) -> None:
    if not 0 < pk <= MAX_ID:
        raise Http404


def _grant(request: OfficerRequest, pk: int) -> Grant:
    _check_id(pk)
    grant = (
        Grant.objects.select_related("application", "hub")
        .filter(programme=request.programme, pk=pk)
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def _officer_report(request: OfficerRequest, pk: int) -> Report:
    _check_id(pk)
    report = (
        Report.objects.select_related(
            "grant__application__round__call", "grant__hub", "submitted_by"
        )
        .filter(grant__programme=request.programme, pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _hub_report(request: HubRequest, pk: int) -> Report:
    _check_id(pk)
    report = (
        Report.objects.select_related("grant__application__round__call", "submitted_by")
        .filter(grant__hub=request.hub, pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _obligation(form: ObligationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "period_start": data["period_start"],
        "period_end": data["period_end"],
        "due_on": data["due_on"],
    }


# --- officer: obligations -----------------------------------------------------------------


@officer_view
def grant_reports(request: OfficerRequest, grant_pk: int) -> HttpResponse:
    """The grant's reports, and a form to add one."""
    grant = _grant(request, grant_pk)
    form = ObligationForm(
        _posted(request),
        initial={"period_start": grant.starts_on, "period_end": grant.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_add(actor=request.user, grant=grant, **_obligation(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report is added."))
            return redirect(
                "funding_reports:grant_reports",
                programme=request.programme.slug,
                grant_pk=grant.pk,
            )
    page = paginate(request, queries.grant_reports(grant))
    return render(
        request,
        "funding/reports/grant_reports.html",
        {
            "programme": request.programme,
            "grant": grant,
            "page": page,
            "form": form,
            "today": timezone.localdate(),
            "schedule": services.standard_schedule(grant),
        },
    )


@officer_view
@require_POST
def grant_schedule(request: OfficerRequest, grant_pk: int) -> HttpResponse:
    grant = _grant(request, grant_pk)
    created = services.reports_schedule(actor=request.user, grant=grant)
    if created:
        messages.success(
            request,
            _("%(count)s report(s) of the standard schedule added.") % {"count": len(created)},
        )
    else:
        messages.info(request, _("The grant already has every report of the standard schedule."))
    return redirect(
        "funding_reports:grant_reports", programme=request.programme.slug, grant_pk=grant.pk
    )


@officer_view
def report_edit(request: OfficerRequest, pk: int) -> HttpResponse:
    report = _officer_report(request, pk)
    form = ObligationForm(_posted(request), initial=ObligationForm.initial_for(report))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_change(actor=request.user, report=report, **_obligation(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report is changed."))
            return redirect(
                "funding_reports:grant_reports",
                programme=request.programme.slug,
                grant_pk=report.grant_id,
            )
    return render(
        request,
        "funding/reports/report_edit.html",
        {"programme": request.programme, "report": report, "grant": report.grant, "form": form},
    )


@officer_view
@require_POST
def report_remove(request: OfficerRequest, pk: int) -> HttpResponse:
    report = _officer_report(request, pk)
    return perform(
        request,
        lambda: services.report_remove(actor=request.user, report=report),
        success=_("The report is removed."),
        then=reverse(
            "funding_reports:grant_reports",
            kwargs={"programme": request.programme.slug, "grant_pk": report.grant_id},
        ),
    )


# --- officer: reports and review ------------------------------------------------------------


@officer_view
def programme_reports(request: OfficerRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    page = paginate(request, queries.programme_reports(request.programme, status=status))
    return render(
        request,
        "funding/reports/programme_reports.html",
        {
            "programme": request.programme,
            "page": page,
            "status": status,
            "statuses": ReportStatus.choices,
            "today": timezone.localdate(),
        },
    )


@officer_view
def officer_report(request: OfficerRequest, pk: int) -> HttpResponse:
    """A report as submitted (frozen figures, the story and every part with the
    comments on it), the comment form for one part, and the review form."""
    report = _officer_report(request, pk)
    figures = queries.shown_frozen(report.figures)
    parts = parts_queries.report_parts(report, figures)
    form = PartsReviewForm(_posted(request), has_requests=bool(parts.requests))
    if request.method == "POST" and form.is_valid():
        decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
        try:
            if decision == ReportStatus.APPROVED:
                services.report_approve(actor=request.user, report=report, comment=comment)
            else:
                services.report_request_changes(actor=request.user, report=report, comment=comment)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision == ReportStatus.APPROVED:
                messages.success(request, _("The report is approved. The hub is told."))
            else:
                messages.success(request, _("The hub is asked to change the report."))
            return redirect(
                "funding_reports:officer_report", programme=request.programme.slug, pk=report.pk
            )
    can_review = report.status == ReportStatus.SUBMITTED
    return render(
        request,
        "funding/reports/officer_report.html",
        {
            "programme": request.programme,
            "report": report,
            "figures": figures,
            "computed_at": queries.frozen_at(report.figures),
            "form": form,
            "can_review": can_review,
            "parts": parts,
            "comment_form": ReportCommentForm(None, choices=parts.target_choices())
            if can_review
            else None,
        },
    )


# --- coordinator ----------------------------------------------------------------------------


@hub_view("funding.report")
def hub_reports(request: HubRequest) -> HttpResponse:
    page = paginate(request, queries.hub_reports(request.hub))
    return render(
        request,
        "funding/reports/hub_reports.html",
        {"page": page, "today": timezone.localdate(), "open_statuses": queries.OPEN_STATUSES},
    )


@hub_view("funding.report")
def hub_report(request: HubRequest, pk: int) -> HttpResponse:
    """The report, pre-filled with the hub's live figures for its period while it can be
    written; after submission the frozen figures, read only. Its parts (sections,
    outputs, spending, answers to the officer) are in the same form."""
    report = _hub_report(request, pk)
    editable = report.status in services.EDITABLE
    if request.method == "POST" and not editable:
        messages.error(request, _("This report was submitted and can no longer be changed."))
        return redirect("funding_reports:hub_report", hub=request.hub.slug, pk=report.pk)
    computed_at: datetime | None
    if editable:
        figures = queries.shown_live(
            queries.live_figures(request.hub, report.period_start, report.period_end)
        )
        computed_at = timezone.now()
    else:
        figures = queries.shown_frozen(report.figures)
        computed_at = queries.frozen_at(report.figures)
    parts = parts_queries.report_parts(report, figures)
    form = NarrativeForm(
        _posted(request) if editable else None,
        initial={"narrative": report.narrative, "next_steps": report.next_steps},
    )
    parts_form = ReportPartsForm(_posted(request) if editable else None, parts=parts)
    for part in parts.every:
        part.fields = parts_form.bound(part.target)
    if request.method == "POST" and form.is_valid() and parts_form.is_valid():
        submit = "submit" in request.POST
        service = services.report_submit if submit else services.report_save_draft
        try:
            service(
                actor=request.user,
                report=report,
                narrative=form.cleaned_data["narrative"],
                next_steps=form.cleaned_data["next_steps"],
                content=parts_form.content(),
            )
        except ValidationError as error:
            _service_errors(form, parts_form, error)
        else:
            if submit:
                messages.success(request, _("The report is submitted. Thank you."))
            else:
                messages.success(request, _("Your draft is saved."))
            return redirect("funding_reports:hub_report", hub=request.hub.slug, pk=report.pk)
    return render(
        request,
        "funding/reports/hub_report.html",
        {
            "report": report,
            "form": form,
            "parts_form": parts_form,
            "parts": parts,
            "editable": editable,
            "figures": figures,
            "computed_at": computed_at,
            "overdue": queries.is_overdue(report),
            "attachment_form": ReportAttachmentForm() if editable else None,
        },
    )


def _service_errors(form: Any, parts_form: ReportPartsForm, error: ValidationError) -> None:
    """A service's errors next to the field they name, in whichever form has it."""
    if not hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    for field, errors in error.error_dict.items():
        target = parts_form if field in parts_form.fields else form
        target.add_error(field if field in target.fields else None, errors)


# --- programme dashboard and exports --------------------------------------------------------

STATUS_COLUMNS = queries.DASHBOARD_STATUSES


@officer_view
def dashboard(request: OfficerRequest) -> HttpResponse:
    page = paginate(request, queries.programme_grants(request.programme), GRANTS_PER_PAGE)
    return render(
        request,
        "funding/reports/dashboard.html",
        {
            "programme": request.programme,
            "money": queries.programme_money(request.programme),
            "rounds": queries.programme_rounds(request.programme),
            "statuses": [(status, ApplicationStatus(status).label) for status in STATUS_COLUMNS],
            "page": page,
            "grant_rows": queries.grant_rows(page.object_list),
        },
    )


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _euros(cents: int | None) -> str:
    """Cents as a plain decimal number of euros for spreadsheets: 1234567 -> 12345.67."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def export_tables(programme: Programme) -> dict[str, tuple[str, list[list[Any]]]]:
    """The dashboard's tables (money, rounds, every grant) as rows, header first. Money in
    euros with two decimals. The grants' reach is their last daily count."""
    money = queries.programme_money(programme)
    money_rows: list[list[Any]] = [
        [_("What"), _("Euros")],
        [_("Budget"), _euros(money.budget_cents)],
        [_("Committed"), _euros(money.committed_cents)],
        [_("Paid"), _euros(money.paid_cents)],
        [_("Remaining"), _euros(money.remaining_cents)],
    ]
    round_rows: list[list[Any]] = [
        [
            _("Call"),
            _("Round"),
            _("Round budget (euros)"),
            *[str(ApplicationStatus(status).label) for status in STATUS_COLUMNS],
            _("Success rate (%)"),
            _("Requested (euros)"),
            _("Awarded (euros)"),
        ]
    ]
    for row in queries.programme_rounds(programme):
        round_rows.append(
            [
                row.call_title,
                row.round_name,
                _euros(row.budget_cents),
                *[row.count(status) for status in STATUS_COLUMNS],
                _percent(row.success_rate),
                _euros(row.requested_cents),
                _euros(row.awarded_cents),
            ]
        )
    grant_rows: list[list[Any]] = [
        [
            _("Project"),
            _("Hub"),
            _("Starts on"),
            _("Ends on"),
            _("Amount (euros)"),
            _("People reached"),
            _("Target"),
            _("Share of target (%)"),
            _("Earned by reach (euros)"),
        ]
    ]
    for grant_row in queries.grant_rows(queries.programme_grants(programme)[:1000]):
        grant_rows.append(
            [
                grant_row.title,
                grant_row.hub_name,
                grant_row.grant.starts_on.isoformat(),
                grant_row.grant.ends_on.isoformat(),
                _euros(grant_row.amount_cents),
                grant_row.reached if grant_row.reached is not None else "",
                grant_row.target if grant_row.target is not None else "",
                _percent(grant_row.share_of_target),
                _euros(grant_row.earned_cents),
            ]
        )
    return {
        "money": (_("Money"), money_rows),
        "rounds": (_("Rounds"), round_rows),
        "grants": (_("Grants"), grant_rows),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: list[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([_safe(str(value)) for value in row])


@officer_view
def export_csv(request: OfficerRequest) -> HttpResponse:
    """One table of the dashboard as CSV (?table=money|rounds|grants, default rounds)."""
    name = request.GET.get("table", "rounds")
    tables = export_tables(request.programme)
    if name not in tables:
        name = "rounds"
    response = StreamingHttpResponse(_csv_lines(tables[name][1]), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="funding-{request.programme.slug}-{name}.csv"'
    )
    return response  # type: ignore[return-value]


@officer_view
def export_xlsx(request: OfficerRequest) -> HttpResponse:
    """Every table of the dashboard as a sheet of one workbook."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in export_tables(request.programme).values():
        sheet = book.create_sheet(str(title)[:31])
        for row in rows:
            sheet.append([_safe(value) if isinstance(value, str) else value for value in row])
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="funding-{request.programme.slug}.xlsx"'
    )
    return response


# --- the programme page's section -----------------------------------------------------------


def programme_section(request: HttpRequest, programme: Programme) -> DashboardPanel | None:
    """Officers' links on the programme page: the funding dashboard and the reports to
    review. One query for the count (and one for the officer check)."""
    if not is_officer(request.user, programme):
        return None
    waiting = Report.objects.filter(
        grant__programme=programme, status=ReportStatus.SUBMITTED
    ).count()
    return DashboardPanel(
        template="funding/reports/programme_section.html",
        context={"funding_programme": programme, "funding_reports_waiting": waiting},
    )
