"""Amendments: an officer changes a running grant's amount, period, reach tiers or one
of its instalments, always with a reason. Each amendment is a numbered version
(GrantAmendment; the award is version 1), journaled in the same transaction, shown on
the grant page, and the hub's coordinators are told on commit.

Rules: the amount may not fall below what is already approved or paid, nor below the
instalments planned (remove or lower them first); the tiers may not add up to more than
the (new) amount; the period ends after it starts; an amendment that changes nothing is
refused, so every version means something."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write
from digibank.core.validators import refuse_national_numbers
from digibank.network.templatetags.network import euros

from ..models import Grant, GrantAmendment, Instalment, PaymentStatus, ReachTier, Report
from . import grants as grant_services
from .grants import TierInput, _locked, check_tiers, check_tiers_within

ACTIONS: dict[str, str | Promise] = {
    "funding.grant_amend": gettext_lazy("Grant amended"),
}


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the grant is amended.")})
    refuse_national_numbers(reason=reason)
    return reason


def _tiers_as_rows(tiers: Sequence[TierInput] | Sequence[ReachTier]) -> list[list[int | None]]:
    return [[tier.from_users, tier.to_users, tier.amount_cents] for tier in tiers]


def _record(*, actor: Any, grant: Grant, reason: str, changes: dict[str, Any]) -> GrantAmendment:
    """The next version of the grant, journaled; the hub is told once it is committed."""
    last = GrantAmendment.objects.filter(grant=grant).aggregate(last=Max("version"))["last"]
    amendment = GrantAmendment.objects.create(
        grant=grant, version=(last or 1) + 1, reason=reason, changes=changes, made_by=actor
    )
    journal_write(
        actor=actor,
        action="funding.grant_amend",
        subject=grant,
        hub_id=grant.hub_id,
        details={"version": amendment.version, "changes": changes, "reason": reason},
    )
    from ..tasks import notify_grant_amended

    amendment_id = amendment.pk
    transaction.on_commit(lambda: notify_grant_amended.enqueue(amendment_id))
    return amendment


def _check_amount(grant: Grant, amount_cents: int) -> None:
    if amount_cents <= 0:
        raise ValidationError({"amount": _("Enter an amount of more than € 0.")})
    rows = Instalment.objects.filter(grant=grant)
    committed = int(
        rows.exclude(status=PaymentStatus.PLANNED).aggregate(total=Sum("amount_cents"))["total"]
        or 0
    )
    planned = int(rows.aggregate(total=Sum("amount_cents"))["total"] or 0)
    if amount_cents < committed:
        raise ValidationError(
            {
                "amount": _("%(committed)s is already approved or paid: the grant cannot be lower.")
                % {"committed": euros(committed)}
            }
        )
    if amount_cents < planned:
        raise ValidationError(
            {
                "amount": _(
                    "The instalments add up to %(planned)s, more than %(amount)s. Lower or "
                    "remove instalments first."
                )
                % {"planned": euros(planned), "amount": euros(amount_cents)}
            }
        )


@transaction.atomic
def grant_amend(
    *,
    actor: Any,
    grant: Grant,
    reason: str,
    amount_cents: int,
    starts_on: date,
    ends_on: date,
    tiers: Sequence[TierInput] | None = None,
) -> GrantAmendment:
    """Change the grant's amount, period and (when given) reach tiers, with a reason."""
    reason = _check_reason(reason)
    locked = _locked(grant)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The grant must end after it starts.")})
    _check_amount(locked, amount_cents)
    changes: dict[str, Any] = {}
    if amount_cents != locked.amount_cents:
        changes["amount_cents"] = [locked.amount_cents, amount_cents]
    if starts_on != locked.starts_on:
        changes["starts_on"] = [locked.starts_on.isoformat(), starts_on.isoformat()]
    if ends_on != locked.ends_on:
        changes["ends_on"] = [locked.ends_on.isoformat(), ends_on.isoformat()]
    current = list(ReachTier.objects.filter(grant=locked))
    new_tiers = list(tiers) if tiers is not None else None
    if new_tiers is not None:
        check_tiers(new_tiers)
        check_tiers_within(new_tiers, amount_cents)
        if _tiers_as_rows(new_tiers) != _tiers_as_rows(current):
            changes["tiers"] = [_tiers_as_rows(current), _tiers_as_rows(new_tiers)]
    else:
        check_tiers_within(
            [TierInput(t.from_users, t.to_users, t.amount_cents) for t in current], amount_cents
        )
    if not changes:
        raise ValidationError(_("Nothing changes: change the amount, the period or the tiers."))
    locked.amount_cents, locked.starts_on, locked.ends_on = amount_cents, starts_on, ends_on
    locked.save(update_fields=["amount_cents", "starts_on", "ends_on", "updated_at"])
    if "tiers" in changes and new_tiers is not None:
        ReachTier.objects.filter(grant=locked).delete()
        ReachTier.objects.bulk_create(
            ReachTier(
                grant=locked,
                from_users=tier.from_users,
                to_users=tier.to_users,
                amount_cents=tier.amount_cents,
            )
            for tier in new_tiers
        )
    grant.amount_cents, grant.starts_on, grant.ends_on = amount_cents, starts_on, ends_on
    return _record(actor=actor, grant=locked, reason=reason, changes=changes)


@transaction.atomic
def instalment_amend(
    *,
    actor: Any,
    instalment: Instalment,
    reason: str,
    label: str,
    amount_cents: int,
    planned_on: date,
    after_report: Report | None = None,
) -> GrantAmendment:
    """Change one instalment of a running grant as an amendment (with a reason)."""
    reason = _check_reason(reason)
    before = grant_services._details(instalment)
    updated = grant_services.instalment_update(
        actor=actor,
        instalment=instalment,
        label=label,
        amount_cents=amount_cents,
        planned_on=planned_on,
        after_report=after_report,
    )
    after = grant_services._details(updated)
    if after == before:
        raise ValidationError(_("Nothing changes in this instalment."))
    return _record(
        actor=actor,
        grant=updated.grant,
        reason=reason,
        changes={"instalment": {"id": updated.pk, "before": before, "after": after}},
    )
