"""Pages and actions of a report's parts, and what an applicant changed for officers and
reviewers.

- Coordinators (hub_view("funding.report")): attach a file to a report, remove it,
  download it.
- Officers (officer_view): download a report's file, comment on one part (and ask a
  change there), set the call's report sections, see an application's revisions.
- Reviewers: the revisions of an application assigned to them (no conflict declared).

Another hub's or programme's rows answer 404; POST-only actions answer 405 to GET."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.scoping import HubRequest, hub_view
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.limits import FORM_OVERHEAD, accepts_uploads
from digibank.core.pagination import paginate

from .. import access
from ..access import OfficerRequest, officer_view
from ..forms.report_parts import ReportAttachmentForm, ReportCommentForm, ReportSectionsForm
from ..models import (
    Application,
    ApplicationStatus,
    Call,
    Report,
    ReportAttachment,
    ReportSection,
)
from ..queries import applications as application_queries
from ..queries import report_parts as parts_queries
from ..queries import reports as queries
from ..services import report_content as services
from ..services.applications import MAX_UPLOAD_BYTES
from .applications import _download

MAX_ID = 2**63 - 1


def _check_id(*pks: int) -> None:
    if not all(0 < pk <= MAX_ID for pk in pks):
        raise Http404


def _hub_report(request: HubRequest, pk: int) -> Report:
    _check_id(pk)
    report = (
        Report.objects.select_related("grant__application__round__call")
        .filter(grant__hub=request.hub, pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _officer_report(request: OfficerRequest, pk: int) -> Report:
    _check_id(pk)
    report = (
        Report.objects.select_related("grant__application__round__call")
        .filter(grant__programme=request.programme, pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _attachment(report: Report, attachment_pk: int) -> ReportAttachment:
    _check_id(attachment_pk)
    attachment = ReportAttachment.objects.filter(report=report, pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return attachment


# --- coordinator: attachments -------------------------------------------------------------


@accepts_uploads(MAX_UPLOAD_BYTES + FORM_OVERHEAD)
@hub_view("funding.report")
@require_POST
def hub_report_attach(request: HubRequest, pk: int) -> HttpResponse:
    report = _hub_report(request, pk)
    then = reverse("funding_reports:hub_report", kwargs={"hub": request.hub.slug, "pk": pk})
    form = ReportAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attach(
                actor=request.user,
                report=report,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The file is attached to the report."))
            return redirect(then + "#attachments")
    for errors in form.errors.values():
        for problem in errors:
            messages.error(request, str(problem))
    return redirect(then + "#attachments")


@hub_view("funding.report")
def hub_report_detach(request: HubRequest, pk: int, attachment_pk: int) -> HttpResponse:
    report = _hub_report(request, pk)
    attachment = _attachment(report, attachment_pk)
    then = reverse("funding_reports:hub_report", kwargs={"hub": request.hub.slug, "pk": pk})
    return perform(
        request,
        lambda: services.report_detach(actor=request.user, attachment=attachment),
        success=_("The file is removed from the report."),
        then=then + "#attachments",
    )


@hub_view("funding.report")
def hub_report_file(request: HubRequest, pk: int, attachment_pk: int) -> HttpResponse:
    return _download(_attachment(_hub_report(request, pk), attachment_pk).file)


# --- officer: files, comments, sections ------------------------------------------------------


@officer_view
def officer_report_file(request: OfficerRequest, pk: int, attachment_pk: int) -> HttpResponse:
    return _download(_attachment(_officer_report(request, pk), attachment_pk).file)


@officer_view
@require_POST
def officer_report_comment(request: OfficerRequest, pk: int) -> HttpResponse:
    """Comment on one part of a submitted report (and ask a change there)."""
    report = _officer_report(request, pk)
    parts = parts_queries.report_parts(report, queries.shown_frozen(report.figures))
    form = ReportCommentForm(request.POST, choices=parts.target_choices())
    then = reverse(
        "funding_reports:officer_report",
        kwargs={"programme": request.programme.slug, "pk": report.pk},
    )
    if form.is_valid():
        try:
            comment = services.report_comment(
                actor=request.user,
                report=report,
                target=form.cleaned_data["target"],
                text=form.cleaned_data["text"],
                asks_change=form.cleaned_data["asks_change"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your comment is kept. Ask for changes below to send the report back.")
                if comment.asks_change
                else _("Your comment is kept."),
            )
            return redirect(then + "#comments")
    for errors in form.errors.values():
        for problem in errors:
            messages.error(request, str(problem))
    return redirect(then + "#comment-form")


@officer_view
def call_report_sections(request: OfficerRequest, call_pk: int) -> HttpResponse:
    """The narrative sections every report of the call's grants has."""
    _check_id(call_pk)
    call = Call.objects.filter(programme=request.programme, pk=call_pk).first()
    if call is None:
        raise Http404
    sections = list(ReportSection.objects.filter(call=call).order_by("position", "id"))
    initial = "\n".join(f"{s.title} | {s.help_text}" if s.help_text else s.title for s in sections)
    form = ReportSectionsForm(
        request.POST if request.method == "POST" else None, initial={"sections": initial}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_sections_set(actor=request.user, call=call, sections=form.parsed())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report sections are saved."))
            return redirect(
                "funding_reports:call_report_sections",
                programme=request.programme.slug,
                call_pk=call.pk,
            )
    return render(
        request,
        "funding/reports/call_report_sections.html",
        {"programme": request.programme, "call": call, "sections": sections, "form": form},
    )


# --- what an applicant changed, for officers and reviewers ------------------------------------


def _revision_items(request: HttpRequest, application: Application) -> tuple[Any, list[Any]]:
    """A page of revisions, newest first, each with its diff from the one before (the
    same diff the applicant sees)."""
    revisions = application_queries.revisions(application)
    page = paginate(request, revisions.order_by("-number"), per_page=5)
    items = application_queries.revisions_with_diffs(application, list(page.object_list))
    return page, items


@officer_view
def officer_revisions(request: OfficerRequest, pk: int) -> HttpResponse:
    _check_id(pk)
    application = (
        Application.objects.filter(round__call__programme=request.programme, pk=pk)
        .exclude(status=ApplicationStatus.DRAFT)
        .first()
    )
    if application is None:
        raise Http404
    page, items = _revision_items(request, application)
    back = reverse(
        "funding_reviews:application",
        kwargs={"programme": request.programme.slug, "pk": application.pk},
    )
    return render(
        request,
        "funding/reports/revisions.html",
        {"application": application, "page": page, "items": items, "back": back},
    )


def reviewer_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    """For a reviewer: the revisions of the application of their assignment (one they
    hold the role for and declared no conflict on)."""
    _check_id(pk)
    assignment = access.reviewer_assignment(request, pk, cleared=True)
    page, items = _revision_items(request, assignment.application)
    back = reverse("funding_reviews:review", kwargs={"pk": assignment.pk})
    return render(
        request,
        "funding/reports/revisions.html",
        {"application": assignment.application, "page": page, "items": items, "back": back},
    )
