"""One state model across devices and lending, written down once.

Which lending records go with which device status:

=============  ===========================================================
device status  open lending records of the device
=============  ===========================================================
on loan        exactly one holding: an open loan or an organisation-loan item
reserved       exactly one open offer
anything else  none (no holding, no open offer)
=============  ===========================================================

(A gift is a loan that never closes; its device is retired at once, so a gift is not a
holding.) The database keeps part of it by itself: one open loan, one organisation
item, one holding and one open offer per device (unique constraints), and one claim
per device and day (ReservationDay). The services keep the rest, and the device page
asks this module (through devices.lifecycle.status_seam) before it moves a device
that lending holds:

- retire a device on a person's loan: the lost / stolen / not returned page;
- retire or repair a device on an organisation loan: refused, take it back first;
- retire or repair an offered device: the offer is withdrawn (the person keeps their
  place on the list and is told), then the device moves;
- "ready" for an offered device: refused (it is promised to someone).

`invariant_problems` checks the table against the data (used by the property test)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.core.journal import journal_write
from digibank.core.messaging import MessageKind, send_once
from digibank.devices.lifecycle import Seam
from digibank.devices.models import Device, DeviceStatus
from digibank.devices.services import device_transition
from digibank.network.models import Hub

from . import queries
from .models import (
    DeviceHolding,
    DeviceOffer,
    DeviceRequest,
    Loan,
    LoanKind,
    OfferStatus,
    OrganisationLoanItem,
    RequestStatus,
)


@dataclass(frozen=True)
class Expected:
    holdings: int  # open loans + open organisation-loan items
    open_offers: int


# The table above, as data: the property test and `invariant_problems` read it.
STATUS_RECORDS: dict[str, Expected] = {
    status: Expected(holdings=0, open_offers=0) for status in DeviceStatus.values
}
STATUS_RECORDS[DeviceStatus.ON_LOAN] = Expected(holdings=1, open_offers=0)
STATUS_RECORDS[DeviceStatus.RESERVED] = Expected(holdings=0, open_offers=1)


# --- the device page's seam -----------------------------------------------------------


def device_page_seam(device: Device, to: str) -> Seam | None:
    """What lending says about moving `device` to `to` from the device page."""
    if device.status == DeviceStatus.ON_LOAN:
        return _on_loan_seam(device, to)
    if device.status == DeviceStatus.RESERVED:
        offer = _open_offer(device)
        if offer is None:
            return None  # nothing is promised: the device page may move it
        if to == DeviceStatus.READY:
            return Seam(
                refusal=_(
                    "This device is offered to someone on the waiting list. It stays "
                    "reserved until they take it, say no, or the offer expires."
                )
            )
        if to in (DeviceStatus.RETIRED, DeviceStatus.IN_REPAIR):
            return Seam(perform=_withdraw_then_move)
    return None


def _on_loan_seam(device: Device, to: str) -> Seam | None:
    loan = Loan.objects.filter(device=device, holding__isnull=False).only("pk").first()
    if loan is not None and to == DeviceStatus.RETIRED:
        slug = Hub.objects.filter(pk=device.hub_id).values_list("slug", flat=True).get()
        return Seam(url=reverse("lending:loan_lost", kwargs={"hub": slug, "pk": loan.pk}))
    if loan is not None:
        return Seam(refusal=_("This device is lent out: take it back on the loan page first."))
    if OrganisationLoanItem.objects.filter(device=device, returned_at__isnull=True).exists():
        return Seam(
            refusal=_(
                "This device is lent to an organisation: take it back on the "
                "organisation loan's page first (the outcome can be “retire”)."
            )
        )
    return None


def _open_offer(device: Device) -> DeviceOffer | None:
    return (
        DeviceOffer.objects.filter(device=device, status=OfferStatus.OPEN)
        .select_related("request__participant", "hub")
        .first()
    )


def _withdraw_then_move(actor: Any, device: Device, to: str, reason: str) -> None:
    offer = _open_offer(device)
    if offer is not None:
        offer_withdraw(actor=actor, offer=offer)
    device_transition(actor=actor, device=device, to=to, reason=reason)


def device_became_ready(actor: Any, device: Device) -> None:
    """Registered with the device page: a device made ready may be offered at once."""
    from .services import offer_when_ready

    offer_when_ready(actor=actor, device=device)


# --- withdrawing an offer -------------------------------------------------------------


@transaction.atomic
def offer_withdraw(*, actor: Any, offer: DeviceOffer) -> DeviceRequest:
    """The offered device is no longer available (retired, to repair). The offer is
    withdrawn, the person goes back on the waiting list in the same place (their
    priority is unchanged) and is told in their language. The device stays reserved:
    the caller moves it on in the same transaction."""
    changed = DeviceOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
        status=OfferStatus.WITHDRAWN, answered_at=timezone.now()
    )
    if not changed:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("This offer was already answered."))
    request = DeviceRequest.objects.select_for_update().get(pk=offer.request_id)
    request.status = RequestStatus.WAITING
    request.save(update_fields=["status", "updated_at"])
    journal_write(
        actor=actor,
        action="lending.offer_withdrawn",
        subject=offer,
        hub_id=offer.hub_id,
        details={"request": request.pk, "device": offer.device_id},
        participant=request.participant_id,
    )
    offer_id = offer.pk
    transaction.on_commit(lambda: notify_offer_withdrawn(offer_id))
    return request


def notify_offer_withdrawn(offer_id: int) -> bool:
    """Tell the person, in their language, that the device offered is not available
    after all and that they keep their place (sent once per offer)."""
    from .services import agreement_language

    offer = (
        DeviceOffer.objects.select_related("request__participant", "device", "hub")
        .filter(pk=offer_id, status=OfferStatus.WITHDRAWN)
        .first()
    )
    if offer is None:
        return False
    person = offer.request.participant
    if person.is_anonymised:
        return False
    with translation.override(agreement_language(person)):
        subject = _("The device for you is not available")
        text = _(
            "Hello. The %(kind)s we offered you at %(hub)s cannot be lent after all. "
            "You keep your place on the waiting list. We will tell you when another "
            "one is ready."
        ) % {"kind": offer.device.get_kind_display(), "hub": offer.hub.name}
    return send_once(
        key=f"offer:{offer.pk}:withdrawn",
        subject=str(subject),
        text=str(text),
        kind=MessageKind.SERVICE,
        email=person.email,
        phone=person.phone,
        participant_id=person.pk,
    )


# --- "ready and wanted" ---------------------------------------------------------------


def ready_and_wanted(*, hub: Hub, limit: int = 200) -> list[dict[str, Any]]:
    """Ready devices of kinds people wait for, with the number waiting: staff offer
    them from here when the policy does not offer automatically. Two queries."""
    waiting = queries.waiting_counts(hub=hub)
    if not waiting:
        return []
    devices = (
        Device.objects.filter(hub=hub, status=DeviceStatus.READY, kind__in=list(waiting))
        .select_related("location")
        .order_by("kind", "status_changed_at", "pk")[:limit]
    )
    return [{"device": device, "waiting": waiting[device.kind]} for device in devices]


# --- the invariants -------------------------------------------------------------------


def invariant_problems(*, hub: Hub | None = None) -> list[str]:
    """Every place where the data disagrees with STATUS_RECORDS or the rules around it,
    as short texts (empty: all is well). For tests and checks, not for pages."""
    devices = Device.objects.all() if hub is None else Device.objects.filter(hub=hub)
    counted = devices.annotate(
        n_holds=Count("holding", distinct=True),
        n_loans=Count(
            "loans",
            filter=Q(loans__returned_at__isnull=True) & ~Q(loans__kind="gift"),
            distinct=True,
        ),
        n_org=Count(
            "organisation_loan_items",
            filter=Q(organisation_loan_items__returned_at__isnull=True),
            distinct=True,
        ),
    ).values("pk", "status", "n_holds", "n_loans", "n_org")
    offers = dict(
        DeviceOffer.objects.filter(status=OfferStatus.OPEN, device__in=devices)
        .values("device_id")
        .annotate(n=Count("id"))
        .values_list("device_id", "n")
    )
    problems = []
    for row in counted:
        expected = STATUS_RECORDS[row["status"]]
        open_offers = offers.get(row["pk"], 0)
        out = row["n_loans"] + row["n_org"]
        if out != expected.holdings or row["n_holds"] != expected.holdings:
            problems.append(
                f"device {row['pk']} {row['status']}: {row['n_loans']} loans, {row['n_org']} "
                f"organisation items, {row['n_holds']} holdings"
            )
        if open_offers != expected.open_offers:
            problems.append(f"device {row['pk']} {row['status']}: {open_offers} open offers")
    problems.extend(_request_problems(hub))
    return problems


def _request_problems(hub: Hub | None) -> list[str]:
    problems = []
    requests = DeviceRequest.objects.all() if hub is None else DeviceRequest.objects.filter(hub=hub)
    offered = requests.filter(status=RequestStatus.OFFERED).annotate(
        n=Count("offers", filter=Q(offers__status=OfferStatus.OPEN))
    )
    problems += [f"request {r.pk} offered with {r.n} open offers" for r in offered if r.n != 1]
    with_open_offer = requests.filter(offers__status=OfferStatus.OPEN).exclude(
        status=RequestStatus.OFFERED
    )
    problems += [f"request {r.pk} {r.status} has an open offer" for r in with_open_offer]
    loans = Loan.objects.filter(holding__isnull=False)
    if hub is not None:
        loans = loans.filter(hub=hub)
    for row in loans.values("participant_id", "hub_id").annotate(n=Count("id")):
        most = queries.policy_for(Hub(pk=row["hub_id"])).max_concurrent_loans
        if row["n"] > most:
            problems.append(f"person {row['participant_id']} has {row['n']} loans (most {most})")
    stale = DeviceHolding.objects.filter(
        Q(loan__returned_at__isnull=False) | Q(organisation_item__returned_at__isnull=False)
    )
    problems += [f"holding of device {h.device_id} for a closed record" for h in stale]
    gifts_held = DeviceHolding.objects.filter(loan__kind=LoanKind.GIFT)
    problems += [f"gift of device {h.device_id} is held" for h in gifts_held]
    return problems
