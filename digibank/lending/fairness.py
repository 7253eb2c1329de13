"""The fair waiting list: rules that check-out and renewal consult when other people
wait for the same kind of device. Reads and checks only (no writes), so services.py and
waitlist.py can both use them.

The policy says per hub what happens (LendingPolicy.checkout_when_waiting and
renew_when_waiting): "warn" asks the staff member to confirm; "refuse" refuses unless a
coordinator decides otherwise with a reason. The reason stays on the loan (anonymising
erases it); the journal says that it was overridden and how many people waited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digibank.core.credentials import refuse_credentials

from .models import DeviceRequest, RequestStatus, WaitingRule

ACKNOWLEDGED = "waiting_acknowledged"
OVERRIDE_REASON = "waiting_override_reason"


def people_ahead(*, hub_id: int, kind: str, participant_id: int) -> int:
    """People on the hub's waiting list for `kind` who come before this person: everyone
    else waiting, or, when the person waits too, those ahead of them. Two small queries
    over the waiting-list index."""
    waiting = DeviceRequest.objects.filter(hub_id=hub_id, kind=kind, status=RequestStatus.WAITING)
    own = (
        waiting.filter(participant_id=participant_id)
        .order_by("priority_at", "id")
        .values("priority_at", "id")
        .first()
    )
    others = waiting.exclude(participant_id=participant_id)
    if own is not None:
        others = others.filter(
            Q(priority_at__lt=own["priority_at"])
            | Q(priority_at=own["priority_at"], id__lt=own["id"])
        )
    return others.values("participant_id").distinct().count()


@dataclass(frozen=True)
class WaitingCheck:
    """The outcome of a check that passed: for the journal (never the reason's text)."""

    ahead: int
    acknowledged: bool = False
    overridden: bool = False

    def details(self) -> dict[str, Any]:
        if not self.ahead:
            return {}
        return {
            "waiting_ahead": self.ahead,
            "waiting_acknowledged": self.acknowledged,
            "waiting_overridden": self.overridden,
        }


def _waiting_text(ahead: int) -> str:
    return ngettext(
        "%(count)s person waits for this kind of device.",
        "%(count)s people wait for this kind of device.",
        ahead,
    ) % {"count": ahead}


def check_waiting(
    *,
    rule: str,
    ahead: int,
    is_coordinator: bool,
    acknowledged: bool,
    reason: str,
    renewal: bool = False,
) -> WaitingCheck:
    """Apply the policy's rule, or raise a ValidationError naming the field to fill in:
    `waiting_acknowledged` (warn) or `waiting_override_reason` (refuse)."""
    reason = reason.strip()
    if not ahead or rule == WaitingRule.ALLOW:
        return WaitingCheck(ahead=ahead)
    if reason:
        refuse_credentials(**{OVERRIDE_REASON: reason})
    if rule == WaitingRule.WARN:
        if acknowledged or (reason and is_coordinator):
            return WaitingCheck(ahead=ahead, acknowledged=True, overridden=bool(reason))
        if renewal:
            advice = _("Renew only if there is a good reason: tick the box to confirm.")
        else:
            advice = _(
                "Offer a device from the waiting list instead, or tick the box to lend it anyway."
            )
        raise ValidationError(
            {ACKNOWLEDGED: f"{_waiting_text(ahead)} {advice}"}, code="people_waiting"
        )
    # WaitingRule.REFUSE
    if not reason:
        if renewal:
            advice = _(
                "This hub does not renew a loan while others wait; only a coordinator can "
                "decide otherwise, with a reason."
            )
        else:
            advice = _(
                "This hub lends this kind to the first person on the waiting list; only a "
                "coordinator can decide otherwise, with a reason."
            )
        raise ValidationError(
            {OVERRIDE_REASON: f"{_waiting_text(ahead)} {advice}"}, code="people_waiting"
        )
    if not is_coordinator:
        raise ValidationError(
            {OVERRIDE_REASON: _("Only a coordinator can decide to go past the waiting list.")},
            code="people_waiting",
        )
    return WaitingCheck(ahead=ahead, acknowledged=True, overridden=True)


def is_waiting_error(error: ValidationError) -> bool:
    """Whether a service refused because others wait (the form then shows the fields to
    confirm or to give a coordinator's reason)."""
    fields = getattr(error, "error_dict", {})
    return ACKNOWLEDGED in fields or OVERRIDE_REASON in fields
