"""Reads for the grant pages: a programme's grants with what was paid, one grant with
its plan, and the reach a grant's hub achieved so far with the money it earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from digibank.network.models import Hub, Programme

from ..models import Grant, Instalment, PaymentStatus, ReachTier, Report
from ..reach import TierProgress, anonymous_served, tier_progress, users_reached


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
        .select_related("application__lead_organisation")
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
class GrantReach:
    """Users reached in the grant period up to `counted_until`, and what it earned."""

    reached: int
    counted_from: date
    counted_until: date | None  # None: the period has not started yet
    tiers: list[TierProgress]
    earned_cents: int
    tiers_total_cents: int
    anonymous: int = 0  # anonymous helps, not counted as users reached


def grant_reach(grant: Grant, *, today: date | None = None) -> GrantReach:
    """The grant's hub's users reached from the grant's start up to today (or the end
    of the grant, if that is earlier). One query for the count, one for the tiers."""
    today = today or timezone.localdate()
    until = min(today, grant.ends_on)
    tiers = list(ReachTier.objects.filter(grant=grant))
    anonymous = 0
    if grant.hub_id is None or until < grant.starts_on:
        reached = 0
        counted_until = None if until < grant.starts_on else until
    else:
        reached = users_reached(grant.hub_id, grant.starts_on, until)
        anonymous = anonymous_served(grant.hub_id, grant.starts_on, until)
        counted_until = until
    progress = tier_progress(tiers, reached)
    return GrantReach(
        reached=reached,
        counted_from=grant.starts_on,
        counted_until=counted_until,
        tiers=progress,
        earned_cents=sum(step.earned_cents for step in progress),
        tiers_total_cents=sum(tier.amount_cents for tier in tiers),
        anonymous=anonymous,
    )
