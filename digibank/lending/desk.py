"""The scan desk: what lending knows about one device (who holds it now, until when,
its open offer, its organisation loan, its reservations and past loans) and what a desk
worker can sensibly do next. Reads only; a handful of small queries per device."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.accounts.reads import note_read
from digibank.devices.models import Device, DeviceStatus
from digibank.network.registry import DashboardPanel

from .models import (
    DeviceOffer,
    DeviceRequest,
    Loan,
    OfferStatus,
    OrganisationLoanItem,
    RequestStatus,
    ReservedDevice,
)

HISTORY = 10


@dataclass
class DeviceCard:
    device: Device
    loan: Loan | None = None
    offer: DeviceOffer | None = None
    organisation_item: OrganisationLoanItem | None = None
    reservations: list[ReservedDevice] = field(default_factory=list)
    history: list[Loan] = field(default_factory=list)
    waiting: int = 0

    def people(self) -> list[int]:
        ids = [loan.participant_id for loan in self.history]
        if self.loan is not None:
            ids.insert(0, self.loan.participant_id)
        if self.offer is not None:
            ids.append(self.offer.request.participant_id)
        return list(dict.fromkeys(ids))


def device_card(device: Device, *, history: int = HISTORY) -> DeviceCard:
    """Everything the card and the device page show (five queries)."""
    loans = list(
        Loan.objects.filter(device=device)
        .select_related("participant")
        .order_by("-started_at", "-id")[:history]
    )
    current = next((loan for loan in loans if loan.is_open), None)
    offer = (
        DeviceOffer.objects.filter(device=device, status=OfferStatus.OPEN)
        .select_related("request__participant")
        .first()
    )
    item = (
        OrganisationLoanItem.objects.filter(device=device, returned_at__isnull=True)
        .select_related("loan__partner__organisation")
        .first()
    )
    reservations = list(
        ReservedDevice.objects.filter(device=device, active=True, ends_on__gte=timezone.localdate())
        .select_related("reservation__partner__organisation")
        .order_by("starts_on")[:5]
    )
    waiting = 0
    if device.status == DeviceStatus.READY:
        waiting = DeviceRequest.objects.filter(
            hub_id=device.hub_id, kind=device.kind, status=RequestStatus.WAITING
        ).count()
    return DeviceCard(
        device=device,
        loan=current,
        offer=offer,
        organisation_item=item,
        reservations=reservations,
        history=[loan for loan in loans if loan is not current],
        waiting=waiting,
    )


@dataclass(frozen=True)
class NextAction:
    label: str
    url: str
    primary: bool = False


def next_actions(request: Any, card: DeviceCard) -> list[NextAction]:
    """The sensible next steps at the desk for this device, most likely first."""
    slug = request.hub.slug
    membership = request.membership
    device = card.device
    actions: list[NextAction] = []
    if card.loan is not None:
        actions.append(
            NextAction(
                _("Take it back (return checklist)"),
                reverse("lending:loan_return", kwargs={"hub": slug, "pk": card.loan.pk}),
                primary=True,
            )
        )
        actions.append(
            NextAction(
                _("Open the loan"),
                reverse("lending:loan", kwargs={"hub": slug, "pk": card.loan.pk}),
            )
        )
    if card.organisation_item is not None and membership.has_perm("lending.manage"):
        actions.append(
            NextAction(
                _("Take it back from the organisation"),
                reverse(
                    "lending:organisation_loan",
                    kwargs={"hub": slug, "pk": card.organisation_item.loan_id},
                ),
                primary=True,
            )
        )
    if card.offer is not None:
        actions.append(
            NextAction(
                _("Hand it over to the person it is offered to"),
                reverse("lending:offer_accept", kwargs={"hub": slug, "pk": card.offer.pk}),
                primary=True,
            )
        )
    if device.status == DeviceStatus.READY:
        waiting_url = reverse("lending:waiting", kwargs={"hub": slug}) + f"?kind={device.kind}"
        if card.waiting:
            actions.append(
                NextAction(_("Offer it to the first person waiting"), waiting_url, primary=True)
            )
        actions.append(
            NextAction(
                _("Lend it: open the person's page, then “Lend a device”"),
                reverse("people:list", kwargs={"hub": slug}),
                primary=not card.waiting,
            )
        )
    if membership.has_perm("devices.manage"):
        actions.append(
            NextAction(
                _("Move it to another place"),
                reverse("devices:edit", kwargs={"hub": slug, "pk": device.pk}),
            )
        )
        stock_take = reverse("devices:stock_take_create", kwargs={"hub": slug})
        query = f"?tags={device.tag}"
        if device.location_id:
            query += f"&location={device.location_id}"
        actions.append(NextAction(_("Count it in a stock-take"), stock_take + query))
    return actions


def device_section(request: HttpRequest, device: Device) -> DashboardPanel | None:
    """On the device page: who holds it now, its reservations and past loans, for roles
    that lend (a read of those people, journaled)."""
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_perm("lending.lend"):
        return None
    card = device_card(device)
    note_read(request, *card.people())
    return DashboardPanel(template="lending/device_section.html", context={"card": card})
