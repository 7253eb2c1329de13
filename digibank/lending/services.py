"""Every change in lending: the policy, evidence seen, requests and the waiting list,
offers, check-out, renewal and return. Each service runs in one transaction, locks what
it changes, enforces the rules and writes the journal in the same transaction. Device
statuses change only through devices.services.device_transition."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.credentials import credential_problem, refuse_credentials
from digibank.core.journal import journal_write
from digibank.devices.models import Device, DeviceKind, DeviceStatus, RetirementReason
from digibank.devices.services import device_transition
from digibank.network.models import Hub, HubPartner
from digibank.people.models import Participant, TargetGroup

from . import fairness, holdings, paperwork, queries, reminders
from .models import (
    DepositMethod,
    DeviceOffer,
    DeviceRequest,
    EvidenceCheck,
    EvidenceKind,
    LendingPolicy,
    Loan,
    LoanDeposit,
    LoanKind,
    LoanSignature,
    Need,
    OfferStatus,
    OrganisationCap,
    OrganisationLoan,
    OrganisationLoanItem,
    OrganisationReservation,
    RequestStatus,
    ReservationDay,
    ReservedDevice,
    ReturnOutcome,
    SchoolClass,
    SchoolClassLoan,
    SignatureMethod,
)
from .signatures import validate_signature_png

POLICY_FIELDS = (
    "target_groups",
    "residence_required",
    "required_evidence",
    "max_concurrent_loans",
    "default_loan_days",
    "loan_days_by_kind",
    "max_renewals",
    "deposit_cents",
    "approval_required",
    "offer_days",
    "reminder_days",
    "conditions",
    "offer_when_ready",
    "checkout_when_waiting",
    "renew_when_waiting",
    "staff_set_urgency",
    "conditions_by_language",
    "overdue_reminder_days",
)

AGREEMENT_LANGUAGES = ("nl", "fr", "en")


def agreement_language(participant: Participant) -> str:
    language = participant.preferred_language
    return language if language in AGREEMENT_LANGUAGES else "nl"


# --- policy and evidence ----------------------------------------------------------------


@transaction.atomic
def policy_update(*, actor: Any, hub: Hub, data: Mapping[str, Any]) -> LendingPolicy:
    """Set the hub's lending policy (creates it the first time)."""
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(sorted(unknown))
    values = dict(data)
    if set(values.get("target_groups", [])) - set(TargetGroup.values):
        raise ValidationError({"target_groups": _("Choose target groups from the list.")})
    if set(values.get("required_evidence", [])) - set(EvidenceKind.values):
        raise ValidationError({"required_evidence": _("Choose evidence from the list.")})
    _check_paperwork_settings(values)
    days = values.get("loan_days_by_kind", {})
    if any(k not in DeviceKind.values or int(v) < 1 for k, v in days.items()):
        raise ValidationError(_("Loan periods must be at least one day."))
    policy = LendingPolicy.objects.select_for_update().filter(hub=hub).first()
    creating = policy is None
    if policy is None:
        policy = LendingPolicy(hub=hub)
    changed = [key for key, value in values.items() if getattr(policy, key) != value]
    for key, value in values.items():
        setattr(policy, key, value)
    policy.full_clean(exclude=["hub"])
    policy.save()
    journal_write(
        actor=actor,
        action="lending.policy_update",
        subject=policy,
        hub_id=hub.pk,
        details={"fields": sorted(changed), "created": creating},
    )
    return policy


def _check_paperwork_settings(values: dict[str, Any]) -> None:
    """Conditions only in the platform's languages; reminder days in range."""
    texts = values.get("conditions_by_language", {})
    if set(texts) - set(paperwork.CONDITION_LANGUAGES) or "nl" in texts:
        raise ValidationError(_("Conditions can only be given in French or English here."))
    if texts:
        refuse_credentials(**{f"conditions_{code}": text for code, text in texts.items()})
    if "overdue_reminder_days" in values:
        values["overdue_reminder_days"] = reminders.validate_overdue_days(
            list(values["overdue_reminder_days"])
        )


@transaction.atomic
def evidence_record(
    *, actor: Any, participant: Participant, kind: str, valid_until: date | None = None
) -> EvidenceCheck:
    """Record that evidence of `kind` was seen today by `actor` (never the document),
    valid until `valid_until` (None: it does not expire). Expired evidence no longer
    counts for eligibility, at a request, a check-out or a renewal."""
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    if valid_until is not None and valid_until < timezone.localdate():
        raise ValidationError({"valid_until": _("This date has passed: the evidence expired.")})
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError(_("This record cannot be changed."))
    check, _created = EvidenceCheck.objects.update_or_create(
        participant=participant,
        kind=kind,
        defaults={
            "hub_id": participant.hub_id,
            "seen_by": actor,
            "seen_at": timezone.now(),
            "valid_until": valid_until,
        },
    )
    journal_write(
        actor=actor,
        action="lending.evidence_seen",
        subject=participant,
        hub_id=participant.hub_id,
        details={"kind": kind, "valid_until": valid_until.isoformat() if valid_until else ""},
    )
    return check


# --- requests and the waiting list ------------------------------------------------------


def _priority(requested_at: datetime, points: int) -> datetime:
    return requested_at - timedelta(days=points)


@transaction.atomic
def request_create(
    *,
    actor: Any,
    participant: Participant,
    kind: str,
    needs: Iterable[str] = (),
    needs_note: str = "",
) -> DeviceRequest:
    """A participant asks for a device. Eligibility is evaluated now: eligible requests
    join the waiting list (or wait for a coordinator's approval when the policy says so),
    others are kept as refused with the reasons."""
    if kind not in DeviceKind.values:
        raise ValidationError({"kind": _("Choose a kind of device.")})
    needs = sorted(set(needs))
    if set(needs) - set(Need.values):
        raise ValidationError({"needs": _("Choose needs from the list.")})
    refuse_credentials(needs_note=needs_note)
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError(_("This record cannot be changed."))
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    already = DeviceRequest.objects.filter(
        participant=participant,
        kind=kind,
        status__in=[RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL, RequestStatus.OFFERED],
    ).exists()
    if already:
        raise ValidationError({"kind": _("This person is already waiting for this kind.")})
    policy = queries.policy_for(participant.hub)
    decision = queries.eligibility(policy, participant)
    if not decision.eligible:
        status = RequestStatus.REFUSED
    elif policy.approval_required:
        status = RequestStatus.AWAITING_APPROVAL
    else:
        status = RequestStatus.WAITING
    now = timezone.now()
    request = DeviceRequest.objects.create(
        hub_id=participant.hub_id,
        participant=participant,
        kind=kind,
        needs=needs,
        needs_note=needs_note.strip()[:300],
        status=status,
        reasons=[str(reason) for reason in decision.reasons],
        requested_at=now,
        priority_at=now,
        created_by=actor,
    )
    journal_write(
        actor=actor,
        action="lending.request",
        subject=request,
        hub_id=request.hub_id,
        details={"kind": kind, "status": status},
    )
    return request


def _locked_request(request: DeviceRequest) -> DeviceRequest:
    return DeviceRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_approve(*, actor: Any, request: DeviceRequest) -> DeviceRequest:
    request = _locked_request(request)
    if request.status != RequestStatus.AWAITING_APPROVAL:
        raise ValidationError(_("This request is not waiting for approval."))
    request.status = RequestStatus.WAITING
    request.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor, action="lending.request_approve", subject=request, hub_id=request.hub_id
    )
    return request


@transaction.atomic
def request_set_urgency(
    *, actor: Any, request: DeviceRequest, points: int, reason: str
) -> DeviceRequest:
    """Urgency points move a request up the list: each point counts as one day earlier.
    Always with a reason (kept on the request, never in the journal). Coordinators may;
    other staff only when the hub's policy lets them."""
    if not 0 <= points <= 365:
        raise ValidationError({"points": _("Give between 0 and 365 points.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this request is urgent.")})
    refuse_credentials(reason=reason)
    request = _locked_request(request)
    if request.status not in (RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL):
        raise ValidationError(_("Only a request on the waiting list gets urgency points."))
    hub = Hub.objects.get(pk=request.hub_id)
    if not (_may_manage(actor, hub) or queries.policy_for(hub).staff_set_urgency):
        raise ValidationError(_("In this hub only a coordinator can set urgency."))
    request.urgency_points = points
    request.urgency_reason = reason[:300]
    request.priority_at = _priority(request.requested_at, points)
    request.save(update_fields=["urgency_points", "urgency_reason", "priority_at", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.request_urgency",
        subject=request,
        hub_id=request.hub_id,
        details={"points": points},
    )
    return request


# --- offers -----------------------------------------------------------------------------


def _lock_device(device: Device) -> Device:
    return Device.objects.select_for_update().get(pk=device.pk)


@transaction.atomic
def offer_next(*, actor: Any, hub: Hub, device: Device) -> DeviceOffer | None:
    """Offer a ready device to the first person on the waiting list for its kind.
    None when nobody waits (the device stays ready)."""
    device = _lock_device(device)
    if device.hub_id != hub.pk:
        raise ValidationError({"device": _("This device belongs to another hub.")})
    if device.status != DeviceStatus.READY:
        raise ValidationError({"device": _("Only a ready device can be offered.")})
    request = (
        DeviceRequest.objects.select_for_update()
        .filter(hub=hub, kind=device.kind, status=RequestStatus.WAITING)
        .exclude(passes__device=device)  # passed over for this device (waitlist.py)
        .order_by("priority_at", "id")
        .first()
    )
    if request is None:
        return None
    policy = queries.policy_for(hub)
    now = timezone.now()
    try:
        with transaction.atomic():
            offer = DeviceOffer.objects.create(
                hub=hub,
                request=request,
                device=device,
                offered_at=now,
                expires_at=now + timedelta(days=policy.offer_days),
                offered_by=actor,
            )
    except IntegrityError:
        raise ValidationError({"device": _("This device is already offered to someone.")}) from None
    request.status = RequestStatus.OFFERED
    request.save(update_fields=["status", "updated_at"])
    device_transition(actor=actor, device=device, to=DeviceStatus.RESERVED)
    transaction.on_commit(lambda: _notify_offer(offer.pk))
    journal_write(
        actor=actor,
        action="lending.offer",
        subject=offer,
        hub_id=hub.pk,
        details={"request": request.pk, "device": device.pk},
        participant=request.participant_id,
    )
    return offer


def _notify_offer(offer_id: int) -> None:
    from .tasks import notify_offer

    notify_offer.enqueue(offer_id)


def _close_offer(*, actor: Any, offer: DeviceOffer, status: str, now: datetime) -> None:
    """Decline or expire an open offer: the device is offered to the next person."""
    changed = DeviceOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
        status=status, answered_at=now
    )
    if not changed:
        raise ValidationError(_("This offer was already answered."))
    DeviceRequest.objects.filter(pk=offer.request_id).update(
        status=RequestStatus.LAPSED, updated_at=now
    )
    device = Device.objects.get(pk=offer.device_id)
    device_transition(actor=actor, device=device, to=DeviceStatus.READY)
    journal_write(
        actor=actor,
        action=f"lending.offer_{status}",
        subject=offer,
        hub_id=offer.hub_id,
        details={"request": offer.request_id},
        participant=offer.request.participant_id,
    )
    offer_next(actor=actor, hub=offer.hub, device=device)


@transaction.atomic
def offer_decline(*, actor: Any, offer: DeviceOffer) -> None:
    _close_offer(actor=actor, offer=offer, status=OfferStatus.DECLINED, now=timezone.now())


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire open offers past their date; each moves on to the next person."""
    now = now or timezone.now()
    count = 0
    ids = DeviceOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lt=now).values_list(
        "pk", flat=True
    )
    for offer in DeviceOffer.objects.filter(pk__in=list(ids)).select_related("hub"):
        try:
            with transaction.atomic():
                _close_offer(actor=None, offer=offer, status=OfferStatus.EXPIRED, now=now)
        except ValidationError:
            continue
        count += 1
    return count


@transaction.atomic
def offer_accept(
    *,
    actor: Any,
    offer: DeviceOffer,
    kind: str = LoanKind.TEMPORARY,
    goals_plan: str = "",
    signed_on_paper: bool = False,
    **deposit: Any,
) -> Loan:
    """The person takes the offered device: the offer is accepted once (status changes
    only from open, under a lock) and the device is checked out to them (`deposit`:
    the deposit keywords of loan_checkout)."""
    now = timezone.now()
    locked = DeviceOffer.objects.select_for_update().filter(pk=offer.pk).first()
    if locked is None or locked.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer was already answered."))
    if locked.expires_at < now:
        raise ValidationError(_("This offer has expired."))
    changed = DeviceOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
        status=OfferStatus.ACCEPTED, answered_at=now
    )
    if not changed:
        raise ValidationError(_("This offer was already answered."))
    request = _locked_request(locked.request)
    request.status = RequestStatus.FULFILLED
    request.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.offer_accepted",
        subject=locked,
        hub_id=locked.hub_id,
        participant=request.participant_id,
    )
    return loan_checkout(
        actor=actor,
        hub=locked.hub,
        device=Device.objects.get(pk=locked.device_id),
        participant=request.participant,
        kind=kind,
        goals_plan=goals_plan,
        signed_on_paper=signed_on_paper,
        request=request,
        **deposit,
    )


# --- loans ------------------------------------------------------------------------------


@transaction.atomic
def loan_checkout(
    *,
    actor: Any,
    hub: Hub,
    device: Device,
    participant: Participant,
    kind: str = LoanKind.TEMPORARY,
    goals_plan: str = "",
    signed_on_paper: bool = False,
    request: DeviceRequest | None = None,
    deposit_received_cents: int | None = None,
    deposit_method: str = "",
    deposit_waiver_reason: str = "",
    waiting_acknowledged: bool = False,
    waiting_override_reason: str = "",
) -> Loan:
    """Lend a device. The device row is locked and the database allows one open loan
    per device, so two check-outs of one device at once never both succeed. When the
    policy wants a coordinator's approval, the person needs an approved request for this
    kind of device, or the actor is a coordinator (who approves by lending). The deposit
    is recorded when `deposit_method` is given (else it stays to be collected). A direct
    check-out (not from an offer) while others wait for the kind follows the policy's
    rule (fairness.check_waiting): confirm with `waiting_acknowledged`, or a coordinator's
    `waiting_override_reason`."""
    if kind not in LoanKind.values:
        raise ValidationError({"kind": _("Choose the kind of loan.")})
    refuse_credentials(goals_plan=goals_plan, deposit_waiver_reason=deposit_waiver_reason)
    if participant.hub_id != hub.pk:
        raise ValidationError({"participant": _("Choose a person of this hub.")})
    # Locked and read again: an anonymisation at the same moment either sees this loan
    # (and is refused) or has happened (and this check-out is refused).
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError({"participant": _("This record cannot be changed.")})
    device = _lock_device(device)
    if device.hub_id != hub.pk:
        raise ValidationError({"tag": _("This device belongs to another hub.")})
    if Loan.objects.filter(device=device, returned_at__isnull=True).exists():
        raise ValidationError({"tag": _("This device is already lent out.")})
    if device.status == DeviceStatus.RESERVED and request is None:
        raise ValidationError(
            {"tag": _("This device is reserved for someone on the waiting list.")}
        )
    if device.status not in (DeviceStatus.READY, DeviceStatus.RESERVED):
        raise ValidationError(
            {
                "tag": _("This device is not ready to lend (it is “%(status)s”).")
                % {"status": device.get_status_display()}
            }
        )
    policy = queries.policy_for(hub)
    decision = queries.eligibility(policy, participant)
    if not decision.eligible:
        raise ValidationError(
            {"participant": [_("This person may not borrow now."), *decision.reasons]}
        )
    now = timezone.now()
    due_on = None
    if kind == LoanKind.TEMPORARY:
        due_on = timezone.localdate(now) + timedelta(days=policy.loan_days_for(device.kind))
    clash = holdings.loan_reservation_conflict(device.pk, timezone.localdate(now), due_on)
    if clash:
        raise ValidationError({"tag": clash})
    fair = fairness.WaitingCheck(ahead=0)
    if request is None:
        fair = fairness.check_waiting(
            rule=policy.checkout_when_waiting,
            ahead=fairness.people_ahead(
                hub_id=hub.pk, kind=device.kind, participant_id=participant.pk
            ),
            is_coordinator=_may_manage(actor, hub),
            acknowledged=waiting_acknowledged,
            reason=waiting_override_reason,
        )
    approval, request = _checkout_approval(
        actor=actor,
        hub=hub,
        participant=participant,
        kind=device.kind,
        policy=policy,
        request=request,
    )
    language = agreement_language(participant)
    conditions, conditions_language = paperwork.conditions_for(policy, language)
    loan = Loan(
        hub=hub,
        device=device,
        participant=participant,
        request=request,
        kind=kind,
        started_at=now,
        due_on=due_on,
        deposit_cents=policy.deposit_cents,
        language=language,
        conditions=conditions,
        conditions_language=conditions_language,
        goals_plan=goals_plan.strip(),
        signed_at=now if signed_on_paper else None,
        signed_recorded_by=actor if signed_on_paper else None,
        lent_by=actor,
        waiting_override_reason=waiting_override_reason.strip()[:300] if fair.overridden else "",
    )
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError:
        raise ValidationError({"tag": _("This device is already lent out.")}) from None
    if kind != LoanKind.GIFT:
        holdings.hold_for_loan(loan)
    if due_on is not None:
        holdings.claim_loan_days(loan, first=timezone.localdate(now), last=due_on)
    if deposit_method:
        _deposit_collect(
            actor=actor,
            loan=loan,
            received_cents=deposit_received_cents or 0,
            method=deposit_method,
            waiver_reason=deposit_waiver_reason,
        )
    if signed_on_paper:
        paperwork.agreement_keep(actor=actor, loan=loan)
    device_transition(actor=actor, device=device, to=DeviceStatus.ON_LOAN)
    if kind == LoanKind.GIFT:
        device_transition(
            actor=actor, device=device, to=DeviceStatus.RETIRED, reason=RetirementReason.GIVEN_AWAY
        )
    journal_write(
        actor=actor,
        action="lending.checkout",
        subject=loan,
        hub_id=hub.pk,
        details={
            "kind": kind,
            "device": device.pk,
            "due_on": due_on.isoformat() if due_on else "",
            "approval": approval,
            **fair.details(),
        },
        participant=participant.pk,
    )
    return loan


def _locked_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("device").get(pk=loan.pk)


@transaction.atomic
def loan_mark_signed(*, actor: Any, loan: Loan) -> Loan:
    """The agreement was signed on paper: record who saw it and when."""
    loan = _locked_loan(loan)
    if loan.signed_at is not None:
        raise ValidationError(_("The agreement is already marked as signed."))
    loan.signed_at = timezone.now()
    loan.signed_recorded_by = actor
    loan.save(update_fields=["signed_at", "signed_recorded_by", "updated_at"])
    journal_write(actor=actor, action="lending.signed", subject=loan, hub_id=loan.hub_id)
    paperwork.agreement_keep(actor=actor, loan=loan)
    return loan


@transaction.atomic
def loan_sign_on_screen(
    *,
    actor: Any,
    loan: Loan,
    signer_name: str,
    agreed: bool,
    image: bytes | None = None,
) -> LoanSignature:
    """The borrower signs the agreement on screen, with `actor` (staff) as witness:
    a drawn signature (`image`, a small PNG, checked here) or, without one, the full
    name they typed. Either way they must say they read and agree. The signature is
    kept with the loan and the agreement PDF shows it."""
    signer_name = " ".join(signer_name.split())
    errors: dict[str, str] = {}
    if not signer_name:
        errors["signer_name"] = _("Type your full name.")
    elif len(signer_name) > 200:
        errors["signer_name"] = _("The name is too long: at most 200 characters.")
    elif problem := credential_problem(signer_name):
        errors["signer_name"] = problem
    if not agreed:
        errors["agree"] = _("Tick the box to say you read the agreement and agree.")
    if errors:
        raise ValidationError(errors)
    if image:
        validate_signature_png(image)
    loan = _locked_loan(loan)
    if loan.signed_at is not None:
        raise ValidationError(_("The agreement is already signed."))
    now = timezone.now()
    signature = LoanSignature.objects.create(
        hub_id=loan.hub_id,
        loan=loan,
        method=SignatureMethod.DRAWN if image else SignatureMethod.TYPED,
        image=image or b"",
        signer_name=signer_name,
        signed_at=now,
        witnessed_by=actor,
    )
    loan.signed_at = now
    loan.signed_recorded_by = actor
    loan.save(update_fields=["signed_at", "signed_recorded_by", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.signed_on_screen",
        subject=loan,
        hub_id=loan.hub_id,
        details={"method": signature.method},
    )
    paperwork.agreement_keep(actor=actor, loan=loan)
    return signature


@transaction.atomic
def loan_renew(
    *,
    actor: Any,
    loan: Loan,
    waiting_acknowledged: bool = False,
    waiting_override_reason: str = "",
) -> Loan:
    """Extend a temporary loan by the policy's loan period, up to the most renewals. The
    borrower must still be eligible (evidence may have expired since the check-out), and
    when others wait for the kind the policy's rule applies (fairness.check_waiting)."""
    loan = _locked_loan(loan)
    if loan.kind != LoanKind.TEMPORARY or loan.returned_at is not None or loan.due_on is None:
        raise ValidationError(_("Only an open temporary loan can be renewed."))
    policy = queries.policy_for(loan.hub)
    if loan.renewals >= policy.max_renewals:
        raise ValidationError(
            _("This loan was renewed %(count)s time(s); the most is %(max)s.")
            % {"count": loan.renewals, "max": policy.max_renewals}
        )
    decision = queries.renewal_eligibility(policy, loan.participant)
    if not decision.eligible:
        raise ValidationError(
            [_("This person may not renew the loan now."), *decision.reasons],
            code="not_eligible",
        )
    fair = fairness.check_waiting(
        rule=policy.renew_when_waiting,
        ahead=fairness.people_ahead(
            hub_id=loan.hub_id, kind=loan.device.kind, participant_id=loan.participant_id
        ),
        is_coordinator=_may_manage(actor, loan.hub),
        acknowledged=waiting_acknowledged,
        reason=waiting_override_reason,
        renewal=True,
    )
    if fair.overridden:
        loan.waiting_override_reason = waiting_override_reason.strip()[:300]
        loan.save(update_fields=["waiting_override_reason"])
    start = max(loan.due_on, timezone.localdate())
    due_on = start + timedelta(days=policy.loan_days_for(loan.device.kind))
    # The extra days are claimed like the first ones: a reservation in them refuses.
    first = max(loan.due_on + timedelta(days=1), timezone.localdate())
    clash = holdings.loan_reservation_conflict(loan.device_id, first, due_on)
    if clash:
        raise ValidationError(clash)
    holdings.claim_loan_days(loan, first=first, last=due_on)
    loan.due_on = due_on
    loan.renewals += 1
    loan.save(update_fields=["due_on", "renewals", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.renew",
        subject=loan,
        hub_id=loan.hub_id,
        details={
            "due_on": loan.due_on.isoformat(),
            "renewals": loan.renewals,
            **fair.details(),
        },
    )
    return loan


@transaction.atomic
def loan_return(
    *,
    actor: Any,
    loan: Loan,
    powers_on: bool,
    accessories_back: bool,
    data_removed: bool,
    outcome: str,
    damage_note: str = "",
    note: str = "",
    deposit_refunded_cents: int | None = None,
    deposit_kept_reason: str = "",
) -> Loan:
    """Take a device back with the checklist. The device becomes "returned" and then
    follows the outcome: ready (after a new data wipe for devices that store data),
    in repair or retired. A received deposit is settled when `deposit_refunded_cents`
    is given."""
    if outcome not in ReturnOutcome.values:
        raise ValidationError({"outcome": _("Choose what happens with the device.")})
    refuse_credentials(damage_note=damage_note, note=note, deposit_kept_reason=deposit_kept_reason)
    loan = _locked_loan(loan)
    if loan.returned_at is not None or loan.kind == LoanKind.GIFT:
        raise ValidationError(_("This loan is already closed."))
    refusal = _outcome_refusal(outcome, powers_on=powers_on, data_removed=data_removed)
    if refusal:
        raise ValidationError({"outcome": refusal})
    now = timezone.now()
    loan.returned_at = now
    loan.returned_to = actor
    loan.powers_on = powers_on
    loan.accessories_back = accessories_back
    loan.data_removed = data_removed
    loan.damage_note = damage_note.strip()[:500]
    loan.return_note = note.strip()[:500]
    loan.outcome = outcome
    loan.save()
    holdings.release(loan=loan)
    holdings.release_loan_days(loan)
    device = loan.device
    _device_back(actor=actor, device=device, outcome=outcome)
    if deposit_refunded_cents is not None:
        _deposit_refund(
            actor=actor,
            loan=loan,
            refunded_cents=deposit_refunded_cents,
            kept_reason=deposit_kept_reason,
        )
    journal_write(
        actor=actor,
        action="lending.return",
        subject=loan,
        hub_id=loan.hub_id,
        details={
            "outcome": outcome,
            "device": device.pk,
            "powers_on": powers_on,
            "accessories_back": accessories_back,
            "data_removed": data_removed,
        },
    )
    return loan


# --- reservations for partner organisations ---------------------------------------------


def _reserved_in_year(partner: HubPartner, year: int) -> int:
    return ReservedDevice.objects.filter(
        reservation__partner=partner, active=True, starts_on__year=year
    ).count()


@transaction.atomic
def cap_set(*, actor: Any, partner: HubPartner, year: int, max_devices: int) -> OrganisationCap:
    """The most devices `partner` may reserve in `year` (reservations by start date)."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year such as 2026.")})
    cap, _created = OrganisationCap.objects.update_or_create(
        partner=partner, year=year, defaults={"hub_id": partner.hub_id, "max_devices": max_devices}
    )
    journal_write(
        actor=actor,
        action="lending.cap_set",
        subject=cap,
        hub_id=partner.hub_id,
        details={"partner": partner.pk, "year": year, "max_devices": max_devices},
    )
    return cap


@transaction.atomic
def reservation_create(
    *,
    actor: Any,
    hub: Hub,
    partner: HubPartner,
    purpose: str,
    starts_on: date,
    ends_on: date,
    devices: Iterable[Device],
) -> OrganisationReservation:
    """Reserve a set of devices for a partner over a date range. The device rows are
    locked in id order, then overlaps with other reservations and the partner's yearly
    cap are checked. Each device claims each day of the range (ReservationDay, unique
    per device and day), so the database itself refuses an overlap, also for a caller
    that skipped the locks; that refusal gets the same clear message."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the devices are for.")})
    if partner.hub_id != hub.pk:
        raise ValidationError({"partner": _("Choose a partner of this hub.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})
    if (ends_on - starts_on).days >= MAX_RESERVATION_DAYS:
        raise ValidationError(
            {
                "ends_on": _("A reservation lasts at most %(days)s days.")
                % {"days": MAX_RESERVATION_DAYS}
            }
        )
    ids = sorted({device.pk for device in devices})
    if not ids:
        raise ValidationError({"tags": _("Give at least one asset tag.")})
    if len(ids) > MAX_RESERVATION_DEVICES:
        raise ValidationError(
            {"tags": _("At most %(count)s devices at a time.") % {"count": MAX_RESERVATION_DEVICES}}
        )
    locked = _reservation_locks(partner, ids)
    if any(device.hub_id != hub.pk for device in locked) or len(locked) != len(ids):
        raise ValidationError({"tags": _("Give asset tags of this hub's devices.")})
    gone = [str(d.tag) for d in locked if d.status == DeviceStatus.RETIRED]
    if gone:
        raise ValidationError({"tags": _("Retired: %(tags)s.") % {"tags": ", ".join(gone)}})
    on_loan = holdings.loan_conflict_for_reservation(ids, starts_on)
    if on_loan:
        raise ValidationError({"tags": on_loan})
    taken = _days_taken(ids, starts_on, ends_on)
    if taken:
        raise _already_reserved(taken)
    cap = OrganisationCap.objects.filter(partner=partner, year=starts_on.year).first()
    if cap is not None:
        used = _reserved_in_year(partner, starts_on.year)
        if used + len(ids) > cap.max_devices:
            raise ValidationError(
                _(
                    "This partner may reserve %(max)s devices in %(year)s; %(used)s are "
                    "reserved already."
                )
                % {"max": cap.max_devices, "year": starts_on.year, "used": used}
            )
    reservation = OrganisationReservation.objects.create(
        hub=hub,
        partner=partner,
        purpose=purpose[:200],
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    items = ReservedDevice.objects.bulk_create(
        ReservedDevice(
            hub=hub, reservation=reservation, device_id=pk, starts_on=starts_on, ends_on=ends_on
        )
        for pk in ids
    )
    _claim_days(hub=hub, items=items, ids=ids, starts_on=starts_on, ends_on=ends_on)
    journal_write(
        actor=actor,
        action="lending.reserve",
        subject=reservation,
        hub_id=hub.pk,
        details={"partner": partner.pk, "devices": len(ids)},
    )
    return reservation


@transaction.atomic
def reservation_cancel(*, actor: Any, reservation: OrganisationReservation) -> None:
    reservation = OrganisationReservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.cancelled_at is not None:
        raise ValidationError(_("This reservation is already cancelled."))
    if OrganisationLoan.objects.filter(reservation=reservation).exists():
        raise ValidationError(
            _("The devices were handed over: take them back instead of cancelling.")
        )
    reservation.cancelled_at = timezone.now()
    reservation.save(update_fields=["cancelled_at", "updated_at"])
    ReservedDevice.objects.filter(reservation=reservation).update(active=False)
    ReservationDay.objects.filter(item__reservation=reservation).delete()
    journal_write(
        actor=actor,
        action="lending.reservation_cancel",
        subject=reservation,
        hub_id=reservation.hub_id,
    )


# --- Digisprong: a class gets a device per pupil ----------------------------------------


@transaction.atomic
def class_assign(
    *,
    actor: Any,
    hub: Hub,
    rows: list[Mapping[str, str]],
    goals_plan: str = "",
    class_name: str = "",
) -> list[Loan]:
    """Register each pupil of a class list (given name, family name, asset tag, year of
    birth) and assign them the device long-term; a pupil of the class with that name and
    year of birth is not registered again (lending.class_import). All rows or none: any problem gives the list of
    row errors ("Row 3: ...") and nothing is saved. With a `class_name` the loans are
    kept together for the bulk return at the end of the school year (a class of that
    name gets the new pupils added)."""
    class_name = " ".join(class_name.split())
    refuse_credentials(goals_plan=goals_plan)
    if len(class_name) > 100:
        raise ValidationError({"class_name": _("At most 100 characters.")})
    from digibank.people.services import participant_create

    from .class_import import HAS_DEVICE, plan_class_import

    plan = plan_class_import(hub=hub, class_name=class_name, rows=list(rows))
    errors: list[str] = plan.problems
    loans: list[Loan] = []
    for row in plan.rows:
        if row.problem or row.status == HAS_DEVICE or row.device is None:
            continue
        try:
            with transaction.atomic():
                pupil = row.pupil or participant_create(
                    actor=actor,
                    hub=hub,
                    data={
                        "given_name": row.given_name,
                        "family_name": row.family_name,
                        "birth_year": row.birth_year,
                    },
                    target_groups=[TargetGroup.PUPIL],
                )
                loans.append(
                    loan_checkout(
                        actor=actor,
                        hub=hub,
                        device=row.device,
                        participant=pupil,
                        kind=LoanKind.LONG_TERM,
                        goals_plan=goals_plan,
                    )
                )
        except ValidationError as error:
            errors.append(
                _("Row %(row)s: %(problem)s")
                % {"row": row.number, "problem": " ".join(error.messages)}
            )
    if not rows:
        errors.append(_("The file has no pupils."))
    if errors:
        raise ValidationError(errors)
    details: dict[str, Any] = {"loans": len(loans)}
    if class_name:
        school_class, _created = SchoolClass.objects.get_or_create(
            hub=hub, name=class_name, defaults={"created_by": actor}
        )
        SchoolClassLoan.objects.bulk_create(
            SchoolClassLoan(hub=hub, school_class=school_class, loan=loan) for loan in loans
        )
        details["class"] = school_class.pk
    journal_write(actor=actor, action="lending.class_assign", hub_id=hub.pk, details=details)
    return loans


# --- approval at check-out --------------------------------------------------------------


def _may_manage(actor: Any, hub: Hub) -> bool:
    """Whether `actor` is a coordinator of `hub` (holds lending.manage there)."""
    from digibank.accounts.models import Membership

    if actor is None or getattr(actor, "pk", None) is None:
        return False
    membership = Membership.objects.filter(user_id=actor.pk, hub=hub, is_active=True).first()
    return membership is not None and membership.has_perm("lending.manage")


def _checkout_approval(
    *,
    actor: Any,
    hub: Hub,
    participant: Participant,
    kind: str,
    policy: LendingPolicy,
    request: DeviceRequest | None,
) -> tuple[str, DeviceRequest | None]:
    """How a check-out is approved, and the request it fulfils. When the policy wants a
    coordinator's approval: an approved request of this kind (it is on the waiting list)
    is fulfilled by the loan; a coordinator approves by lending (a request waiting for
    approval is fulfilled too); anyone else is refused with the reason."""
    if request is not None:
        return "request", request
    requests = DeviceRequest.objects.select_for_update().filter(participant=participant, kind=kind)
    if not policy.approval_required:
        # The person got a device of the kind they waited for: they leave the list.
        own = requests.filter(status=RequestStatus.WAITING).order_by("priority_at", "id").first()
        if own is not None:
            own.status = RequestStatus.FULFILLED
            own.save(update_fields=["status", "updated_at"])
        return "not_required", own
    approved = requests.filter(status=RequestStatus.WAITING).order_by("priority_at", "id").first()
    if approved is not None:
        approved.status = RequestStatus.FULFILLED
        approved.save(update_fields=["status", "updated_at"])
        return "request", approved
    if _may_manage(actor, hub):
        pending = requests.filter(status=RequestStatus.AWAITING_APPROVAL).order_by("id").first()
        if pending is not None:
            pending.status = RequestStatus.FULFILLED
            pending.save(update_fields=["status", "updated_at"])
        return "coordinator", pending
    if requests.filter(status=RequestStatus.OFFERED).exists():
        raise ValidationError(
            {
                "participant": _(
                    "A device is offered to this person: accept that offer on the waiting "
                    "list instead."
                )
            }
        )
    raise ValidationError(
        {
            "participant": _(
                "In this hub a coordinator must approve each loan. This person has no "
                "approved request for this kind of device: ask a coordinator to approve "
                "the request or to lend the device."
            )
        }
    )


# --- deposits ---------------------------------------------------------------------------


def _euros(cents: int) -> str:
    from digibank.network.templatetags.network import euros

    return euros(cents)


def _deposit_collect(
    *, actor: Any, loan: Loan, received_cents: int, method: str, waiver_reason: str
) -> LoanDeposit:
    waiver_reason = waiver_reason.strip()
    refuse_credentials(deposit_waiver_reason=waiver_reason)
    due = loan.deposit_cents
    if due == 0:
        raise ValidationError(_("This loan has no deposit."))
    if loan.returned_at is not None:
        raise ValidationError(_("This loan is already closed."))
    errors: dict[str, str] = {}
    if method not in DepositMethod.values:
        errors["deposit_method"] = _("Say how the deposit was paid, or that it was waived.")
    elif method == DepositMethod.WAIVED:
        received_cents = 0
    elif not 0 < received_cents <= due:
        errors["deposit_received"] = _("Give an amount of at most %(due)s.") % {"due": _euros(due)}
    if not errors and received_cents < due and not waiver_reason:
        errors["deposit_waiver_reason"] = _("Say why the deposit is (partly) waived.")
    if errors:
        raise ValidationError(errors)
    if LoanDeposit.objects.filter(loan=loan).exists():
        raise ValidationError(_("The deposit of this loan is already recorded."))
    deposit = LoanDeposit.objects.create(
        hub_id=loan.hub_id,
        loan=loan,
        received_cents=received_cents,
        method=method,
        waiver_reason=waiver_reason[:300],
        received_at=timezone.now(),
        received_by=actor,
    )
    journal_write(
        actor=actor,
        action="lending.deposit_collected",
        subject=loan,
        hub_id=loan.hub_id,
        details={"due_cents": due, "received_cents": received_cents, "method": method},
    )
    return deposit


@transaction.atomic
def loan_deposit_collect(
    *, actor: Any, loan: Loan, received_cents: int, method: str, waiver_reason: str = ""
) -> LoanDeposit:
    """Record the deposit of a loan: the amount received and how (cash or bank
    transfer), or that it was waived, with the reason (also for a partial amount)."""
    loan = _locked_loan(loan)
    return _deposit_collect(
        actor=actor,
        loan=loan,
        received_cents=received_cents,
        method=method,
        waiver_reason=waiver_reason,
    )


def _deposit_refund(
    *, actor: Any, loan: Loan, refunded_cents: int, kept_reason: str
) -> LoanDeposit:
    kept_reason = kept_reason.strip()
    refuse_credentials(deposit_kept_reason=kept_reason)
    deposit = LoanDeposit.objects.select_for_update().filter(loan=loan).first()
    if deposit is None or deposit.received_cents == 0:
        raise ValidationError({"deposit_refunded": _("No deposit was received for this loan.")})
    if deposit.refunded_at is not None:
        raise ValidationError(_("The deposit is already settled."))
    if loan.returned_at is None:
        raise ValidationError(_("Refund the deposit when the device is back."))
    if not 0 <= refunded_cents <= deposit.received_cents:
        raise ValidationError(
            {
                "deposit_refunded": _("Refund at most the %(received)s received.")
                % {"received": _euros(deposit.received_cents)}
            }
        )
    if refunded_cents < deposit.received_cents and not kept_reason:
        raise ValidationError(
            {
                "deposit_kept_reason": _(
                    "Say why part of the deposit is kept, for example the damage."
                )
            }
        )
    deposit.refunded_cents = refunded_cents
    deposit.kept_reason = kept_reason[:300]
    deposit.refunded_at = timezone.now()
    deposit.refunded_by = actor
    deposit.save(update_fields=["refunded_cents", "kept_reason", "refunded_at", "refunded_by"])
    journal_write(
        actor=actor,
        action="lending.deposit_refunded",
        subject=loan,
        hub_id=loan.hub_id,
        details={"refunded_cents": refunded_cents, "kept_cents": deposit.kept_cents},
    )
    return deposit


@transaction.atomic
def loan_deposit_refund(
    *, actor: Any, loan: Loan, refunded_cents: int, kept_reason: str = ""
) -> LoanDeposit:
    """Settle the deposit after the return: refund all of it, or keep part (for damage)
    with the reason."""
    loan = _locked_loan(loan)
    return _deposit_refund(
        actor=actor, loan=loan, refunded_cents=refunded_cents, kept_reason=kept_reason
    )


# --- taking devices back (shared by single, organisation and class returns) ------------


def _outcome_refusal(outcome: str, *, powers_on: bool, data_removed: bool) -> str | None:
    if outcome == ReturnOutcome.READY and not (powers_on and data_removed):
        return _(
            "A device can only be lent again when it powers on and the borrower's "
            "data is removed. Choose repair instead."
        )
    return None


def _device_back(*, actor: Any, device: Device, outcome: str) -> None:
    """The device is returned and follows the outcome: ready (after a new data wipe for
    devices that store data), in repair or retired."""
    device_transition(actor=actor, device=device, to=DeviceStatus.RETURNED)
    if outcome == ReturnOutcome.RETIRED:
        device_transition(
            actor=actor, device=device, to=DeviceStatus.RETIRED, reason=RetirementReason.RECYCLED
        )
    elif outcome == ReturnOutcome.REPAIR:
        device_transition(actor=actor, device=device, to=DeviceStatus.IN_REPAIR)
    elif device.stores_data:
        # A new cycle: the devices app wants a data wipe before the device is ready.
        device_transition(actor=actor, device=device, to=DeviceStatus.WIPING)
    else:
        device_transition(actor=actor, device=device, to=DeviceStatus.READY)
        offer_when_ready(actor=actor, device=device)


def offer_when_ready(*, actor: Any, device: Device) -> DeviceOffer | None:
    """A device just became ready: offer it to the first person waiting for its kind
    when the hub's policy says so (else it shows on the "ready and wanted" list)."""
    if not queries.policy_for(device.hub).offer_when_ready:
        return None
    return offer_next(actor=actor, hub=device.hub, device=device)


def _outcomes(ids: list[int], outcome: str, exceptions: Mapping[int, str] | None) -> dict[int, str]:
    """The outcome per row: the shared one, or the row's own exception."""
    chosen = {pk: (exceptions or {}).get(pk) or outcome for pk in ids}
    if any(value not in ReturnOutcome.values for value in chosen.values()):
        raise ValidationError({"outcome": _("Choose what happens with the devices.")})
    return chosen


# --- reservations: day claims -----------------------------------------------------------

MAX_RESERVATION_DAYS = 400
MAX_RESERVATION_DEVICES = 500


def _reservation_locks(partner: HubPartner, ids: list[int]) -> list[Device]:
    """Lock the partner (its yearly cap) and the devices in id order."""
    HubPartner.objects.select_for_update().filter(pk=partner.pk).first()
    return list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _days_taken(ids: Iterable[int], starts_on: date, ends_on: date) -> list[str]:
    """Tags of the devices among `ids` claimed on a day in the range."""
    claimed = ReservationDay.objects.filter(
        device_id__in=list(ids), day__gte=starts_on, day__lte=ends_on
    ).values("device_id")
    return sorted(
        str(tag) for tag in Device.objects.filter(pk__in=claimed).values_list("tag", flat=True)
    )


def _already_reserved(tags: list[str]) -> ValidationError:
    if not tags:
        return ValidationError(
            {"tags": _("Some of these devices were just reserved for this period.")}
        )
    return ValidationError(
        {"tags": _("Already reserved in this period: %(tags)s.") % {"tags": ", ".join(tags)}}
    )


def _claim_days(
    *, hub: Hub, items: list[ReservedDevice], ids: list[int], starts_on: date, ends_on: date
) -> None:
    """One claim row per device and day; the unique constraint refuses a day that is
    taken, whoever took it, and the whole reservation is then refused."""
    pairs = (
        ReservedDevice.objects.filter(reservation_id=items[0].reservation_id)
        .order_by("device_id")  # the same order everywhere: no deadlocks between inserts
        .values_list("pk", "device_id")
    )
    span = (ends_on - starts_on).days + 1
    rows = [
        ReservationDay(
            hub=hub, item_id=item_pk, device_id=device_id, day=starts_on + timedelta(days=n)
        )
        for item_pk, device_id in pairs
        for n in range(span)
    ]
    try:
        with transaction.atomic():
            ReservationDay.objects.bulk_create(rows, batch_size=2000)
    except IntegrityError:
        raise _already_reserved(_days_taken(ids, starts_on, ends_on)) from None


def _release_days(*, reservation_id: int, device_ids: Iterable[int], after: date) -> None:
    # From the day of the return: the device is back and may be lent again today.
    ReservationDay.objects.filter(
        item__reservation_id=reservation_id, device_id__in=list(device_ids), day__gte=after
    ).delete()


# --- loans to partner organisations -----------------------------------------------------


@transaction.atomic
def organisation_checkout(
    *,
    actor: Any,
    reservation: OrganisationReservation,
    device_ids: Iterable[int],
    picked_up_by: str,
    language: str = "nl",
    signed_on_paper: bool = False,
) -> OrganisationLoan:
    """Hand the reserved set over to the partner organisation: each chosen device goes
    on loan, one record says who took it for the organisation and when, with the
    agreement. Reserved devices that were not chosen leave the reservation. All devices
    or none: a device that is not ready is named and nothing is handed over."""
    picked_up_by = " ".join(picked_up_by.split())
    errors: dict[str, str] = {}
    if not picked_up_by:
        errors["picked_up_by"] = _("Say who takes the devices for the organisation.")
    if language not in AGREEMENT_LANGUAGES:
        errors["language"] = _("Choose the language of the agreement.")
    if errors:
        raise ValidationError(errors)
    reservation = OrganisationReservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.cancelled_at is not None:
        raise ValidationError(_("This reservation is cancelled."))
    if OrganisationLoan.objects.filter(reservation=reservation).exists():
        raise ValidationError(_("The devices of this reservation were already handed over."))
    today = timezone.localdate()
    if today < reservation.starts_on:
        raise ValidationError(
            _("The devices can be handed over from %(date)s.")
            % {"date": reservation.starts_on.isoformat()}
        )
    if today > reservation.ends_on:
        raise ValidationError(_("This reservation has ended."))
    reserved = dict(
        ReservedDevice.objects.filter(reservation=reservation, active=True).values_list(
            "device_id", "pk"
        )
    )
    ids = sorted(set(device_ids))
    if not ids:
        raise ValidationError({"devices": _("Choose at least one device.")})
    if set(ids) - set(reserved):
        raise ValidationError({"devices": _("Choose devices of this reservation.")})
    devices = list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    open_loans = set(
        Loan.objects.filter(device_id__in=ids, returned_at__isnull=True).values_list(
            "device_id", flat=True
        )
    )
    not_ready = [
        f"{device.tag} ({device.get_status_display()})"
        for device in devices
        if device.status != DeviceStatus.READY or device.pk in open_loans
    ]
    if not_ready:
        raise ValidationError(
            {
                "devices": _(
                    "Not ready to hand over: %(devices)s. Untick them or make them ready first."
                )
                % {"devices": ", ".join(not_ready)}
            }
        )
    now = timezone.now()
    policy = queries.policy_for(reservation.hub)
    loan = OrganisationLoan.objects.create(
        hub_id=reservation.hub_id,
        reservation=reservation,
        partner_id=reservation.partner_id,
        picked_up_by=picked_up_by[:200],
        handed_over_at=now,
        handed_over_by=actor,
        due_on=reservation.ends_on,
        language=language,
        conditions=policy.conditions,
        signed_at=now if signed_on_paper else None,
        signed_recorded_by=actor if signed_on_paper else None,
    )
    try:
        with transaction.atomic():
            items = OrganisationLoanItem.objects.bulk_create(
                OrganisationLoanItem(hub_id=reservation.hub_id, loan=loan, device=device)
                for device in devices
            )
    except IntegrityError:
        raise ValidationError({"devices": _("One of these devices is already lent out.")}) from None
    holdings.hold_for_organisation(items)
    for device in devices:
        device_transition(actor=actor, device=device, to=DeviceStatus.ON_LOAN)
    left = [device_id for device_id in reserved if device_id not in ids]
    if left:
        ReservedDevice.objects.filter(reservation=reservation, device_id__in=left).update(
            active=False
        )
        ReservationDay.objects.filter(item__reservation=reservation, device_id__in=left).delete()
    journal_write(
        actor=actor,
        action="lending.organisation_checkout",
        subject=loan,
        hub_id=loan.hub_id,
        details={"reservation": reservation.pk, "devices": len(ids), "left_out": len(left)},
    )
    return loan


@transaction.atomic
def organisation_mark_signed(*, actor: Any, loan: OrganisationLoan) -> OrganisationLoan:
    """The organisation's agreement was signed on paper."""
    loan = OrganisationLoan.objects.select_for_update().get(pk=loan.pk)
    if loan.signed_at is not None:
        raise ValidationError(_("The agreement is already marked as signed."))
    loan.signed_at = timezone.now()
    loan.signed_recorded_by = actor
    loan.save(update_fields=["signed_at", "signed_recorded_by", "updated_at"])
    journal_write(
        actor=actor, action="lending.organisation_signed", subject=loan, hub_id=loan.hub_id
    )
    return loan


@transaction.atomic
def organisation_return(
    *,
    actor: Any,
    loan: OrganisationLoan,
    item_ids: Iterable[int],
    powers_on: bool,
    accessories_back: bool,
    data_removed: bool,
    outcome: str,
    note: str = "",
    exceptions: Mapping[int, str] | None = None,
    notes: Mapping[int, str] | None = None,
) -> dict[str, int]:
    """Take devices of an organisation loan back: some or all at once, with one shared
    checklist and outcome, and per device an exception to the outcome and a note. All
    chosen devices or none. Days the devices were still reserved for are freed. Gives
    the number of devices per outcome."""
    loan = OrganisationLoan.objects.select_for_update().get(pk=loan.pk)
    ids = sorted(set(item_ids))
    if not ids:
        raise ValidationError({"items": _("Choose at least one device.")})
    items = list(
        OrganisationLoanItem.objects.select_for_update()
        .filter(loan=loan, pk__in=ids, returned_at__isnull=True)
        .select_related("device")
        .order_by("pk")
    )
    if len(items) != len(ids):
        raise ValidationError(
            {"items": _("Some of these devices are already back. Reload the page.")}
        )
    chosen = _outcomes(ids, outcome, exceptions)
    errors = []
    for item in items:
        refusal = _outcome_refusal(chosen[item.pk], powers_on=powers_on, data_removed=data_removed)
        if refusal:
            errors.append(f"{item.device.tag}: {refusal}")
    if errors:
        raise ValidationError({"outcome": errors})
    now = timezone.now()
    counts: dict[str, int] = {}
    for item in items:
        item.returned_at = now
        item.returned_to = actor
        item.powers_on = powers_on
        item.accessories_back = accessories_back
        item.data_removed = data_removed
        item.note = (((notes or {}).get(item.pk) or "").strip() or note.strip())[:500]
        item.outcome = chosen[item.pk]
        item.save()
        holdings.release(items=[item])
        _device_back(actor=actor, device=item.device, outcome=item.outcome)
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    _release_days(
        reservation_id=loan.reservation_id,
        device_ids=[item.device_id for item in items],
        after=timezone.localdate(now),
    )
    if not OrganisationLoanItem.objects.filter(loan=loan, returned_at__isnull=True).exists():
        loan.closed_at = now
        loan.save(update_fields=["closed_at", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.organisation_return",
        subject=loan,
        hub_id=loan.hub_id,
        details={"devices": len(items), "outcomes": counts, "closed": loan.closed_at is not None},
    )
    return counts


# --- Digisprong: the class gives its devices back ---------------------------------------


@transaction.atomic
def class_return(
    *,
    actor: Any,
    school_class: SchoolClass,
    loan_ids: Iterable[int],
    powers_on: bool,
    accessories_back: bool,
    data_removed: bool,
    outcome: str,
    note: str = "",
    exceptions: Mapping[int, str] | None = None,
    notes: Mapping[int, str] | None = None,
) -> dict[str, int]:
    """End of the school year: take the chosen devices of a class back at once, with one
    shared checklist and outcome and per device an exception and a note. All or
    nothing: a problem with one device names it and nothing is returned. Gives the
    number of devices per outcome."""
    SchoolClass.objects.select_for_update().filter(pk=school_class.pk).first()
    ids = sorted(set(loan_ids))
    if not ids:
        raise ValidationError({"loans": _("Choose at least one device.")})
    loans = list(
        Loan.objects.filter(
            pk__in=ids, school_class_link__school_class=school_class, returned_at__isnull=True
        )
        .select_related("device")
        .order_by("pk")
    )
    if len(loans) != len(ids):
        raise ValidationError(
            {"loans": _("Some of these devices are already back. Reload the page.")}
        )
    chosen = _outcomes(ids, outcome, exceptions)
    errors: list[str] = []
    counts: dict[str, int] = {}
    for loan in loans:
        try:
            loan_return(
                actor=actor,
                loan=loan,
                powers_on=powers_on,
                accessories_back=accessories_back,
                data_removed=data_removed,
                outcome=chosen[loan.pk],
                note=((notes or {}).get(loan.pk) or "").strip() or note,
            )
        except ValidationError as error:
            errors.append(f"{loan.device.tag}: {' '.join(error.messages)}")
        else:
            counts[chosen[loan.pk]] = counts.get(chosen[loan.pk], 0) + 1
    if errors:
        raise ValidationError({"outcome": errors})
    journal_write(
        actor=actor,
        action="lending.class_return",
        subject=school_class,
        hub_id=school_class.hub_id,
        details={"devices": len(loans), "outcomes": counts},
    )
    return counts
