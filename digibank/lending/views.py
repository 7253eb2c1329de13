"""Pages for lending under /h/<hub>/lending/. Views stay thin: a form checks input, one
service or query does the work; rows of another hub answer 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from digibank.accounts.reads import note_read, reads_personal_data
from digibank.accounts.scoping import HubRequest, get_for_hub, hub_view
from digibank.core.actions import perform
from digibank.core.forms import add_service_errors
from digibank.core.limits import FORM_OVERHEAD, accepts_uploads
from digibank.core.pagination import paginate
from digibank.core.pdf import render_pdf
from digibank.devices.models import Device, DeviceKind, DeviceStatus
from digibank.devices.queries import device_by_tag
from digibank.network.models import HubPartner
from digibank.people.models import Participant

from . import class_import, desk, fairness, paperwork, queries, services, waitlist
from .forms import (
    CLASS_LIST_BYTES,
    BulkReturnForm,
    CapForm,
    CheckoutForm,
    ClassAssignForm,
    DepositCollectForm,
    DepositRefundForm,
    EvidenceForm,
    LoanSearchForm,
    LoanTermsForm,
    OfferForm,
    OrganisationCheckoutForm,
    PassOverForm,
    PolicyForm,
    RemoveForm,
    RenewForm,
    RequestForm,
    ReservationForm,
    ReturnForm,
    ScreenSignForm,
    UrgencyForm,
)
from .models import (
    DeviceOffer,
    DeviceRequest,
    KeptAgreement,
    Loan,
    LoanDeposit,
    LoanSignature,
    OfferStatus,
    OrganisationCap,
    OrganisationLoan,
    OrganisationReservation,
    RequestStatus,
    ReturnOutcome,
    SchoolClass,
)
from .signatures import png_from_data_url

MAX_ID = 2**63 - 1
CLASS_PLAN_SALT = "lending.class_import"
CLASS_PLAN_SECONDS = 60 * 60


def _posted(request: HubRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _get(request: HubRequest, queryset: QuerySet[Any], pk: int) -> Any:
    if not 0 < pk <= MAX_ID:
        raise Http404
    return get_for_hub(request, queryset, pk=pk)


def _participant(request: HubRequest, pk: int) -> Participant:
    participant: Participant = _get(
        request, Participant.objects.select_related("hub", "municipality"), pk
    )
    if participant.is_merged or participant.is_anonymised:
        raise Http404
    return participant


def _person_url(request: HubRequest, participant_id: int) -> str:
    return reverse("lending:participant", kwargs={"hub": request.hub.slug, "pk": participant_id})


# --- the scan desk ----------------------------------------------------------------------


@hub_view("lending.lend")
@reads_personal_data(when_shown=True)
def scan(request: HubRequest) -> HttpResponse:
    """Scan a label (a USB or Bluetooth scanner types the code and Enter; a phone's
    camera where the browser can read QR codes) or type a tag: the device's card."""
    code = request.GET.get("code", "")[:300].strip()
    context: dict[str, Any] = {
        "code": code,
        "card": None,
        "actions": [],
        "camera_words": {
            "start": _("Use the camera"),
            "stop": _("Stop the camera"),
            "looking": _("Hold the label in front of the camera."),
            "denied": _("The camera cannot be used. Scan or type the tag instead."),
        },
    }
    if code:
        found = device_by_tag(hub=request.hub, tag=code)
        if found is None:
            context["not_found"] = True
        else:
            card = desk.device_card(found)
            note_read(request, *card.people())
            context["card"] = card
            context["actions"] = desk.next_actions(request, card)
    return render(request, "lending/scan.html", context)


# --- overview and policy ----------------------------------------------------------------


@hub_view("lending.lend")
@reads_personal_data
def loan_list(request: HubRequest) -> HttpResponse:
    form = LoanSearchForm(request.GET)
    filters = form.filters()
    state = filters["state"]
    page = paginate(request, queries.loan_search(hub=request.hub, **filters))
    return render(
        request,
        "lending/loan_list.html",
        {
            "form": form,
            "page": page,
            "state": state,
            "waiting": queries.waiting_counts(hub=request.hub),
            "kinds": dict(DeviceKind.choices),
            "can_manage": request.membership.has_perm("lending.manage"),
        },
    )


@hub_view("lending.manage")
def policy_edit(request: HubRequest) -> HttpResponse:
    policy = queries.policy_for(request.hub)
    form = PolicyForm(_posted(request), initial=PolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(actor=request.user, hub=request.hub, data=form.policy_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lending policy is saved."))
            return redirect("lending:policy", hub=request.hub.slug)
    missing = [
        paperwork.language_name(code) for code in paperwork.missing_condition_languages(policy)
    ]
    return render(request, "lending/policy_form.html", {"form": form, "missing_languages": missing})


# --- a person's lending page ------------------------------------------------------------


@hub_view("lending.lend")
@reads_personal_data
def participant_lending(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    policy = queries.policy_for(request.hub)
    evidence = queries.evidence_seen(participant)
    decision = queries.eligibility(policy, participant)
    device_requests = list(
        DeviceRequest.objects.filter(participant=participant).order_by("-requested_at")[:20]
    )
    return render(
        request,
        "lending/participant.html",
        {
            "participant": participant,
            "policy": policy,
            "decision": decision,
            "evidence": evidence,
            "evidence_form": EvidenceForm(),
            "today": timezone.localdate(),
            "device_requests": device_requests,
            "loans": queries.participant_loans(participant),
        },
    )


@hub_view("lending.lend")
@require_POST
def evidence_add(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(_person_url(request, participant.pk))
    return perform(
        request,
        lambda: services.evidence_record(
            actor=request.user,
            participant=participant,
            kind=form.cleaned_data["kind"],
            valid_until=form.cleaned_data["valid_until"],
        ),
        success=_("Recorded that you saw the evidence."),
        then=_person_url(request, participant.pk),
    )


@hub_view("lending.lend")
@reads_personal_data
def request_create(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    form = RequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            device_request = services.request_create(
                actor=request.user,
                participant=participant,
                kind=form.cleaned_data["kind"],
                needs=form.cleaned_data["needs"],
                needs_note=form.cleaned_data["needs_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("lending:request", hub=request.hub.slug, pk=device_request.pk)
    decision = queries.eligibility(queries.policy_for(request.hub), participant)
    return render(
        request,
        "lending/request_form.html",
        {"form": form, "participant": participant, "decision": decision},
    )


@hub_view("lending.lend")
@reads_personal_data
def checkout(request: HubRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    policy = queries.policy_for(request.hub)
    form = CheckoutForm(_posted(request), deposit_cents=policy.deposit_cents)
    if request.method == "POST" and form.is_valid():
        device = device_by_tag(hub=request.hub, tag=form.cleaned_data["tag"])
        if device is None:
            form.add_error("tag", _("No device of this hub has this tag."))
        else:
            try:
                loan = services.loan_checkout(
                    actor=request.user,
                    hub=request.hub,
                    device=device,
                    participant=participant,
                    kind=form.cleaned_data["kind"],
                    goals_plan=form.cleaned_data["goals_plan"],
                    signed_on_paper=form.cleaned_data["signed_on_paper"],
                    **form.deposit_kwargs(),
                    **form.waiting_kwargs(),
                )
            except ValidationError as error:
                _ask_waiting(request, form, error)
                add_service_errors(form, error)
            else:
                messages.success(request, _("The device is lent. Print the agreement."))
                return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    decision = queries.eligibility(policy, participant)
    return render(
        request,
        "lending/checkout.html",
        {"form": form, "participant": participant, "decision": decision},
    )


def _ask_waiting(
    request: HubRequest, form: Any, error: ValidationError, *, renewal: bool = False
) -> None:
    """Others wait for the kind: show what the hub's rule asks for on the form that was
    refused (a box to confirm, or a coordinator's reason)."""
    waiting = fairness.is_waiting_error(error)
    if waiting or form.data.get("waiting_acknowledged") in ("on", "true", "True"):
        form.ask_waiting(
            refuse=waiting and fairness.OVERRIDE_REASON in error.error_dict,
            renewal=renewal,
            coordinator=request.membership.has_perm("lending.manage"),
        )


# --- requests and the waiting list ------------------------------------------------------


def _device_request(request: HubRequest, pk: int) -> DeviceRequest:
    result: DeviceRequest = _get(request, DeviceRequest.objects.select_related("participant"), pk)
    return result


@hub_view("lending.lend")
@reads_personal_data
def request_detail(request: HubRequest, pk: int) -> HttpResponse:
    device_request = _device_request(request, pk)
    can_manage = request.membership.has_perm("lending.manage")
    return render(
        request,
        "lending/request_detail.html",
        {
            "device_request": device_request,
            "position": queries.waiting_position(device_request),
            "urgency_form": UrgencyForm(initial={"points": device_request.urgency_points}),
            "remove_form": RemoveForm(),
            "kind_label": dict(DeviceKind.choices).get(device_request.kind, device_request.kind),
            "can_manage": can_manage,
            "can_set_urgency": can_manage or queries.policy_for(request.hub).staff_set_urgency,
            "on_list": device_request.status
            in (RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL),
            "can_withdraw": device_request.status in waitlist.WITHDRAWABLE,
            "passes": list(
                device_request.passes.select_related("device").order_by("-passed_at")[:20]
            ),
        },
    )


def _request_action(request: HubRequest, pk: int, form_class: Any, act: Any) -> HttpResponse:
    device_request = _device_request(request, pk)
    here = reverse("lending:request", kwargs={"hub": request.hub.slug, "pk": device_request.pk})
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(here)
    return perform(
        request,
        lambda: act(device_request, form.cleaned_data if form is not None else {}),
        success=_("The request is updated."),
        then=here,
    )


@hub_view("lending.lend")
@require_POST
def request_urgency(request: HubRequest, pk: int) -> HttpResponse:
    """Coordinators, and staff when the policy allows it (the service checks)."""
    return _request_action(
        request,
        pk,
        UrgencyForm,
        lambda r, data: services.request_set_urgency(
            actor=request.user, request=r, points=data["points"], reason=data["reason"]
        ),
    )


@hub_view("lending.manage")
@require_POST
def request_remove(request: HubRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        RemoveForm,
        lambda r, data: waitlist.request_remove(
            actor=request.user, request=r, reason=data["reason"]
        ),
    )


@hub_view("lending.lend")
@require_POST
def request_withdraw(request: HubRequest, pk: int) -> HttpResponse:
    """Staff record that the person withdrew their request."""
    return _request_action(
        request,
        pk,
        None,
        lambda r, data: waitlist.request_withdraw(actor=request.user, request=r),
    )


@hub_view("lending.manage")
@require_POST
def request_approve(request: HubRequest, pk: int) -> HttpResponse:
    if request.POST.get("back") == "approvals":
        device_request = _device_request(request, pk)
        return perform(
            request,
            lambda: services.request_approve(actor=request.user, request=device_request),
            success=_("The request is approved: the person is on the waiting list."),
            then=reverse("lending:approvals", kwargs={"hub": request.hub.slug}),
        )
    return _request_action(
        request, pk, None, lambda r, data: services.request_approve(actor=request.user, request=r)
    )


@hub_view("lending.manage")
@reads_personal_data
def approvals(request: HubRequest) -> HttpResponse:
    """The coordinator's inbox: requests waiting for approval, oldest first, with age."""
    page = paginate(request, queries.awaiting_approval(hub=request.hub))
    for row in page:
        note_read(request, row.participant_id)
    return render(
        request,
        "lending/approvals.html",
        {
            "page": page,
            "now": timezone.now(),
            "kinds": dict(DeviceKind.choices),
            "policy": queries.policy_for(request.hub),
        },
    )


@hub_view("lending.manage")
@reads_personal_data
def follow_up(request: HubRequest) -> HttpResponse:
    """Refused and lapsed requests to follow up, newest first."""
    page = paginate(request, queries.to_follow_up(hub=request.hub))
    for row in page:
        note_read(request, row.participant_id)
    return render(
        request,
        "lending/follow_up.html",
        {"page": page, "kinds": dict(DeviceKind.choices)},
    )


def _ready_devices(request: HubRequest, kind: str) -> QuerySet[Device]:
    return Device.objects.filter(hub=request.hub, kind=kind, status=DeviceStatus.READY).order_by(
        "id"
    )


@hub_view("lending.lend")
@reads_personal_data
def waiting_list(request: HubRequest) -> HttpResponse:
    kind = request.GET.get("kind", DeviceKind.LAPTOP)
    if kind not in DeviceKind.values:
        kind = DeviceKind.LAPTOP
    page = paginate(request, queries.waiting_list(hub=request.hub, kind=kind))
    offer_form = OfferForm(devices=_ready_devices(request, kind)[:50])
    return render(
        request,
        "lending/waiting_list.html",
        {
            "kind": kind,
            "kinds": DeviceKind.choices,
            "kind_label": dict(DeviceKind.choices)[kind],
            "counts": queries.waiting_counts(hub=request.hub),
            "page": page,
            "offer_form": offer_form,
            "offers": list(queries.open_offers(hub=request.hub)[:50]),
            "policy": queries.policy_for(request.hub),
            "pass_form": PassOverForm(),
            "can_manage": request.membership.has_perm("lending.manage"),
        },
    )


@hub_view("lending.lend")
@require_POST
def offer_next(request: HubRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    if kind not in DeviceKind.values:
        raise Http404
    form = OfferForm(request.POST, devices=_ready_devices(request, kind))
    target = reverse("lending:waiting", kwargs={"hub": request.hub.slug}) + f"?kind={kind}"
    if not form.is_valid():
        messages.error(request, _("Choose a ready device of this kind."))
        return redirect(target)
    try:
        offer = services.offer_next(
            actor=request.user, hub=request.hub, device=form.cleaned_data["device"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if offer is None:
            messages.info(request, _("Nobody is waiting for this kind of device."))
        else:
            messages.success(
                request,
                _("The device is offered to %(name)s until %(date)s.")
                % {
                    "name": offer.request.participant.display_name,
                    "date": offer.expires_at.date().isoformat(),
                },
            )
    return redirect(target)


def _offer(request: HubRequest, pk: int) -> DeviceOffer:
    result: DeviceOffer = _get(
        request, DeviceOffer.objects.select_related("request__participant", "device"), pk
    )
    return result


@hub_view("lending.lend")
@reads_personal_data
def offer_accept(request: HubRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    if offer.status != OfferStatus.OPEN:
        messages.error(request, _("This offer was already answered."))
        return redirect(_person_url(request, offer.request.participant_id))
    form = LoanTermsForm(
        _posted(request), deposit_cents=queries.policy_for(request.hub).deposit_cents
    )
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.offer_accept(
                actor=request.user,
                offer=offer,
                kind=form.cleaned_data["kind"],
                goals_plan=form.cleaned_data["goals_plan"],
                signed_on_paper=form.cleaned_data["signed_on_paper"],
                **form.deposit_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The device is lent. Print the agreement."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    return render(request, "lending/offer_accept.html", {"form": form, "offer": offer})


@hub_view("lending.manage")
@require_POST
def offer_pass_over(request: HubRequest, pk: int) -> HttpResponse:
    """Pass the person over for this device only; the device goes to the next person."""
    offer = _offer(request, pk)
    target = (
        reverse("lending:waiting", kwargs={"hub": request.hub.slug}) + f"?kind={offer.device.kind}"
    )
    form = PassOverForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(target)
    return perform(
        request,
        lambda: waitlist.offer_pass_over(
            actor=request.user, offer=offer, reason=form.cleaned_data["reason"]
        ),
        success=_(
            "The person keeps their place. The device was offered to the next person, "
            "if someone waits."
        ),
        then=target,
    )


@hub_view("lending.lend")
@require_POST
def offer_decline(request: HubRequest, pk: int) -> HttpResponse:
    offer = _offer(request, pk)
    return perform(
        request,
        lambda: services.offer_decline(actor=request.user, offer=offer),
        success=_("The offer is declined. The device went to the next person."),
        then=reverse("lending:waiting", kwargs={"hub": request.hub.slug})
        + f"?kind={offer.device.kind}",
    )


# --- loans ------------------------------------------------------------------------------


def _loan(request: HubRequest, pk: int) -> Loan:
    result: Loan = _get(
        request,
        Loan.objects.select_related(
            "participant", "device", "signed_recorded_by", "lent_by", "returned_to"
        ),
        pk,
    )
    return result


@hub_view("lending.lend")
@reads_personal_data
def loan_detail(request: HubRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    policy = queries.policy_for(request.hub)
    return render(
        request,
        "lending/loan_detail.html",
        {
            "loan": loan,
            **_deposit_context(loan),
            "signature": _screen_signature(loan),
            "kept": KeptAgreement.objects.filter(loan=loan).first(),
            "can_renew": loan.is_open
            and loan.due_on is not None
            and loan.renewals < policy.max_renewals,
        },
    )


def _loan_url(request: HubRequest, loan: Loan) -> str:
    return reverse("lending:loan", kwargs={"hub": request.hub.slug, "pk": loan.pk})


@hub_view("lending.lend")
@require_POST
def loan_signed(request: HubRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return perform(
        request,
        lambda: services.loan_mark_signed(actor=request.user, loan=loan),
        success=_("The agreement is marked as signed."),
        then=_loan_url(request, loan),
    )


@hub_view("lending.lend")
@reads_personal_data
def loan_sign(request: HubRequest, pk: int) -> HttpResponse:
    """The borrower signs the agreement on screen (drawn, or their typed full name),
    with the signed-in staff member as witness."""
    loan = _loan(request, pk)
    if loan.signed_at is not None:
        messages.info(request, _("The agreement is already signed."))
        return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    form = ScreenSignForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            image = png_from_data_url(data["signature"]) if data["signature"] else None
            services.loan_sign_on_screen(
                actor=request.user,
                loan=loan,
                signer_name=data["signer_name"],
                agreed=data["agree"],
                image=image,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement is signed."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    return render(request, "lending/loan_sign.html", {"form": form, "loan": loan})


def _screen_signature(loan: Loan) -> LoanSignature | None:
    if loan.signed_at is None:
        return None
    return LoanSignature.objects.filter(loan=loan).select_related("witnessed_by").first()


@hub_view("lending.lend")
@reads_personal_data
def loan_renew(request: HubRequest, pk: int) -> HttpResponse:
    """Renew: straight away when nobody waits; when others wait for the kind, the page
    asks to confirm (or a coordinator's reason), as the hub's policy says."""
    loan = _loan(request, pk)
    form = RenewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_renew(actor=request.user, loan=loan, **form.waiting_kwargs())
        except ValidationError as error:
            if not fairness.is_waiting_error(error):
                messages.error(request, " ".join(error.messages))
                return redirect(_loan_url(request, loan))
            _ask_waiting(request, form, error, renewal=True)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The loan is renewed."))
            return redirect(_loan_url(request, loan))
    return render(request, "lending/renew_form.html", {"form": form, "loan": loan})


@hub_view("lending.lend")
def loan_return(request: HubRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    if not loan.is_open:
        messages.error(request, _("This loan is already closed."))
        return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    deposit = _unsettled_deposit(loan)
    form = ReturnForm(
        _posted(request), deposit_received_cents=deposit.received_cents if deposit else 0
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.loan_return(
                actor=request.user,
                loan=loan,
                powers_on=data["powers_on"],
                accessories_back=data["accessories_back"],
                data_removed=data["data_removed"],
                outcome=data["outcome"],
                damage_note=data["damage_note"],
                note=data["note"],
                **form.deposit_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The device is back."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    return render(request, "lending/return_form.html", {"form": form, "loan": loan})


# --- reservations for partner organisations ---------------------------------------------


def _partners(request: HubRequest) -> QuerySet[HubPartner]:
    return HubPartner.objects.filter(hub=request.hub).select_related("organisation")


@hub_view("lending.manage")
def reservation_list(request: HubRequest) -> HttpResponse:
    page = paginate(
        request,
        OrganisationReservation.objects.filter(hub=request.hub)
        .select_related("partner__organisation")
        .annotate(devices=Count("items"))
        .order_by("-starts_on", "-id"),
    )
    caps = list(
        OrganisationCap.objects.filter(hub=request.hub)
        .select_related("partner__organisation")
        .order_by("-year", "partner_id")[:50]
    )
    cap_form = CapForm(initial={"year": timezone.localdate().year}, partners=_partners(request))
    return render(
        request,
        "lending/reservation_list.html",
        {"page": page, "caps": caps, "cap_form": cap_form},
    )


@hub_view("lending.manage")
@require_POST
def cap_set(request: HubRequest) -> HttpResponse:
    form = CapForm(request.POST, partners=_partners(request))
    if form.is_valid():
        services.cap_set(
            actor=request.user,
            partner=form.cleaned_data["partner"],
            year=form.cleaned_data["year"],
            max_devices=form.cleaned_data["max_devices"],
        )
        messages.success(request, _("The yearly limit is saved."))
    else:
        messages.error(request, _("Choose a partner, a year and a number of devices."))
    return redirect("lending:reservations", hub=request.hub.slug)


@hub_view("lending.manage")
def reservation_create(request: HubRequest) -> HttpResponse:
    form = ReservationForm(_posted(request), partners=_partners(request))
    if request.method == "POST" and form.is_valid():
        devices, unknown = [], []
        for tag in form.tag_list():
            device = device_by_tag(hub=request.hub, tag=tag)
            if device is None:
                unknown.append(tag)
            else:
                devices.append(device)
        if unknown:
            form.add_error(
                "tags",
                _("No device of this hub has these tags: %(tags)s.") % {"tags": ", ".join(unknown)},
            )
        else:
            try:
                reservation = services.reservation_create(
                    actor=request.user,
                    hub=request.hub,
                    partner=form.cleaned_data["partner"],
                    purpose=form.cleaned_data["purpose"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    devices=devices,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The devices are reserved."))
                return redirect("lending:reservation", hub=request.hub.slug, pk=reservation.pk)
    return render(request, "lending/reservation_form.html", {"form": form})


@hub_view("lending.manage")
def reservation_detail(request: HubRequest, pk: int) -> HttpResponse:
    reservation: OrganisationReservation = _get(
        request, OrganisationReservation.objects.select_related("partner__organisation"), pk
    )
    items = list(reservation.items.select_related("device").order_by("device_id")[:500])
    loan = OrganisationLoan.objects.filter(reservation=reservation).first()
    today = timezone.localdate()
    return render(
        request,
        "lending/reservation_detail.html",
        {
            "reservation": reservation,
            "items": items,
            "organisation_loan": loan,
            "can_hand_over": loan is None
            and reservation.cancelled_at is None
            and reservation.starts_on <= today <= reservation.ends_on,
        },
    )


@hub_view("lending.manage")
@require_POST
def reservation_cancel(request: HubRequest, pk: int) -> HttpResponse:
    reservation: OrganisationReservation = _get(request, OrganisationReservation.objects.all(), pk)
    return perform(
        request,
        lambda: services.reservation_cancel(actor=request.user, reservation=reservation),
        success=_("The reservation is cancelled."),
        then=reverse("lending:reservation", kwargs={"hub": request.hub.slug, "pk": reservation.pk}),
    )


@accepts_uploads(CLASS_LIST_BYTES + FORM_OVERHEAD)
@hub_view("lending.manage")
@reads_personal_data(when_shown=True)
def class_assign(request: HubRequest) -> HttpResponse:
    """Digisprong: a device per pupil for a whole class, from a CSV class list. The list
    is first shown as a preview (new, matched and unmatched pupils); nothing is saved
    until the preview is confirmed."""
    if request.method == "POST" and request.POST.get("plan"):
        return _class_assign_confirm(request)
    form = ClassAssignForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _class_preview(
            request,
            {
                "class_name": " ".join(data["class_name"].split()),
                "goals_plan": data["goals_plan"],
                "rows": data["file"],
            },
        )
    return render(request, "lending/class_assign.html", {"form": form, "row_errors": []})


def _class_preview(
    request: HubRequest, payload: dict[str, Any], errors: list[str] | None = None
) -> HttpResponse:
    plan = class_import.plan_class_import(
        hub=request.hub, class_name=payload["class_name"], rows=payload["rows"]
    )
    note_read(request, *(row.pupil for row in plan.rows if row.pupil), *plan.unmatched)
    return render(
        request,
        "lending/class_preview.html",
        {
            "plan": plan,
            "class_name": payload["class_name"],
            "token": signing.dumps(payload, salt=CLASS_PLAN_SALT, compress=True),
            "errors": errors or plan.problems,
            "new_rows": plan.with_status(class_import.NEW),
            "matched_rows": plan.with_status(class_import.MATCHED),
            "kept_rows": plan.with_status(class_import.HAS_DEVICE),
        },
    )


def _class_assign_confirm(request: HubRequest) -> HttpResponse:
    try:
        payload = signing.loads(
            request.POST["plan"], salt=CLASS_PLAN_SALT, max_age=CLASS_PLAN_SECONDS
        )
    except signing.BadSignature:
        messages.error(request, _("This preview is too old. Upload the class list again."))
        return redirect("lending:class_assign", hub=request.hub.slug)
    try:
        loans = services.class_assign(
            actor=request.user,
            hub=request.hub,
            rows=payload["rows"],
            goals_plan=payload["goals_plan"],
            class_name=payload["class_name"],
        )
    except ValidationError as error:
        return _class_preview(request, payload, errors=error.messages)
    messages.success(request, _("%(count)s pupils have a device now.") % {"count": len(loans)})
    return redirect(reverse("lending:list", kwargs={"hub": request.hub.slug}))


# --- deposits ---------------------------------------------------------------------------


def _unsettled_deposit(loan: Loan) -> LoanDeposit | None:
    deposit = LoanDeposit.objects.filter(loan=loan).first()
    if deposit is None or deposit.received_cents == 0 or deposit.refunded_at is not None:
        return None
    return deposit


def _deposit_context(loan: Loan) -> dict[str, Any]:
    deposit = LoanDeposit.objects.filter(loan=loan).select_related("received_by").first()
    context: dict[str, Any] = {"deposit": deposit, "collect_form": None, "refund_form": None}
    if loan.deposit_cents and deposit is None and loan.is_open:
        context["collect_form"] = DepositCollectForm(due_cents=loan.deposit_cents)
    if deposit and deposit.received_cents and not deposit.settled and loan.returned_at:
        context["refund_form"] = DepositRefundForm(received_cents=deposit.received_cents)
    return context


def _deposit_action(request: HubRequest, pk: int, refund: bool) -> HttpResponse:
    loan = _loan(request, pk)
    form: DepositCollectForm | DepositRefundForm
    if refund:
        deposit = _unsettled_deposit(loan)
        if deposit is None:
            messages.error(request, _("There is no deposit to refund."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
        form = DepositRefundForm(request.POST, received_cents=deposit.received_cents)
    else:
        form = DepositCollectForm(request.POST, due_cents=loan.deposit_cents or 1)
    if form.is_valid():
        try:
            if isinstance(form, DepositRefundForm):
                services.loan_deposit_refund(actor=request.user, loan=loan, **form.service_kwargs())
            else:
                services.loan_deposit_collect(
                    actor=request.user, loan=loan, **form.service_kwargs()
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deposit is recorded."))
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))
    return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)


@hub_view("lending.lend")
@require_POST
def loan_deposit_collect(request: HubRequest, pk: int) -> HttpResponse:
    return _deposit_action(request, pk, refund=False)


@hub_view("lending.lend")
@require_POST
def loan_deposit_refund(request: HubRequest, pk: int) -> HttpResponse:
    return _deposit_action(request, pk, refund=True)


# --- loans to partner organisations -----------------------------------------------------


def _reservation(request: HubRequest, pk: int) -> OrganisationReservation:
    result: OrganisationReservation = _get(
        request, OrganisationReservation.objects.select_related("partner__organisation"), pk
    )
    return result


@hub_view("lending.manage")
def reservation_hand_over(request: HubRequest, pk: int) -> HttpResponse:
    """Hand the reserved set over to the organisation (check-out of the set)."""
    reservation = _reservation(request, pk)
    existing = OrganisationLoan.objects.filter(reservation=reservation).first()
    if existing is not None:
        return redirect("lending:organisation_loan", hub=request.hub.slug, pk=existing.pk)
    items = list(
        reservation.items.filter(active=True).select_related("device").order_by("device_id")[:500]
    )
    choices = [
        (
            item.device_id,
            f"{item.device.tag} {item.device.make} {item.device.model} "
            f"({item.device.get_status_display()})",
        )
        for item in items
    ]
    form = OrganisationCheckoutForm(
        _posted(request),
        choices=choices,
        initial={
            "devices": [i.device_id for i in items if i.device.status == DeviceStatus.READY],
            "language": translation.get_language() or "nl",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = services.organisation_checkout(
                actor=request.user,
                reservation=reservation,
                device_ids=data["devices"],
                picked_up_by=data["picked_up_by"],
                language=data["language"],
                signed_on_paper=data["signed_on_paper"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The devices are handed over. Print the agreement."))
            return redirect("lending:organisation_loan", hub=request.hub.slug, pk=loan.pk)
    return render(
        request,
        "lending/organisation_checkout.html",
        {"form": form, "reservation": reservation},
    )


def _organisation_loan(request: HubRequest, pk: int) -> OrganisationLoan:
    result: OrganisationLoan = _get(
        request,
        OrganisationLoan.objects.select_related(
            "reservation", "partner__organisation", "handed_over_by", "signed_recorded_by"
        ),
        pk,
    )
    return result


@hub_view("lending.manage")
def organisation_loan(request: HubRequest, pk: int) -> HttpResponse:
    """An organisation loan: its devices, and taking some or all of them back."""
    loan = _organisation_loan(request, pk)
    items = queries.organisation_loan_items(loan)
    open_items = [item for item in items if item.returned_at is None]
    form = BulkReturnForm(
        _posted(request),
        rows=[(item.pk, str(item.device.tag)) for item in open_items],
    )
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.organisation_return(
                actor=request.user,
                loan=loan,
                item_ids=form.picked(),
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _summary(counts))
            return redirect("lending:organisation_loan", hub=request.hub.slug, pk=loan.pk)
    return render(
        request,
        "lending/organisation_loan.html",
        {"loan": loan, "items": items, "open_items": open_items, "form": form},
    )


@hub_view("lending.manage")
@require_POST
def organisation_signed(request: HubRequest, pk: int) -> HttpResponse:
    loan = _organisation_loan(request, pk)
    return perform(
        request,
        lambda: services.organisation_mark_signed(actor=request.user, loan=loan),
        success=_("The agreement is marked as signed."),
        then=reverse("lending:organisation_loan", kwargs={"hub": request.hub.slug, "pk": loan.pk}),
    )


@hub_view("lending.manage")
def organisation_agreement(request: HubRequest, pk: int) -> HttpResponse:
    """The organisation's agreement as a PDF, in its language."""
    loan = _organisation_loan(request, pk)
    items = queries.organisation_loan_items(loan)
    with translation.override(loan.language):
        html = render_to_string(
            "lending/organisation_agreement.html",
            {"loan": loan, "hub": request.hub, "items": items},
        )
    pdf = render_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agreement-organisation-{loan.pk}.pdf"'
    return response


# --- Digisprong: bulk return of a class -------------------------------------------------


def _summary(counts: dict[str, int]) -> str:
    labels = dict(ReturnOutcome.choices)
    parts = [f"{labels[key]}: {counts[key]}" for key in ReturnOutcome.values if counts.get(key)]
    total = sum(counts.values())
    return ngettext(
        "%(count)s device is back (%(outcomes)s).",
        "%(count)s devices are back (%(outcomes)s).",
        total,
    ) % {
        "count": total,
        "outcomes": "; ".join(parts),
    }


@hub_view("lending.manage")
def class_list(request: HubRequest) -> HttpResponse:
    """The classes with long-term assignments: choose one to take its devices back."""
    page = paginate(request, queries.school_classes(hub=request.hub))
    return render(request, "lending/class_list.html", {"page": page})


CLASS_RETURN_LIMIT = 300


@hub_view("lending.manage")
@reads_personal_data
def class_return(request: HubRequest, pk: int) -> HttpResponse:
    """End of the school year: take the devices of a class back at once. A first post
    shows what will happen; the confirmation does it, all or nothing."""
    school_class: SchoolClass = _get(request, SchoolClass.objects.all(), pk)
    loans = queries.class_open_loans(school_class, limit=CLASS_RETURN_LIMIT)
    form = BulkReturnForm(
        _posted(request),
        rows=[(loan.pk, f"{loan.device.tag} ({loan.participant.display_name})") for loan in loans],
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            confirming = "edit" not in request.POST
        else:
            try:
                counts = services.class_return(
                    actor=request.user,
                    school_class=school_class,
                    loan_ids=form.picked(),
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _summary(counts))
                return redirect("lending:class_return", hub=request.hub.slug, pk=school_class.pk)
    chosen: list[dict[str, Any]] = []
    if confirming:
        labels = dict(ReturnOutcome.choices)
        chosen = [
            {"label": row["label"], "outcome": labels[form.outcome_of(row["pk"])]}
            for row in form.rows
            if row["pk"] in set(form.picked())
        ]
    return render(
        request,
        "lending/class_return.html",
        {
            "school_class": school_class,
            "form": form,
            "loans": loans,
            "more": len(loans) == CLASS_RETURN_LIMIT,
            "confirming": confirming,
            "chosen": chosen,
        },
    )


# --- the state model: lost loans, ready and wanted -----------------------------------


@hub_view("lending.lend")
@reads_personal_data
def loan_lost(request: HubRequest, pk: int) -> HttpResponse:
    """Close a loan as lost, stolen or not returned (also where "retire" on the device
    page of a lent device leads)."""
    from .forms import LossForm
    from .losses import loan_close_lost

    loan = _loan(request, pk)
    if not loan.is_open:
        messages.error(request, _("This loan is already closed."))
        return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    deposit = _unsettled_deposit(loan)
    form = LossForm(
        _posted(request),
        initial={"lost_on": timezone.localdate()},
        deposit_received_cents=deposit.received_cents if deposit else 0,
    )
    if request.method == "POST" and form.is_valid():
        try:
            loan_close_lost(actor=request.user, loan=loan, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The loan is closed and the device is retired. The person may borrow again."),
            )
            return redirect("lending:loan", hub=request.hub.slug, pk=loan.pk)
    return render(request, "lending/loan_lost.html", {"form": form, "loan": loan})


@hub_view("lending.lend")
def ready_wanted(request: HubRequest) -> HttpResponse:
    """Ready devices of kinds people wait for: offer each to the first person."""
    from .state import ready_and_wanted

    rows = ready_and_wanted(hub=request.hub)
    return render(
        request,
        "lending/ready_wanted.html",
        {"rows": rows, "policy": queries.policy_for(request.hub)},
    )
