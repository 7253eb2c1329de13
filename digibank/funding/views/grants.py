"""Grant pages. Officers (/programmes/<programme>/grants/…) keep the bank account, the
instalment plan, payments and reach tiers; the hub's coordinator (/h/<hub>/grant/) sees
the grant, the reach so far and what it earned. Views stay thin: a form checks input,
a service changes state; grants of another programme or hub answer 404."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from digibank.accounts.scoping import HubRequest, hub_view
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.pagination import paginate
from digibank.network.registry import DashboardPanel

from ..access import OfficerRequest, is_officer, officer_view
from ..forms.grants import (
    AmendForm,
    BankAccountForm,
    BaseTierFormSet,
    InstalmentAmendForm,
    InstalmentForm,
    PaidForm,
    TierFormSet,
    tier_initial,
)
from ..models import Grant, Instalment, PaymentStatus, ReachTier
from ..queries import grants as queries
from ..services import amendments, banking, payments
from ..services import grants as services

MAX_ID = 2**63 - 1


def _grant(request: OfficerRequest, pk: int) -> Grant:
    grant = queries.programme_grant(request.programme, pk)
    if grant is None:
        raise Http404
    return grant


def _instalment(grant: Grant, pk: int) -> Instalment:
    if not 0 < pk <= MAX_ID:
        raise Http404
    found = Instalment.objects.filter(grant=grant, pk=pk).select_related("grant").first()
    if found is None:
        raise Http404
    return found


def _detail_url(request: OfficerRequest, grant: Grant) -> str:
    return reverse(
        "funding_grants:detail", kwargs={"programme": request.programme.slug, "pk": grant.pk}
    )


# --- officers ---------------------------------------------------------------------------


@officer_view
def grant_list(request: OfficerRequest) -> HttpResponse:
    page = paginate(request, queries.programme_grants(request.programme))
    return render(request, "funding/grants/list.html", {"page": page})


@officer_view
def grant_detail(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    return render(request, "funding/grants/detail.html", _detail_context(grant))


def _detail_context(grant: Grant) -> dict[str, Any]:
    instalments = queries.grant_instalments(grant)
    reports = queries.grant_reports(grant)
    return {
        "grant": grant,
        "iban": services.format_iban(grant.iban),
        "iban_valid": services.iban_is_valid(grant.iban),
        "iban_confirmed": banking.is_confirmed(grant),
        "amendments": queries.grant_amendments(grant),
        "instalments": instalments,
        "totals": queries.plan_totals(grant, instalments),
        "reports": reports,
        "reach": queries.grant_reach(grant),
        "statuses": PaymentStatus,
        "advance_percent": services.ADVANCE_PERCENT,
    }


@officer_view
def bank_account(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = BankAccountForm(
        request.POST if request.method == "POST" else None,
        initial={"iban": services.format_iban(grant.iban), "account_holder": grant.account_holder},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_bank_account_set(
                actor=request.user,
                grant=grant,
                iban=form.cleaned_data["iban"],
                account_holder=form.cleaned_data["account_holder"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The bank account is saved."))
            return redirect(_detail_url(request, grant))
    return render(request, "funding/grants/bank_account.html", {"grant": grant, "form": form})


@officer_view
def instalment_add(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = InstalmentForm(request.POST if request.method == "POST" else None, grant=grant)
    if request.method == "POST" and form.is_valid():
        try:
            services.instalment_add(actor=request.user, grant=grant, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instalment is planned."))
            return redirect(_detail_url(request, grant))
    return render(
        request,
        "funding/grants/instalment_form.html",
        {"grant": grant, "form": form, "instalment": None, "left": _left(grant)},
    )


def _left(grant: Grant, leaving_out: Instalment | None = None) -> int:
    rows = Instalment.objects.filter(grant=grant)
    if leaving_out is not None:
        rows = rows.exclude(pk=leaving_out.pk)
    return max(grant.amount_cents - sum(rows.values_list("amount_cents", flat=True)), 0)


@officer_view
def instalment_edit(request: OfficerRequest, pk: int, instalment: int) -> HttpResponse:
    grant = _grant(request, pk)
    row = _instalment(grant, instalment)
    if row.status == PaymentStatus.PAID:
        messages.error(request, _("This instalment is paid. A paid instalment cannot be changed."))
        return redirect(_detail_url(request, grant))
    form = InstalmentForm(
        request.POST if request.method == "POST" else None,
        grant=grant,
        initial=InstalmentForm.initial_for(row),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.instalment_update(actor=request.user, instalment=row, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instalment is saved."))
            return redirect(_detail_url(request, grant))
    return render(
        request,
        "funding/grants/instalment_form.html",
        {"grant": grant, "form": form, "instalment": row, "left": _left(grant, row)},
    )


@officer_view
@require_POST
def instalment_remove(request: OfficerRequest, pk: int, instalment: int) -> HttpResponse:
    grant = _grant(request, pk)
    row = _instalment(grant, instalment)
    return perform(
        request,
        lambda: services.instalment_remove(actor=request.user, instalment=row),
        success=_("The instalment is removed."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


@officer_view
@require_POST
def standard_plan(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    return perform(
        request,
        lambda: services.instalment_standard_plan(actor=request.user, grant=grant),
        success=_("The standard plan is made: an advance and a balance."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


@officer_view
@require_POST
def instalment_approve(request: OfficerRequest, pk: int, instalment: int) -> HttpResponse:
    grant = _grant(request, pk)
    row = _instalment(grant, instalment)
    return perform(
        request,
        lambda: services.instalment_approve(actor=request.user, instalment=row),
        success=_("The payment is approved."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


@officer_view
def instalment_paid(request: OfficerRequest, pk: int, instalment: int) -> HttpResponse:
    grant = _grant(request, pk)
    row = _instalment(grant, instalment)
    if row.status != PaymentStatus.APPROVED:
        if row.status == PaymentStatus.PAID:
            messages.error(request, _("This instalment is already paid."))
        else:
            messages.error(request, _("Approve this instalment before you record it as paid."))
        return redirect(_detail_url(request, grant))
    form = PaidForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.instalment_mark_paid(
                actor=request.user,
                instalment=row,
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The payment is recorded as paid."))
            return redirect(_detail_url(request, grant))
    return render(
        request, "funding/grants/paid_form.html", {"grant": grant, "instalment": row, "form": form}
    )


@officer_view
def tiers_edit(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    tiers = list(ReachTier.objects.filter(grant=grant))
    formset = cast(
        BaseTierFormSet,
        TierFormSet(
            request.POST if request.method == "POST" else None,
            initial=tier_initial(tiers),
            prefix="tiers",
        ),
    )
    service_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.reach_tiers_set(actor=request.user, grant=grant, tiers=formset.tiers())
        except ValidationError as error:
            service_errors = list(error.messages)
        else:
            messages.success(request, _("The reach tiers are saved."))
            return redirect(_detail_url(request, grant))
    return render(
        request,
        "funding/grants/tiers.html",
        {
            "grant": grant,
            "formset": formset,
            "service_errors": service_errors,
            "flemish": services.FLEMISH_2025_2026_TIERS,
        },
    )


@officer_view
@require_POST
def tiers_flemish(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    # Refused when the tiers would add up to more than the grant (amend its amount first).
    return perform(
        request,
        lambda: services.reach_tiers_flemish_2025(actor=request.user, grant=grant),
        success=_("The Flemish 2025–2026 tiers are set."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


# --- amendments, the account's confirmation, the result-based balance --------------------


@officer_view
def amend(request: OfficerRequest, pk: int) -> HttpResponse:
    """Amend the amount, the period and the reach tiers, with a reason."""
    grant = _grant(request, pk)
    posted = request.POST if request.method == "POST" else None
    form = AmendForm(posted, initial=AmendForm.initial_for(grant))
    formset = cast(
        BaseTierFormSet,
        TierFormSet(
            posted,
            initial=tier_initial(list(ReachTier.objects.filter(grant=grant))),
            prefix="tiers",
        ),
    )
    service_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            amendments.grant_amend(
                actor=request.user,
                grant=grant,
                reason=form.cleaned_data["reason"],
                amount_cents=form.cleaned_data["amount"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                tiers=formset.tiers(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                service_errors = list(error.messages)
        else:
            messages.success(request, _("The grant is amended. The hub is told."))
            return redirect(_detail_url(request, grant))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "funding/grants/amend.html",
        {"grant": grant, "form": form, "formset": formset, "service_errors": service_errors},
        status=status,
    )


@officer_view
def instalment_amend(request: OfficerRequest, pk: int, instalment: int) -> HttpResponse:
    """Change one instalment as an amendment, with a reason."""
    grant = _grant(request, pk)
    row = _instalment(grant, instalment)
    if row.status == PaymentStatus.PAID:
        messages.error(request, _("This instalment is paid. A paid instalment cannot be changed."))
        return redirect(_detail_url(request, grant))
    form = InstalmentAmendForm(
        request.POST if request.method == "POST" else None,
        grant=grant,
        initial=InstalmentForm.initial_for(row),
    )
    if request.method == "POST" and form.is_valid():
        try:
            amendments.instalment_amend(
                actor=request.user,
                instalment=row,
                reason=form.cleaned_data["reason"],
                **form.service_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The instalment is amended. The hub is told."))
            return redirect(_detail_url(request, grant))
    return render(
        request,
        "funding/grants/instalment_form.html",
        {
            "grant": grant,
            "form": form,
            "instalment": row,
            "left": _left(grant, row),
            "amending": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@officer_view
@require_POST
def bank_account_confirm(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    return perform(
        request,
        lambda: banking.bank_account_confirm(actor=request.user, grant=grant),
        success=_("The bank account is confirmed. Payments can be approved."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


@officer_view
@require_POST
def result_balance(request: OfficerRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    return perform(
        request,
        lambda: payments.result_balance_compute(actor=request.user, grant=grant),
        success=_("The result-based balance is computed from the final report's figures."),
        then=_detail_url(request, grant),
        separate_errors=True,
    )


# --- the hub's coordinator --------------------------------------------------------------


def _reports_url(hub_slug: str) -> str | None:
    try:
        return reverse("funding_reports:hub_reports", kwargs={"hub": hub_slug})
    except NoReverseMatch:
        return None


@hub_view("funding.report")
def hub_grant(request: HubRequest) -> HttpResponse:
    grants = [
        {
            "grant": grant,
            "reach": queries.grant_reach(grant),
            "instalments": (instalments := queries.grant_instalments(grant)),
            "totals": queries.plan_totals(grant, instalments),
            "amendments": queries.grant_amendments(grant),
            "iban": services.format_iban(grant.iban),
            "iban_confirmed": banking.is_confirmed(grant),
        }
        for grant in queries.hub_grants(request.hub)
    ]
    return render(
        request,
        "funding/grants/hub_grant.html",
        {"grants": grants, "reports_url": _reports_url(request.hub.slug)},
    )


@hub_view("funding.report")
def hub_bank_account(request: HubRequest, pk: int) -> HttpResponse:
    """The coordinator enters the account the grant is paid to; an officer confirms it."""
    grant = (
        Grant.objects.filter(hub=request.hub, pk=pk).select_related("application").first()
        if 0 < pk <= MAX_ID
        else None
    )
    if grant is None:
        raise Http404
    form = BankAccountForm(
        request.POST if request.method == "POST" else None,
        initial={"iban": services.format_iban(grant.iban), "account_holder": grant.account_holder},
    )
    if request.method == "POST" and form.is_valid():
        try:
            banking.bank_account_enter(
                actor=request.user,
                grant=grant,
                iban=form.cleaned_data["iban"],
                account_holder=form.cleaned_data["account_holder"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The bank account is saved. The programme will confirm it.")
            )
            return redirect("funding_grants:hub_grant", hub=request.hub.slug)
    return render(
        request,
        "funding/grants/hub_bank_account.html",
        {"grant": grant, "form": form},
        status=400 if form.errors else 200,
    )


# --- the programme page ---------------------------------------------------------------


def programme_section(request: HttpRequest, programme: Any) -> DashboardPanel | None:
    """A section on the programme page: officers find the programme's grants here."""
    if not is_officer(request.user, programme):
        return None
    return DashboardPanel(
        "funding/grants/programme_section.html",
        {
            "grants_programme": programme,
            "grants_count": Grant.objects.filter(programme=programme).count(),
        },
    )
