"""Pages of lending's paperwork and lists: the kept agreement (download, scan upload),
the cash deposit receipt, the loan list's exports and the coordinator's overdue
follow-up list. Thin like views.py: forms check input, paperwork/reminders/queries work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.accounts.reads import note_read, reads_personal_data
from digibank.accounts.scoping import HubRequest, hub_view
from digibank.core.forms import add_service_errors
from digibank.core.limits import FORM_OVERHEAD, accepts_uploads

from . import exports, paperwork, queries, reminders
from .forms import AgreementScanForm, LoanSearchForm
from .models import KeptAgreement, LoanDeposit
from .views import _loan, _posted

ESCALATION_ROWS = 200


def _search(request: HubRequest) -> tuple[LoanSearchForm, object]:
    form = LoanSearchForm(request.GET)
    return form, queries.loan_search(hub=request.hub, **form.filters())


@hub_view("lending.manage")
@reads_personal_data
def loan_export_csv(request: HubRequest) -> HttpResponse:
    _form, loans = _search(request)
    response = StreamingHttpResponse(exports.csv_lines(loans), content_type="text/csv")  # type: ignore[arg-type]
    response["Content-Disposition"] = f'attachment; filename="loans-{request.hub.slug}.csv"'
    return response  # type: ignore[return-value]


@hub_view("lending.manage")
@reads_personal_data
def loan_export_xlsx(request: HubRequest) -> HttpResponse:
    _form, loans = _search(request)
    response = HttpResponse(
        exports.xlsx_bytes(loans),  # type: ignore[arg-type]
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="loans-{request.hub.slug}.xlsx"'
    return response


def _kept(loan_id: int) -> KeptAgreement | None:
    return KeptAgreement.objects.filter(loan_id=loan_id).first()


@hub_view("lending.lend")
@reads_personal_data
def agreement_download(request: HubRequest, pk: int) -> HttpResponse:
    """The agreement as signed (the kept file, never rendered again); before signing, a
    fresh copy to print and sign."""
    loan = _loan(request, pk)
    kept = _kept(loan.pk)
    if kept is None:
        data, content_type, extension = paperwork.render_agreement(loan), "application/pdf", "pdf"
    else:
        data, content_type = paperwork.kept_agreement_bytes(kept), kept.content_type
        extension = (kept.file.name or "").rsplit(".", 1)[-1]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="agreement-{loan.pk}.{extension}"'
    if kept is not None:
        response["X-Content-SHA256"] = kept.sha256
    return response


@accepts_uploads(paperwork.SCAN_MAX_BYTES + FORM_OVERHEAD)
@hub_view("lending.lend")
@reads_personal_data
def agreement_scan(request: HubRequest, pk: int) -> HttpResponse:
    """Upload the scan (PDF or photo) of the agreement the borrower signed on paper."""
    loan = _loan(request, pk)
    form = AgreementScanForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            paperwork.agreement_upload_scan(
                actor=request.user, loan=loan, data=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scan of the signed agreement is kept."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    return render(
        request,
        "lending/agreement_scan.html",
        {"form": form, "loan": loan, "kept": _kept(loan.pk)},
    )


@hub_view("lending.lend")
@reads_personal_data
def deposit_receipt(request: HubRequest, pk: int) -> HttpResponse:
    """The printed receipt of a deposit paid in cash."""
    loan = _loan(request, pk)
    deposit = LoanDeposit.objects.select_related("received_by").filter(loan=loan).first()
    if deposit is None:
        raise Http404
    deposit.loan = loan
    try:
        pdf = paperwork.render_deposit_receipt(deposit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="deposit-receipt-{loan.pk}.pdf"'
    return response


@hub_view("lending.manage")
@reads_personal_data
def overdue_follow_up(request: HubRequest) -> HttpResponse:
    """The coordinator's escalation list: overdue borrowers with phone and a link, how far
    the reminders got, and loans to organisations past their date."""
    today = timezone.localdate()
    policy = queries.policy_for(request.hub)
    rows = reminders.escalations(hub=request.hub, today=today, policy=policy, limit=ESCALATION_ROWS)
    note_read(request, *(row.loan.participant_id for row in rows))
    organisation_loans = list(
        reminders.overdue_organisation_loans(hub=request.hub, today=today)[:ESCALATION_ROWS]
    )
    return render(
        request,
        "lending/overdue_follow_up.html",
        {
            "rows": rows,
            "organisation_loans": organisation_loans,
            "steps": reminders.overdue_steps(policy),
            "limit": ESCALATION_ROWS,
        },
    )
