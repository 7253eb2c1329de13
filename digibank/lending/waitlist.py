"""Changes to the waiting list beyond offering: passing a person over for one device
(they keep their place), taking a request off the list with a reason, and recording
that the person withdrew. Same shape as services.py: one transaction, locks, journal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.credentials import refuse_credentials
from digibank.core.journal import journal_write
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_transition

from . import services
from .models import DeviceOffer, DeviceRequest, OfferStatus, RequestStatus, WaitingPass

ON_LIST = (RequestStatus.WAITING, RequestStatus.AWAITING_APPROVAL)
WITHDRAWABLE = (*ON_LIST, RequestStatus.OFFERED)


def _reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": message})
    refuse_credentials(reason=reason)
    return reason[:300]


def _locked(request: DeviceRequest) -> DeviceRequest:
    return DeviceRequest.objects.select_for_update().get(pk=request.pk)


def _open_offer(request: DeviceRequest) -> DeviceOffer | None:
    return (
        DeviceOffer.objects.select_for_update()
        .filter(request=request, status=OfferStatus.OPEN)
        .select_related("hub")
        .first()
    )


@transaction.atomic
def offer_pass_over(*, actor: Any, offer: DeviceOffer, reason: str) -> DeviceOffer | None:
    """Pass the person over for this device only: their open offer ends, their request
    goes back on the list at the same place (never offered this device again), and the
    device is offered to the next person. Gives that new offer, or None."""
    reason = _reason(reason, _("Say why this person is passed over for this device."))
    locked = DeviceOffer.objects.select_for_update().select_related("hub").get(pk=offer.pk)
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(_("This offer was already answered."))
    request = _locked(locked.request)
    now = timezone.now()
    locked.status = OfferStatus.PASSED
    locked.answered_at = now
    locked.save(update_fields=["status", "answered_at"])
    WaitingPass.objects.create(
        hub_id=locked.hub_id,
        request=request,
        device_id=locked.device_id,
        reason=reason,
        passed_at=now,
        passed_by=actor,
    )
    request.status = RequestStatus.WAITING
    request.save(update_fields=["status", "updated_at"])
    device = Device.objects.select_for_update().get(pk=locked.device_id)
    device_transition(actor=actor, device=device, to=DeviceStatus.READY)
    journal_write(
        actor=actor,
        action="lending.offer_passed",
        subject=locked,
        hub_id=locked.hub_id,
        details={"request": request.pk, "device": device.pk},
        participant=request.participant_id,
    )
    return services.offer_next(actor=actor, hub=locked.hub, device=device)


@transaction.atomic
def request_remove(*, actor: Any, request: DeviceRequest, reason: str) -> DeviceRequest:
    """Take a request off the waiting list, with a reason (kept on the request, which
    anonymising erases; never in the append-only journal)."""
    reason = _reason(reason, _("Say why this person is taken off the list."))
    request = _locked(request)
    if request.status not in ON_LIST:
        raise ValidationError(_("This request is not on the waiting list."))
    request.status = RequestStatus.SKIPPED
    request.skip_reason = reason
    request.save(update_fields=["status", "skip_reason", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.request_remove",
        subject=request,
        hub_id=request.hub_id,
        participant=request.participant_id,
    )
    return request


@transaction.atomic
def request_withdraw(*, actor: Any, request: DeviceRequest) -> DeviceRequest:
    """The person no longer wants a device (staff record it on their behalf). An open
    offer ends and its device goes to the next person."""
    request = _locked(request)
    if request.status not in WITHDRAWABLE:
        raise ValidationError(_("This request is no longer open."))
    offer = _open_offer(request)
    if offer is not None:
        services.offer_decline(actor=actor, offer=offer)
    request.refresh_from_db(fields=["status"])
    request.status = RequestStatus.WITHDRAWN
    request.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.request_withdraw",
        subject=request,
        hub_id=request.hub_id,
        participant=request.participant_id,
    )
    return request
