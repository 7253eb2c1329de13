"""Users reached, and the money a grant earns by it.

A *user reached* by a hub in a period is a registered participant who, at that hub and
within the period, was helped at a help point (a help question logged for them), was
present at a training meeting, or was lent or given a device (a loan that started).
Each participant counts once, however often and however they were served. Anonymous
visitors are not counted: they cannot be told apart. Anonymised participants still
count (their row, and so their id, remains).

The count is one SQL query: the apps that serve people register a reach source
(people.registry.register_reach_source), each a queryset of participant ids; the
sources are combined with UNION (which removes duplicates) and counted.

Reach tiers: a bounded tier (from_users..to_users) earns its amount in proportion to
the users reached within it, rounded down to the cent; an open tier (no to_users)
earns its amount in full once its lower bound is reached. With the 2025–2026 tiers
(1–1,000: EUR 350,000; 1,001–1,500: +100,000; 1,501–1,750: +30,000; 1,751 and up:
+20,000) a hub that reached 1,250 users has earned 350,000 + 100,000 × 250/500.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from digibank.people.registry import reach_sources, reach_uncounted_sources

from .models import ReachTier


def period_bounds(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """The half-open window [start of starts_on, start of the day after ends_on) in the
    site's time zone (Europe/Brussels)."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(starts_on, time.min), zone)
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min), zone)
    return start, end


def reached_ids(hub_id: int, starts_on: date, ends_on: date) -> QuerySet[Any] | None:
    """The ids of the participants the hub reached in the period (the UNION of the reach
    sources, duplicates removed), as one queryset usable as a subquery; None when no app
    registered a source."""
    start, end = period_bounds(starts_on, ends_on)
    sources = [source(hub_id, start, end).order_by() for source in reach_sources()]
    if not sources:
        return None
    first, *rest = sources
    return (first.union(*rest) if rest else first.distinct()).order_by()


def users_reached(hub_id: int, starts_on: date, ends_on: date) -> int:
    """The number of distinct participants the hub reached from starts_on to ends_on,
    both days included. Exact, one query."""
    ids = reached_ids(hub_id, starts_on, ends_on)
    return 0 if ids is None else ids.count()


def anonymous_served(hub_id: int, starts_on: date, ends_on: date) -> int:
    """Anonymous helps (and other services to people who stayed anonymous) in the
    period: shown next to the users reached, never counted in it."""
    start, end = period_bounds(starts_on, ends_on)
    return sum(source(hub_id, start, end)[1] for source in reach_uncounted_sources())


def users_reached_by_target_group(hub_id: int, starts_on: date, ends_on: date) -> dict[str, int]:
    """The users reached in the period per target group (people.ParticipantTargetGroup):
    a person in two groups counts in both, a person in none in none. One grouped query
    with the reach union as its subquery."""
    from django.db.models import Count

    from digibank.people.models import ParticipantTargetGroup

    ids = reached_ids(hub_id, starts_on, ends_on)
    if ids is None:
        return {}
    rows = (
        ParticipantTargetGroup.objects.filter(participant_id__in=ids)
        .values("group")
        .annotate(number=Count("participant_id"))
        .order_by()
    )
    return {row["group"]: row["number"] for row in rows}


@dataclass(frozen=True)
class TierProgress:
    tier: ReachTier
    users_in_tier: int  # users reached that fall in this tier
    earned_cents: int


def tier_progress(tiers: Iterable[ReachTier], reached: int) -> list[TierProgress]:
    progress = []
    for tier in sorted(tiers, key=lambda tier: tier.from_users):
        if reached < tier.from_users:
            progress.append(TierProgress(tier, 0, 0))
        elif tier.to_users is None:
            progress.append(TierProgress(tier, reached - tier.from_users + 1, tier.amount_cents))
        else:
            width = tier.to_users - tier.from_users + 1
            inside = min(reached, tier.to_users) - tier.from_users + 1
            progress.append(TierProgress(tier, inside, tier.amount_cents * inside // width))
    return progress


def earned_cents(tiers: Iterable[ReachTier], reached: int) -> int:
    """The money earned so far by reaching `reached` users (see the module's rule)."""
    return sum(step.earned_cents for step in tier_progress(tiers, reached))
