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

from digibank.core.journal import journal_write
from digibank.devices.models import Device, DeviceKind, DeviceStatus, RetirementReason
from digibank.devices.services import device_transition
from digibank.network.models import Hub, HubPartner
from digibank.people.models import Participant, TargetGroup

from . import queries
from .models import (
    DeviceOffer,
    DeviceRequest,
    EvidenceCheck,
    EvidenceKind,
    LendingPolicy,
    Loan,
    LoanKind,
    Need,
    OfferStatus,
    OrganisationCap,
    OrganisationReservation,
    RequestStatus,
    ReservedDevice,
    ReturnOutcome,
)

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


@transaction.atomic
def evidence_record(*, actor: Any, participant: Participant, kind: str) -> EvidenceCheck:
    """Record that evidence of `kind` was seen today by `actor` (never the document)."""
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose the kind of evidence.")})
    if participant.is_anonymised or participant.is_merged:
        raise ValidationError(_("This record cannot be changed."))
    check, _created = EvidenceCheck.objects.update_or_create(
        participant=participant,
        kind=kind,
        defaults={"hub_id": participant.hub_id, "seen_by": actor, "seen_at": timezone.now()},
    )
    journal_write(
        actor=actor,
        action="lending.evidence_seen",
        subject=participant,
        hub_id=participant.hub_id,
        details={"kind": kind},
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
def request_set_urgency(*, actor: Any, request: DeviceRequest, points: int) -> DeviceRequest:
    """Urgency points move a request up the list: each point counts as one day earlier."""
    if not 0 <= points <= 365:
        raise ValidationError({"points": _("Give between 0 and 365 points.")})
    request = _locked_request(request)
    if request.status not in (RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL):
        raise ValidationError(_("Only a request on the waiting list gets urgency points."))
    request.urgency_points = points
    request.priority_at = _priority(request.requested_at, points)
    request.save(update_fields=["urgency_points", "priority_at", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.request_urgency",
        subject=request,
        hub_id=request.hub_id,
        details={"points": points},
    )
    return request


@transaction.atomic
def request_skip(*, actor: Any, request: DeviceRequest, reason: str) -> DeviceRequest:
    """Take a request off the waiting list, with a reason (journaled)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this person is skipped.")})
    request = _locked_request(request)
    if request.status not in (RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL):
        raise ValidationError(_("This request is not on the waiting list."))
    request.status = RequestStatus.SKIPPED
    request.skip_reason = reason[:300]
    request.save(update_fields=["status", "skip_reason", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.request_skip",
        subject=request,
        hub_id=request.hub_id,
        details={"reason": reason[:300]},
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
        .order_by("priority_at", "id")
        .first()
    )
    if request is None:
        return None
    policy = queries.policy_for(hub)
    now = timezone.now()
    offer = DeviceOffer.objects.create(
        hub=hub,
        request=request,
        device=device,
        offered_at=now,
        expires_at=now + timedelta(days=policy.offer_days),
        offered_by=actor,
    )
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
) -> Loan:
    """The person takes the offered device: the offer is accepted once (status changes
    only from open, under a lock) and the device is checked out to them."""
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
        actor=actor, action="lending.offer_accepted", subject=locked, hub_id=locked.hub_id
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
) -> Loan:
    """Lend a device. The device row is locked and the database allows one open loan
    per device, so two check-outs of one device at once never both succeed."""
    if kind not in LoanKind.values:
        raise ValidationError({"kind": _("Choose the kind of loan.")})
    if participant.hub_id != hub.pk:
        raise ValidationError({"participant": _("Choose a person of this hub.")})
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
    loan = Loan(
        hub=hub,
        device=device,
        participant=participant,
        request=request,
        kind=kind,
        started_at=now,
        due_on=due_on,
        deposit_cents=policy.deposit_cents,
        language=agreement_language(participant),
        conditions=policy.conditions,
        goals_plan=goals_plan.strip(),
        signed_at=now if signed_on_paper else None,
        signed_recorded_by=actor if signed_on_paper else None,
        lent_by=actor,
    )
    try:
        with transaction.atomic():
            loan.save()
    except IntegrityError:
        raise ValidationError({"tag": _("This device is already lent out.")}) from None
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
        details={"kind": kind, "device": device.pk, "due_on": due_on.isoformat() if due_on else ""},
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
    return loan


@transaction.atomic
def loan_renew(*, actor: Any, loan: Loan) -> Loan:
    """Extend a temporary loan by the policy's loan period, up to the most renewals."""
    loan = _locked_loan(loan)
    if loan.kind != LoanKind.TEMPORARY or loan.returned_at is not None or loan.due_on is None:
        raise ValidationError(_("Only an open temporary loan can be renewed."))
    policy = queries.policy_for(loan.hub)
    if loan.renewals >= policy.max_renewals:
        raise ValidationError(
            _("This loan was renewed %(count)s time(s); the most is %(max)s.")
            % {"count": loan.renewals, "max": policy.max_renewals}
        )
    start = max(loan.due_on, timezone.localdate())
    loan.due_on = start + timedelta(days=policy.loan_days_for(loan.device.kind))
    loan.renewals += 1
    loan.save(update_fields=["due_on", "renewals", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.renew",
        subject=loan,
        hub_id=loan.hub_id,
        details={"due_on": loan.due_on.isoformat(), "renewals": loan.renewals},
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
) -> Loan:
    """Take a device back with the checklist. The device becomes "returned" and then
    follows the outcome: ready (after a new data wipe for devices that store data),
    in repair or retired."""
    if outcome not in ReturnOutcome.values:
        raise ValidationError({"outcome": _("Choose what happens with the device.")})
    loan = _locked_loan(loan)
    if loan.returned_at is not None or loan.kind == LoanKind.GIFT:
        raise ValidationError(_("This loan is already closed."))
    if outcome == ReturnOutcome.READY and not (powers_on and data_removed):
        raise ValidationError(
            {
                "outcome": _(
                    "A device can only be lent again when it powers on and the borrower's "
                    "data is removed. Choose repair instead."
                )
            }
        )
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
    device = loan.device
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
    cap are checked, so two reservations at once never take the same device."""
    purpose = purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": _("Say what the devices are for.")})
    if partner.hub_id != hub.pk:
        raise ValidationError({"partner": _("Choose a partner of this hub.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})
    ids = sorted({device.pk for device in devices})
    if not ids:
        raise ValidationError({"tags": _("Give at least one asset tag.")})
    HubPartner.objects.select_for_update().filter(pk=partner.pk).first()  # serialise caps
    locked = list(Device.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if any(device.hub_id != hub.pk for device in locked) or len(locked) != len(ids):
        raise ValidationError({"tags": _("Give asset tags of this hub's devices.")})
    gone = [str(d.tag) for d in locked if d.status == DeviceStatus.RETIRED]
    if gone:
        raise ValidationError({"tags": _("Retired: %(tags)s.") % {"tags": ", ".join(gone)}})
    clashes = (
        ReservedDevice.objects.filter(
            device_id__in=ids, active=True, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .select_related("device")
        .order_by("device_id")
    )
    taken = sorted({str(item.device.tag) for item in clashes})
    if taken:
        raise ValidationError(
            {"tags": _("Already reserved in this period: %(tags)s.") % {"tags": ", ".join(taken)}}
        )
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
    ReservedDevice.objects.bulk_create(
        ReservedDevice(
            hub=hub, reservation=reservation, device_id=pk, starts_on=starts_on, ends_on=ends_on
        )
        for pk in ids
    )
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
    reservation.cancelled_at = timezone.now()
    reservation.save(update_fields=["cancelled_at", "updated_at"])
    ReservedDevice.objects.filter(reservation=reservation).update(active=False)
    journal_write(
        actor=actor,
        action="lending.reservation_cancel",
        subject=reservation,
        hub_id=reservation.hub_id,
    )


# --- Digisprong: a class gets a device per pupil ----------------------------------------


@transaction.atomic
def class_assign(
    *, actor: Any, hub: Hub, rows: list[Mapping[str, str]], goals_plan: str = ""
) -> list[Loan]:
    """Register each pupil of a class list (given name, family name, asset tag) and
    assign them the device long-term. All rows or none: any problem gives the list of
    row errors ("Row 3: ...") and nothing is saved."""
    from digibank.devices.queries import device_by_tag
    from digibank.people.services import participant_create

    errors: list[str] = []
    loans: list[Loan] = []
    seen_tags: set[int] = set()
    for number, row in enumerate(rows, start=2):  # row 1 holds the column names
        given, family, tag = (
            row.get(key, "").strip() for key in ("given_name", "family_name", "tag")
        )
        if not (given or family):
            errors.append(_("Row %(row)s: give the pupil's name.") % {"row": number})
            continue
        device = device_by_tag(hub=hub, tag=tag) if tag else None
        if device is None:
            errors.append(
                _("Row %(row)s: no device of this hub has the tag “%(tag)s”.")
                % {"row": number, "tag": tag}
            )
            continue
        if device.pk in seen_tags:
            errors.append(
                _("Row %(row)s: this device is already on an earlier row.") % {"row": number}
            )
            continue
        seen_tags.add(device.pk)
        try:
            with transaction.atomic():
                pupil = participant_create(
                    actor=actor,
                    hub=hub,
                    data={"given_name": given, "family_name": family},
                    target_groups=[TargetGroup.PUPIL],
                )
                loans.append(
                    loan_checkout(
                        actor=actor,
                        hub=hub,
                        device=device,
                        participant=pupil,
                        kind=LoanKind.LONG_TERM,
                        goals_plan=goals_plan,
                    )
                )
        except ValidationError as error:
            errors.append(
                _("Row %(row)s: %(problem)s") % {"row": number, "problem": " ".join(error.messages)}
            )
    if not rows:
        errors.append(_("The file has no pupils."))
    if errors:
        raise ValidationError(errors)
    journal_write(
        actor=actor, action="lending.class_assign", hub_id=hub.pk, details={"loans": len(loans)}
    )
    return loans
