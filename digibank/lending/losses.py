"""A loan that ends without the device: lost, stolen or not returned. The loan is closed
(so the borrower may borrow again and gets no more reminders), the deposit is kept or
refunded with the reason, the device is retired with the matching reason, and the
journal says who closed it and why. Retiring a lent device from the device page leads
here (state.device_page_seam)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.credentials import refuse_credentials
from digibank.core.journal import journal_write
from digibank.devices.models import RetirementReason
from digibank.devices.services import device_transition

from . import holdings
from .models import Loan, LoanDeposit, LoanKind, LossKind, ReturnOutcome

RETIREMENT_FOR_LOSS = {
    LossKind.LOST: RetirementReason.LOST,
    LossKind.STOLEN: RetirementReason.STOLEN,
    LossKind.NOT_RETURNED: RetirementReason.NOT_RETURNED,
}


def _check(
    *, loan: Loan, loss: str, lost_on: date, police_report: str, refunded_cents: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if loss not in LossKind.values:
        errors["loss"] = _("Choose what happened to the device.")
    if lost_on > timezone.localdate():
        errors["lost_on"] = _("The date cannot be in the future.")
    elif lost_on < timezone.localdate(loan.started_at):
        errors["lost_on"] = _("The date cannot be before the loan started.")
    if len(police_report) > 60:
        errors["police_report"] = _("At most 60 characters.")
    deposit = LoanDeposit.objects.filter(loan=loan).first()
    received = deposit.received_cents if deposit and not deposit.settled else 0
    if received and refunded_cents is None:
        errors["deposit_refunded"] = _("Say how much of the deposit is refunded (0 to keep it).")
    return errors


@transaction.atomic
def loan_close_lost(
    *,
    actor: Any,
    loan: Loan,
    loss: str,
    lost_on: date,
    police_report: str = "",
    deposit_refunded_cents: int | None = None,
    deposit_reason: str = "",
) -> Loan:
    """Close an open loan as lost, stolen or not returned (see the module text). A
    received deposit must be settled at the same time: `deposit_refunded_cents` (0 keeps
    it all) with `deposit_reason` when part of it is kept."""
    police_report = " ".join(police_report.split())
    refuse_credentials(police_report=police_report, deposit_kept_reason=deposit_reason)
    from .services import _deposit_refund, _locked_loan

    loan = _locked_loan(loan)
    if loan.returned_at is not None or loan.kind == LoanKind.GIFT:
        raise ValidationError(_("This loan is already closed."))
    errors = _check(
        loan=loan,
        loss=loss,
        lost_on=lost_on,
        police_report=police_report,
        refunded_cents=deposit_refunded_cents,
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    loan.returned_at = now
    loan.returned_to = actor
    loan.outcome = ReturnOutcome.RETIRED
    loan.loss = loss
    loan.lost_on = lost_on
    loan.police_report = police_report
    loan.save()
    holdings.release(loan=loan)
    holdings.release_loan_days(loan)
    device_transition(
        actor=actor, device=loan.device, to="retired", reason=RETIREMENT_FOR_LOSS[LossKind(loss)]
    )
    settled = False
    if (
        deposit_refunded_cents is not None
        and LoanDeposit.objects.filter(
            loan=loan, received_cents__gt=0, refunded_at__isnull=True
        ).exists()
    ):
        _deposit_refund(
            actor=actor,
            loan=loan,
            refunded_cents=deposit_refunded_cents,
            kept_reason=deposit_reason,
        )
        settled = True
    journal_write(
        actor=actor,
        action="lending.loan_lost",
        subject=loan,
        hub_id=loan.hub_id,
        details={
            "loss": loss,
            "lost_on": lost_on.isoformat(),
            "device": loan.device_id,
            "police_report": bool(police_report),
            "deposit_settled": settled,
        },
        participant=loan.participant_id,
    )
    return loan
