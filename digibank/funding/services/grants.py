"""Every change to a grant after it was awarded: the bank account (IBAN), the
instalment plan, payments (planned -> approved -> paid) and the reach tiers.

Each service runs in one transaction, locks the grant it changes, enforces the rules,
recomputes totals on the server and writes the journal in the same transaction. Money is
integer cents; the forms convert euros."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumValidationError

from digibank.core.journal import journal_write
from digibank.network.templatetags.network import euros

from ..models import (
    Grant,
    Instalment,
    PaymentStatus,
    ReachTier,
    Report,
    ReportKind,
    ReportStatus,
)
from ..reach import users_reached

ACTIONS: dict[str, str | Promise] = {
    "funding.grant_bank_account": gettext_lazy("Bank account of a grant set"),
    "funding.instalment_add": gettext_lazy("Instalment planned"),
    "funding.instalment_update": gettext_lazy("Instalment changed"),
    "funding.instalment_remove": gettext_lazy("Instalment removed"),
    "funding.instalment_standard_plan": gettext_lazy("Standard instalment plan made"),
    "funding.instalment_approve": gettext_lazy("Payment approved"),
    "funding.instalment_paid": gettext_lazy("Payment recorded as paid"),
    "funding.reach_tiers_set": gettext_lazy("Reach tiers set"),
}

# The standard plan: an advance at the start, the balance after the final report.
ADVANCE_PERCENT = 60


@dataclass(frozen=True)
class TierInput:
    """One reach tier as entered: users from..to (None: open-ended), amount in cents."""

    from_users: int
    to_users: int | None
    amount_cents: int


# The Flemish digibanken tiers for 2025–2026 (see funding.reach).
FLEMISH_2025_2026_TIERS: tuple[TierInput, ...] = (
    TierInput(1, 1000, 350_000_00),
    TierInput(1001, 1500, 100_000_00),
    TierInput(1501, 1750, 30_000_00),
    TierInput(1751, None, 20_000_00),
)


# --- bank account -----------------------------------------------------------------------


def normalise_iban(value: str) -> str:
    """The IBAN in its compact form (no spaces, capitals) if it is valid, else a
    ValidationError on the field "iban" that says what is wrong."""
    compact = stdnum_iban.compact(value or "")
    if not compact:
        raise ValidationError({"iban": _("Enter the IBAN of the account.")})
    try:
        return str(stdnum_iban.validate(compact))
    except StdnumValidationError:
        raise ValidationError(
            {
                "iban": _(
                    "This is not a valid IBAN. Check the letters and digits, for example "
                    "BE71 0961 2345 6769."
                )
            }
        ) from None


def iban_is_valid(value: str) -> bool:
    return bool(value) and bool(stdnum_iban.is_valid(value))


def format_iban(value: str) -> str:
    """In groups of four for reading: BE71 0961 2345 6769."""
    return str(stdnum_iban.format(value)) if value else ""


def _locked(grant: Grant) -> Grant:
    return Grant.objects.select_for_update().get(pk=grant.pk)


@transaction.atomic
def grant_bank_account_set(*, actor: Any, grant: Grant, iban: str, account_holder: str) -> Grant:
    """Set the account the grant is paid to (the lead organisation's). The officer who
    enters it confirms it by doing so (see services.banking)."""
    holder = (account_holder or "").strip()
    errors: dict[str, Any] = {}
    try:
        compact = normalise_iban(iban)
    except ValidationError as error:
        errors.update(error.message_dict)
        compact = ""
    if not holder:
        errors["account_holder"] = [_("Enter the name the account is in.")]
    if errors:
        raise ValidationError(errors)
    locked = _locked(grant)
    changed = locked.iban != compact or locked.account_holder != holder
    locked.iban = compact
    locked.account_holder = holder
    if changed or locked.iban_confirmed_at is None:
        locked.iban_confirmed_at, locked.iban_confirmed_by = timezone.now(), actor
    locked.save(
        update_fields=[
            "iban",
            "account_holder",
            "iban_confirmed_at",
            "iban_confirmed_by",
            "updated_at",
        ]
    )
    journal_write(
        actor=actor,
        action="funding.grant_bank_account",
        subject=locked,
        hub_id=locked.hub_id,
        # The journal keeps the end of the number only: enough to tell accounts apart.
        details={"iban_end": compact[-4:], "changed": changed},
    )
    grant.iban, grant.account_holder = locked.iban, locked.account_holder
    grant.iban_confirmed_at = locked.iban_confirmed_at
    return locked


# --- the instalment plan ----------------------------------------------------------------


def _planned_total(grant: Grant, *, leaving_out: int | None = None) -> int:
    rows = Instalment.objects.filter(grant=grant)
    if leaving_out is not None:
        rows = rows.exclude(pk=leaving_out)
    return int(rows.aggregate(total=Sum("amount_cents"))["total"] or 0)


def _check_instalment(
    grant: Grant,
    *,
    label: str,
    amount_cents: int,
    after_report: Report | None,
    leaving_out: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not label.strip():
        errors["label"] = [_("Say what the instalment is for, for example “Advance”.")]
    if amount_cents <= 0:
        errors["amount"] = [_("Enter an amount of more than € 0.")]
    if after_report is not None and after_report.grant_id != grant.pk:
        errors["after_report"] = [_("Choose one of this grant's reports.")]
    if errors:
        raise ValidationError(errors)
    others = _planned_total(grant, leaving_out=leaving_out)
    if others + amount_cents > grant.amount_cents:
        raise ValidationError(
            {
                "amount": _(
                    "The instalments would add up to %(total)s, more than the grant of "
                    "%(grant)s. At most %(left)s is left to plan."
                )
                % {
                    "total": euros(others + amount_cents),
                    "grant": euros(grant.amount_cents),
                    "left": euros(max(grant.amount_cents - others, 0)),
                }
            }
        )


def _details(instalment: Instalment) -> dict[str, Any]:
    return {
        "label": instalment.label,
        "amount_cents": instalment.amount_cents,
        "planned_on": instalment.planned_on.isoformat(),
        "after_report": instalment.after_report_id,
        "status": instalment.status,
    }


@transaction.atomic
def instalment_add(
    *,
    actor: Any,
    grant: Grant,
    label: str,
    amount_cents: int,
    planned_on: date,
    after_report: Report | None = None,
) -> Instalment:
    """Plan one more payment. The plan's total may not exceed the grant."""
    locked = _locked(grant)
    _check_instalment(locked, label=label, amount_cents=amount_cents, after_report=after_report)
    instalment = Instalment.objects.create(
        grant=locked,
        label=label.strip(),
        amount_cents=amount_cents,
        planned_on=planned_on,
        after_report=after_report,
    )
    journal_write(
        actor=actor,
        action="funding.instalment_add",
        subject=locked,
        hub_id=locked.hub_id,
        details={"instalment": instalment.pk, **_details(instalment)},
    )
    return instalment


def _locked_instalment(instalment: Instalment) -> tuple[Grant, Instalment]:
    grant = _locked(instalment.grant)
    locked = Instalment.objects.select_for_update().get(pk=instalment.pk)
    return grant, locked


@transaction.atomic
def instalment_update(
    *,
    actor: Any,
    instalment: Instalment,
    label: str,
    amount_cents: int,
    planned_on: date,
    after_report: Report | None = None,
) -> Instalment:
    """Change a planned or approved payment. A paid one stays as it was; an approved one
    that changes goes back to planned and must be approved again."""
    grant, locked = _locked_instalment(instalment)
    if locked.status == PaymentStatus.PAID:
        raise ValidationError(_("This instalment is paid. A paid instalment cannot be changed."))
    _check_instalment(
        grant,
        label=label,
        amount_cents=amount_cents,
        after_report=after_report,
        leaving_out=locked.pk,
    )
    before = _details(locked)
    locked.label = label.strip()
    locked.amount_cents = amount_cents
    locked.planned_on = planned_on
    locked.after_report = after_report
    changed = _details(locked) != before
    if changed and locked.status == PaymentStatus.APPROVED:
        locked.status = PaymentStatus.PLANNED
        locked.approved_at = None
        locked.approved_by = None
    locked.save()
    journal_write(
        actor=actor,
        action="funding.instalment_update",
        subject=grant,
        hub_id=grant.hub_id,
        details={"instalment": locked.pk, "before": before, "after": _details(locked)},
    )
    return locked


@transaction.atomic
def instalment_remove(*, actor: Any, instalment: Instalment) -> None:
    grant, locked = _locked_instalment(instalment)
    if locked.status == PaymentStatus.PAID:
        raise ValidationError(_("This instalment is paid. A paid instalment cannot be removed."))
    details = {"instalment": locked.pk, **_details(locked)}
    locked.delete()
    journal_write(
        actor=actor,
        action="funding.instalment_remove",
        subject=grant,
        hub_id=grant.hub_id,
        details=details,
    )


def final_report(grant: Grant) -> Report | None:
    return (
        Report.objects.filter(grant=grant, kind=ReportKind.FINAL).order_by("-due_on", "-id").first()
    )


@transaction.atomic
def instalment_standard_plan(*, actor: Any, grant: Grant) -> list[Instalment]:
    """An advance of 60 % at the start and the balance after the final report (planned
    on the final report's due date, or the grant's end while there is no final report
    yet). Only for a grant without instalments."""
    locked = _locked(grant)
    if Instalment.objects.filter(grant=locked).exists():
        raise ValidationError(
            _(
                "This grant already has instalments. Remove them first, or add more "
                "instalments one by one."
            )
        )
    advance = locked.amount_cents * ADVANCE_PERCENT // 100
    report = final_report(locked)
    rows = [
        Instalment(
            grant=locked,
            label=_("Advance (%(percent)s %%)") % {"percent": ADVANCE_PERCENT},
            amount_cents=advance,
            planned_on=locked.starts_on,
        ),
        Instalment(
            grant=locked,
            label=_("Balance after the final report"),
            amount_cents=locked.amount_cents - advance,
            planned_on=report.due_on if report is not None else locked.ends_on,
            after_report=report,
        ),
    ]
    created = [row for row in rows if row.amount_cents > 0]
    for row in created:
        row.save()
    journal_write(
        actor=actor,
        action="funding.instalment_standard_plan",
        subject=locked,
        hub_id=locked.hub_id,
        details={"instalments": [{"instalment": row.pk, **_details(row)} for row in created]},
    )
    return created


# --- payments ---------------------------------------------------------------------------


@transaction.atomic
def instalment_approve(*, actor: Any, instalment: Instalment) -> Instalment:
    """planned -> approved: the officer agrees it may be paid. Needs a valid IBAN on the
    grant and, for an instalment after a report, that report approved."""
    grant, locked = _locked_instalment(instalment)
    if locked.status != PaymentStatus.PLANNED:
        raise ValidationError(
            _("Only a planned instalment can be approved. This one is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    if not iban_is_valid(grant.iban):
        raise ValidationError(
            _("Enter a valid IBAN for this grant first: the money needs an account to go to.")
        )
    if grant.iban_confirmed_at is None:
        raise ValidationError(
            _(
                "The bank account was entered or changed by the hub and is not confirmed "
                "yet. Confirm the account first."
            )
        )
    report = locked.after_report
    if report is not None and report.status != ReportStatus.APPROVED:
        raise ValidationError(
            _(
                "This instalment is paid after the %(report)s due on %(due)s, which is not "
                "approved yet."
            )
            % {
                "report": report.get_kind_display().lower(),
                "due": date_format(report.due_on, "SHORT_DATE_FORMAT"),
            }
        )
    locked.status = PaymentStatus.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = actor
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    journal_write(
        actor=actor,
        action="funding.instalment_approve",
        subject=grant,
        hub_id=grant.hub_id,
        details={"instalment": locked.pk, "amount_cents": locked.amount_cents},
    )
    return locked


@transaction.atomic
def instalment_mark_paid(
    *, actor: Any, instalment: Instalment, paid_on: date, reference: str
) -> Instalment:
    """approved -> paid, with the date the money left and the payment's reference."""
    grant, locked = _locked_instalment(instalment)
    if locked.status == PaymentStatus.APPROVED and grant.iban_confirmed_at is None:
        # The hub changed the account after the approval: no money leaves until an
        # officer confirmed the new one.
        raise ValidationError(
            _(
                "The bank account was entered or changed by the hub and is not confirmed "
                "yet. Confirm the account first."
            )
        )
    if locked.status != PaymentStatus.APPROVED:
        if locked.status == PaymentStatus.PAID:
            message = _("This instalment is already paid.")
        else:
            message = _("Approve this instalment before you record it as paid.")
        raise ValidationError(message)
    errors: dict[str, list[str]] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = [_("Enter the payment's reference.")]
    if paid_on > timezone.localdate():
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    elif locked.approved_at is not None and paid_on < timezone.localdate(locked.approved_at):
        errors["paid_on"] = [_("The payment date cannot be before the approval.")]
    if errors:
        raise ValidationError(errors)
    locked.status = PaymentStatus.PAID
    locked.paid_on = paid_on
    locked.payment_reference = reference
    locked.save(update_fields=["status", "paid_on", "payment_reference"])
    journal_write(
        actor=actor,
        action="funding.instalment_paid",
        subject=grant,
        hub_id=grant.hub_id,
        details={
            "instalment": locked.pk,
            "amount_cents": locked.amount_cents,
            "paid_on": paid_on.isoformat(),
            "reference": reference,
        },
    )
    return locked


# --- reach tiers ------------------------------------------------------------------------


def check_tiers(tiers: Sequence[TierInput]) -> None:
    """Tiers in order, each starting right after the one before (no overlap, no gap),
    at most one open tier, and it is the last."""
    errors: list[str] = []
    for number, tier in enumerate(tiers, start=1):
        if tier.from_users < 1:
            errors.append(_("Tier %(number)s: start at 1 user or more.") % {"number": number})
        if tier.to_users is not None and tier.to_users < tier.from_users:
            errors.append(
                _("Tier %(number)s: “up to” must not be below “from”.") % {"number": number}
            )
        if tier.amount_cents <= 0:
            errors.append(
                _("Tier %(number)s: enter an amount of more than € 0.") % {"number": number}
            )
        if number > 1:
            before = tiers[number - 2]
            if before.to_users is None:
                errors.append(
                    _(
                        "Tier %(number)s comes after an open tier. Only the last tier may "
                        "be open (without “up to”)."
                    )
                    % {"number": number}
                )
            elif tier.from_users < before.from_users:
                errors.append(
                    _("Tier %(number)s starts below tier %(before)s: put the tiers in order.")
                    % {"number": number, "before": number - 1}
                )
            elif tier.from_users <= before.to_users:
                errors.append(
                    _(
                        "Tier %(number)s overlaps tier %(before)s: it should start at "
                        "%(start)s, after %(end)s."
                    )
                    % {
                        "number": number,
                        "before": number - 1,
                        "start": before.to_users + 1,
                        "end": before.to_users,
                    }
                )
            elif tier.from_users != before.to_users + 1:
                errors.append(
                    _(
                        "Tier %(number)s leaves a gap: it should start at %(start)s, right "
                        "after tier %(before)s."
                    )
                    % {"number": number, "before": number - 1, "start": before.to_users + 1}
                )
    if errors:
        raise ValidationError(errors)


def check_tiers_within(tiers: Sequence[TierInput], amount_cents: int) -> None:
    """The tiers together may not promise more than the grant (the money earned is
    capped at the grant anyway; tiers past it would promise money that never comes)."""
    total = sum(tier.amount_cents for tier in tiers)
    if total > amount_cents:
        raise ValidationError(
            _(
                "The tiers add up to %(total)s, more than the grant of %(grant)s. Lower "
                "the tiers, or amend the grant's amount first."
            )
            % {"total": euros(total), "grant": euros(amount_cents)}
        )


@transaction.atomic
def reach_tiers_set(*, actor: Any, grant: Grant, tiers: Sequence[TierInput]) -> list[ReachTier]:
    """Replace the grant's reach tiers (an empty list removes them)."""
    ordered = list(tiers)
    check_tiers(ordered)
    locked = _locked(grant)
    check_tiers_within(ordered, locked.amount_cents)
    before = [
        [tier.from_users, tier.to_users, tier.amount_cents]
        for tier in ReachTier.objects.filter(grant=locked)
    ]
    ReachTier.objects.filter(grant=locked).delete()
    created = ReachTier.objects.bulk_create(
        ReachTier(
            grant=locked,
            from_users=tier.from_users,
            to_users=tier.to_users,
            amount_cents=tier.amount_cents,
        )
        for tier in ordered
    )
    journal_write(
        actor=actor,
        action="funding.reach_tiers_set",
        subject=locked,
        hub_id=locked.hub_id,
        details={
            "before": before,
            "after": [[tier.from_users, tier.to_users, tier.amount_cents] for tier in ordered],
        },
    )
    return created


def reach_tiers_flemish_2025(*, actor: Any, grant: Grant) -> list[ReachTier]:
    """The Flemish 2025–2026 tiers: 1–1,000: € 350,000; 1,001–1,500: € 100,000;
    1,501–1,750: € 30,000; 1,751 and up: € 20,000."""
    return reach_tiers_set(actor=actor, grant=grant, tiers=FLEMISH_2025_2026_TIERS)


# --- reach count ----------------------------------------------------------------------------


def grant_count_reach(*, grant: Grant) -> int:
    """Count the users the grant's hub reached in the grant period (see funding.reach)
    and keep the number on the grant, for pages and exports that list many grants. A
    derived figure, so not journaled."""
    reached = (
        users_reached(grant.hub_id, grant.starts_on, grant.ends_on)
        if grant.hub_id is not None
        else 0
    )
    grant.reach_users, grant.reach_counted_at = reached, timezone.now()
    Grant.objects.filter(pk=grant.pk).update(
        reach_users=grant.reach_users, reach_counted_at=grant.reach_counted_at
    )
    return reached


def grants_to_count(today: date) -> QuerySet[Grant]:
    """Grants whose count can still change: started, and not counted since the day
    after their period ended."""
    return Grant.objects.filter(starts_on__lte=today).filter(
        Q(reach_counted_at__isnull=True) | Q(reach_counted_at__date__lte=F("ends_on"))
    )
