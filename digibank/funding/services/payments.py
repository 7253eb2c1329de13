"""The result-based balance: what a grant paid by users reached still owes at the end
of its period. It is computed from the users reached frozen in the final report (never
from a live count, so the money does not move after the report), by the call's payment
rule, capped at the grant; minus every other instalment. It is an ordinary instalment
tied to the final report, so the officer approves it like any other once that report
is approved (services.grants.instalment_approve). Recomputing replaces a planned
balance; an approved or paid one stays."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digibank.core.journal import journal_write
from digibank.network.templatetags.network import euros

from ..models import Grant, Instalment, PaymentStatus, ReachTier, ReportStatus
from ..payment import balance_basis
from .grants import _locked, final_report

ACTIONS: dict[str, str | Promise] = {
    "funding.result_balance": gettext_lazy("Result-based balance computed"),
}

FROZEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@transaction.atomic
def result_balance_compute(*, actor: Any, grant: Grant) -> Instalment:
    """Plan (or re-plan) the balance from the final report's frozen users reached."""
    locked = _locked(grant)
    tiers = list(ReachTier.objects.filter(grant=locked))
    if not tiers:
        raise ValidationError(
            _("This grant has no reach tiers: its money does not depend on reach.")
        )
    report = final_report(locked)
    if report is None or report.status not in FROZEN_STATUSES:
        raise ValidationError(
            _(
                "The balance is computed from the final report's figures. Wait until the "
                "final report is submitted."
            )
        )
    basis = balance_basis(locked, report, tiers)
    if basis["users_reached"] is None:
        raise ValidationError(_("The final report holds no count of users reached."))
    existing = (
        Instalment.objects.select_for_update().filter(grant=locked, is_result_balance=True).first()
    )
    if existing is not None and existing.status != PaymentStatus.PLANNED:
        raise ValidationError(_("The result-based balance is already approved: it stays as it is."))
    others = Instalment.objects.filter(grant=locked, is_result_balance=False)
    other_cents = int(others.aggregate(total=Sum("amount_cents"))["total"] or 0)
    balance = basis["earned_cents"] - other_cents
    basis["other_instalments_cents"] = other_cents
    if balance <= 0:
        raise ValidationError(
            _(
                "The grant earned %(earned)s and the other instalments already add up to "
                "%(others)s: there is no balance to pay."
            )
            % {"earned": euros(basis["earned_cents"]), "others": euros(other_cents)}
        )
    row = existing or Instalment(grant=locked, is_result_balance=True)
    row.label = _("Result-based balance (%(users)s users reached)") % {
        "users": basis["users_reached"]
    }
    row.amount_cents = balance
    row.planned_on = max(report.due_on, timezone.localdate())
    row.after_report = report
    row.basis = basis
    row.save()
    journal_write(
        actor=actor,
        action="funding.result_balance",
        subject=locked,
        hub_id=locked.hub_id,
        details={"instalment": row.pk, "amount_cents": balance, **basis},
    )
    return row
