"""Daily roll-ups of help questions (helpdesk.HelpDayCount), so a grant report over a
year of a big hub reads a few thousand counters instead of half a million helps.

Why maintained in the services, not refreshed by a task: the report's figures are
frozen at submission and feed money, so they must be exact at any moment, without a
"counted at" caveat; a day's recount is a handful of indexed queries over that one day
of one hub (a few hundred helps at most), cheap next to the write that caused it.

How it stays exact: there is one recount, `refresh(hub_id=, days=)`, which counts a
hub's day again from the helps themselves (never by adding or subtracting deltas, which
drift the day one write path forgets). Every write path of help questions (log, tally,
update, leave anonymous, merge, and any later one such as withdrawing a help) calls it
for the days it touched, inside its own transaction. The day's "all" row is locked
first (select_for_update), so two transactions recounting the same day run one after
the other and the second sees the first's committed helps (PostgreSQL, read committed);
SQLite serialises writers anyway. `rebuild()` (management command
`helpdesk_rollups_rebuild`, also run by the migration that created the table) recounts
everything in bulk with grouped queries.

Which helps count: `counted()` is the one filter both the roll-up and the direct
count use, so a state that must not count (a withdrawn help) is excluded in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, F, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

ALL = "all"
TOPIC = "topic"
CHANNEL = "channel"
OUTCOME = "outcome"
# Key "1": nobody registered (an anonymous visitor or a tally), "0": a person. Shown
# next to the users reached, never counted in it.
ANONYMOUS = "anonymous"
DIMENSIONS = (ALL, TOPIC, CHANNEL, OUTCOME, ANONYMOUS)
BULK_BATCH = 5_000

Key = tuple[int, date, str, str]  # hub, day, dimension, key


def counted(helps: QuerySet[Any]) -> QuerySet[Any]:
    """The helps that count in figures: not withdrawn. Explicit rather than left to the
    default manager, so the migration's historical model counts the same."""
    return helps.filter(withdrawn_at__isnull=True)


def _columns() -> dict[str, Any]:
    """Dimensions counted from the help question itself: dimension -> expression."""
    return {
        CHANNEL: F("channel"),
        OUTCOME: F("outcome"),
        ANONYMOUS: Case(
            When(participant__isnull=True, then=Value("1")),
            default=Value("0"),
            output_field=CharField(),
        ),
    }


def count_helps(helps: QuerySet[Any]) -> dict[tuple[str, str], int]:
    """{(dimension, key): number} of these (counted) helps, straight from the rows."""
    counts: dict[tuple[str, str], int] = {}
    total = helps.count()
    if not total:
        return counts
    counts[(ALL, "")] = total
    links = helps.model.topics.through.objects.filter(helpquestion__in=helps.values("pk"))
    for row in links.values("helptopic_id").annotate(number=Count("pk")).order_by():
        counts[(TOPIC, str(row["helptopic_id"]))] = row["number"]
    for dimension, column in _columns().items():
        rows = helps.annotate(value=column).values("value").annotate(number=Count("pk"))
        for row in rows.order_by():
            counts[(dimension, str(row["value"]))] = row["number"]
    return counts


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the site's time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return start, end


def whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """(first day, last day) when [start, end) is made of whole local days, else None
    (then only a direct count is exact)."""
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    if local_start.time() != time.min or local_end.time() != time.min or end <= start:
        return None
    first, last = local_start.date(), local_end.date() - timedelta(days=1)
    return (first, last) if day_bounds(first, last) == (start, end) else None


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


# --- keeping it exact ----------------------------------------------------------------------


def _models() -> tuple[Any, Any]:
    from .models import HelpDayCount, HelpQuestion

    return HelpDayCount, HelpQuestion


def _day_rows(hub_id: int, day: date) -> tuple[int, list[tuple[str, str, int]]]:
    """(total, [(dimension, key, number)]) of one hub's day, counted from the helps."""
    _count_model, help_model = _models()
    start, end = day_bounds(day, day)
    helps = counted(
        help_model._base_manager.filter(hub_id=hub_id, occurred_at__gte=start, occurred_at__lt=end)
    )
    counts = count_helps(helps)
    total = counts.pop((ALL, ""), 0)
    return total, [(dimension, key, number) for (dimension, key), number in counts.items()]


@transaction.atomic
def refresh(*, hub_id: int, days: Iterable[date]) -> None:
    """Count the hub's days again from its helps (exact, whatever happened before).
    Call it in the transaction of any write that adds, removes or changes helps."""
    count_model, _help_model = _models()
    for day in sorted(set(days)):
        lock, _created = count_model.objects.get_or_create(
            hub_id=hub_id, day=day, dimension=ALL, key="", defaults={"number": 0}
        )
        count_model.objects.select_for_update().filter(pk=lock.pk).first()
        total, rows = _day_rows(hub_id, day)
        count_model.objects.filter(hub_id=hub_id, day=day).exclude(dimension=ALL).delete()
        count_model.objects.bulk_create(
            count_model(hub_id=hub_id, day=day, dimension=dimension, key=key, number=number)
            for dimension, key, number in rows
        )
        count_model.objects.filter(pk=lock.pk).update(number=total)


def refresh_helps(helps: Iterable[Any], *, also: Iterable[tuple[int, date]] = ()) -> None:
    """Refresh the days of these helps (and the (hub id, day) pairs in `also`, e.g. the
    day a help was moved away from)."""
    by_hub: dict[int, set[date]] = {}
    for help_ in helps:
        by_hub.setdefault(help_.hub_id, set()).add(local_day(help_.occurred_at))
    for hub_id, day in also:
        by_hub.setdefault(hub_id, set()).add(day)
    for hub_id, days in sorted(by_hub.items()):
        refresh(hub_id=hub_id, days=days)


# --- bulk ---------------------------------------------------------------------------------


class Tally:
    """Counts helps as a bulk loader writes them (demo data), so their roll-up is
    written in bulk afterwards without reading the helps back."""

    def __init__(self) -> None:
        self.counts: Counter[Key] = Counter()

    def add(
        self,
        *,
        hub_id: int,
        day: date,
        topic_ids: Iterable[int],
        channel: str,
        outcome: str,
        anonymous: bool,
    ) -> None:
        counts = self.counts
        counts[(hub_id, day, ALL, "")] += 1
        counts[(hub_id, day, CHANNEL, channel)] += 1
        counts[(hub_id, day, OUTCOME, outcome)] += 1
        counts[(hub_id, day, ANONYMOUS, "1" if anonymous else "0")] += 1
        for topic_id in topic_ids:
            counts[(hub_id, day, TOPIC, str(topic_id))] += 1


def _grouped(help_model: Any, link_model: Any) -> Iterator[tuple[Key, int]]:
    zone = timezone.get_current_timezone()
    helps = counted(help_model._base_manager.all())
    day = TruncDate("occurred_at", tzinfo=zone)
    for row in (
        helps.annotate(day=day).values("hub_id", "day").annotate(number=Count("pk")).order_by()
    ):
        yield (row["hub_id"], row["day"], ALL, ""), row["number"]
    for dimension, column in _columns().items():
        rows = (
            helps.annotate(day=day, value=column)
            .values("hub_id", "day", "value")
            .annotate(number=Count("pk"))
            .order_by()
        )
        for row in rows:
            yield (row["hub_id"], row["day"], dimension, str(row["value"])), row["number"]
    link_day = TruncDate("helpquestion__occurred_at", tzinfo=zone)
    links = link_model.objects.filter(helpquestion__in=helps.values("pk"))
    rows = (
        links.annotate(day=link_day)
        .values("helpquestion__hub_id", "day", "helptopic_id")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for row in rows:
        key = (row["helpquestion__hub_id"], row["day"], TOPIC, str(row["helptopic_id"]))
        yield key, row["number"]


def write_counts(count_model: Any, counts: Iterable[tuple[Key, int]]) -> int:
    """Insert counters in batches (the table is expected empty for these days)."""
    written = 0
    batch: list[Any] = []
    for (hub_id, day, dimension, key), number in counts:
        batch.append(
            count_model(hub_id=hub_id, day=day, dimension=dimension, key=key, number=number)
        )
        if len(batch) >= BULK_BATCH:
            count_model.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        count_model.objects.bulk_create(batch)
        written += len(batch)
    return written


@transaction.atomic
def rebuild(help_model: Any = None, count_model: Any = None, link_model: Any = None) -> int:
    """Recount every hub's every day from the helps, in bulk (grouped queries): the
    repair after an import that bypassed the services. Returns the rows written. The
    models can be given (the migration passes its historical ones)."""
    if help_model is None or count_model is None:
        count_model, help_model = _models()
    link_model = link_model or help_model.topics.through
    count_model.objects.all().delete()
    return write_counts(count_model, _grouped(help_model, link_model))


# --- reading ------------------------------------------------------------------------------


def day_counts(
    hub_id: int, first: date, last: date, dimensions: Iterable[str]
) -> dict[tuple[str, str], int]:
    """{(dimension, key): helps} of the hub from `first` to `last` (both included).
    One query over the roll-up's covering index."""
    count_model, _help_model = _models()
    rows = (
        count_model.objects.filter(
            hub_id=hub_id, dimension__in=list(dimensions), day__gte=first, day__lte=last
        )
        .values("dimension", "key")
        .annotate(total=Sum("number"))
        .order_by()
    )
    return {(row["dimension"], row["key"]): int(row["total"]) for row in rows if row["total"]}


def direct_counts(hub_id: int, first: date, last: date) -> dict[tuple[str, str], int]:
    """The same figures as day_counts, counted from the helps (for the tests and for
    checking a roll-up)."""
    start, end = day_bounds(first, last)
    _count_model, help_model = _models()
    return count_helps(
        counted(
            help_model._base_manager.filter(
                hub_id=hub_id, occurred_at__gte=start, occurred_at__lt=end
            )
        )
    )


__all__ = [
    "ALL",
    "ANONYMOUS",
    "CHANNEL",
    "DIMENSIONS",
    "OUTCOME",
    "TOPIC",
    "Tally",
    "counted",
    "day_counts",
    "direct_counts",
    "rebuild",
    "refresh",
    "refresh_helps",
    "whole_days",
    "write_counts",
]
