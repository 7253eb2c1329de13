"""Reads for the grant pages: a programme's grants with what was paid, one grant with
its plan, and the reach a grant's hub achieved so far with the money it earned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from digibank.network.models import Hub, Programme
from digibank.network.templatetags.network import euros
from digibank.people.registry import reach_uncounted_sources

from ..models import (
    Grant,
    GrantAmendment,
    Instalment,
    PaymentRule,
    PaymentStatus,
    ReachTier,
    Report,
)
from ..payment import earned, grant_rule, rule_in_words
from ..reach import TierProgress, period_bounds, users_reached


def _with_paid(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    return grants.annotate(
        paid_cents=Coalesce(
            Sum("instalments__amount_cents", filter=Q(instalments__status=PaymentStatus.PAID)),
            0,
        )
    )


def programme_grants(programme: Programme) -> QuerySet[Grant]:
    """The programme's grants, newest first, with `paid_cents` (paid so far)."""
    return _with_paid(
        Grant.objects.filter(programme=programme).select_related(
            "application__lead_organisation", "hub"
        )
    ).order_by("-starts_on", "-id")


def programme_grant(programme: Programme, pk: int) -> Grant | None:
    if not 0 < pk < 2**63:
        return None
    return (
        Grant.objects.filter(programme=programme, pk=pk)
        .select_related("application__lead_organisation", "application__round__call", "hub")
        .first()
    )


def hub_grants(hub: Hub) -> list[Grant]:
    return list(
        Grant.objects.filter(hub=hub)
        .select_related("application__lead_organisation", "application__round__call")
        .order_by("-starts_on", "-id")[:10]
    )


def grant_instalments(grant: Grant) -> list[Instalment]:
    return list(Instalment.objects.filter(grant=grant).select_related("after_report"))


def grant_reports(grant: Grant) -> list[Report]:
    return list(Report.objects.filter(grant=grant).order_by("due_on", "id"))


@dataclass(frozen=True)
class PlanTotals:
    planned_cents: int  # every instalment, whatever its status
    approved_cents: int
    paid_cents: int
    unplanned_cents: int  # the grant's amount not in any instalment yet


def plan_totals(grant: Grant, instalments: list[Instalment]) -> PlanTotals:
    planned = sum(row.amount_cents for row in instalments)
    approved = sum(row.amount_cents for row in instalments if row.status == PaymentStatus.APPROVED)
    paid = sum(row.amount_cents for row in instalments if row.status == PaymentStatus.PAID)
    return PlanTotals(planned, approved, paid, max(grant.amount_cents - planned, 0))


@dataclass(frozen=True)
class Uncounted:
    label: str
    number: int


@dataclass(frozen=True)
class GrantReach:
    """Users reached in the grant period up to `counted_until`, and what it earned under
    the call's payment rule, capped at the grant (funding.payment). Says how it was
    counted: the period, the moment of the count and what was left out."""

    reached: int
    counted_from: date
    counted_until: date | None  # None: the period has not started yet
    tiers: list[TierProgress]
    earned_cents: int
    tiers_total_cents: int
    rule: str = PaymentRule.STEPS
    rule_label: str = ""
    rule_source: str = ""
    rule_words: list[str] = field(default_factory=list)
    uncapped_cents: int = 0
    capped: bool = False
    counted_at: datetime | None = None
    uncounted: list[Uncounted] = field(default_factory=list)
    anonymous: int = 0  # anonymous helps, not counted as users reached (in `uncounted`)


def _uncounted(hub_id: int, starts_on: date, until: date) -> list[Uncounted]:
    start, end = period_bounds(starts_on, until)
    rows = []
    for source in reach_uncounted_sources():
        label, number = source(hub_id, start, end)
        rows.append(Uncounted(str(label), number))
    return rows


def grant_reach(grant: Grant, *, today: date | None = None) -> GrantReach:
    """The grant's hub's users reached from the grant's start up to today (or the end
    of the grant, if that is earlier), and the money earned by the call's rule. One
    query for the count, one for the tiers, one per source of uncounted reach."""
    today = today or timezone.localdate()
    until = min(today, grant.ends_on)
    tiers = list(ReachTier.objects.filter(grant=grant))
    uncounted: list[Uncounted] = []
    if grant.hub_id is None or until < grant.starts_on:
        reached = 0
        counted_until = None if until < grant.starts_on else until
    else:
        reached = users_reached(grant.hub_id, grant.starts_on, until)
        counted_until = until
        uncounted = _uncounted(grant.hub_id, grant.starts_on, until)
    rule, source = grant_rule(grant)
    result = earned(tiers, reached, rule=rule, cap_cents=grant.amount_cents)
    return GrantReach(
        reached=reached,
        counted_from=grant.starts_on,
        counted_until=counted_until,
        tiers=result.tiers,
        earned_cents=result.earned_cents,
        tiers_total_cents=sum(tier.amount_cents for tier in tiers),
        rule=rule,
        rule_label=str(PaymentRule(rule).label),
        rule_source=source,
        rule_words=rule_in_words(rule, tiers),
        uncapped_cents=result.uncapped_cents,
        capped=result.capped,
        counted_at=timezone.now(),
        uncounted=uncounted,
        anonymous=sum(row.number for row in uncounted),
    )


def grant_amendments(grant: Grant) -> list[GrantAmendment]:
    """The grant's amendments, newest first, each with `lines`: its changes in words."""
    rows = list(
        GrantAmendment.objects.filter(grant=grant).select_related("made_by").order_by("-version")
    )
    for row in rows:
        row.lines = amendment_lines(row.changes)  # type: ignore[attr-defined]
    return rows


def amendment_lines(changes: dict[str, Any]) -> list[str]:
    """An amendment's changes in words, in the active language."""
    lines = []
    if "amount_cents" in changes:
        before, after = changes["amount_cents"]
        lines.append(
            _("Amount: %(before)s → %(after)s") % {"before": euros(before), "after": euros(after)}
        )
    for name, label in (("starts_on", _("Starts on")), ("ends_on", _("Ends on"))):
        if name in changes:
            before, after = (date.fromisoformat(day) for day in changes[name])
            lines.append(f"{label}: {_date(before)} → {_date(after)}")
    if "tiers" in changes:
        lines.append(str(_("The reach tiers changed.")))
    if "instalment" in changes:
        after = changes["instalment"]["after"]
        lines.append(
            _("Instalment “%(label)s”: %(amount)s, planned for %(date)s")
            % {
                "label": after["label"],
                "amount": euros(after["amount_cents"]),
                "date": _date(date.fromisoformat(after["planned_on"])),
            }
        )
    return lines


def _date(day: date) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))
