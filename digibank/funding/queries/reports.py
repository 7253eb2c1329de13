"""Reads of the reports area: a hub's live figures for a report period, the reports a
coordinator or an officer sees, and the programme dashboard (money, rounds, grants'
reach). Every function runs a bounded number of queries, whatever the amount of data:
the live figures cost a fixed few queries per registered figure provider, the dashboard
a fixed number; the grants' reach comes from their daily count."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from digibank.network.models import Hub, Programme
from digibank.people.models import TargetGroup
from digibank.people.registry import ReportFigure, report_figure_providers

from .. import payment
from ..models import (
    Application,
    ApplicationStatus,
    Grant,
    Instalment,
    PaymentStatus,
    ReachTier,
    Report,
    ReportStatus,
    Round,
)
from ..reach import period_bounds, users_reached, users_reached_by_target_group

# Reports the coordinator still has to write (or rewrite).
OPEN_STATUSES = (ReportStatus.DUE, ReportStatus.CHANGES_REQUESTED)
# Reminders start this many days before the due date.
REMINDER_DAYS = 14


# --- live figures ---------------------------------------------------------------------


def live_figures(hub: Hub | int, starts_on: date, ends_on: date) -> list[ReportFigure]:
    """The hub's figures for the period (both days included), computed now from its own
    data: users reached (see funding.reach), users reached by target group, and every
    figure the other apps register (help questions by topic, training hours, devices
    lent by kind). Aggregates only."""
    hub_id = hub if isinstance(hub, int) else hub.pk
    groups = dict(TargetGroup.choices)
    by_group = users_reached_by_target_group(hub_id, starts_on, ends_on)
    figures = [
        ReportFigure(
            key="funding.users_reached",
            label=_("People reached (helped, trained or lent a device; each counted once)"),
            value=users_reached(hub_id, starts_on, ends_on),
        ),
        ReportFigure(
            key="funding.target_groups",
            label=_("People reached by target group (a person can be in several groups)"),
            value=sum(by_group.values()),
            breakdown=[
                (str(label), by_group[code]) for code, label in groups.items() if code in by_group
            ],
        ),
    ]
    start, end = period_bounds(starts_on, ends_on)
    for provider in report_figure_providers():
        figures.extend(provider(hub_id, start, end))
    return figures


def figures_snapshot(
    figures: Iterable[ReportFigure],
    *,
    computed_at: datetime,
    translations: dict[str, list[ReportFigure]] | None = None,
) -> dict[str, Any]:
    """The figures as JSON for Report.figures (frozen at submission).

    Each figure keeps its stable key and, from `translations` (the same figures computed
    in each language, see figure_translations), its label in every language, so a report
    reads in the reader's language, not the submitter's. `label` stays as written, for
    a language added later."""
    labels = _labels_by_key(translations or {})
    rows = []
    for figure in figures:
        figure_labels, breakdown_labels = labels.get(figure.key, ({}, []))
        rows.append(
            {
                "key": figure.key,
                "label": str(figure.label),
                "labels": figure_labels,
                "value": figure.value,
                "breakdown": [
                    [str(label), value, _nth(breakdown_labels, index, value)]
                    for index, (label, value) in enumerate(figure.breakdown)
                ],
            }
        )
    return {"computed_at": computed_at.isoformat(), "figures": rows}


BreakdownLabels = list[tuple[int | float, dict[str, str]]]


def _labels_by_key(
    translations: dict[str, list[ReportFigure]],
) -> dict[str, tuple[dict[str, str], BreakdownLabels]]:
    """key -> ({language: label}, [(value, {language: label}) per breakdown row])."""
    found: dict[str, tuple[dict[str, str], BreakdownLabels]] = {}
    for language, figures in translations.items():
        for figure in figures:
            labels, rows = found.setdefault(figure.key, ({}, []))
            labels[language] = str(figure.label)
            for index, (label, value) in enumerate(figure.breakdown):
                if index == len(rows):
                    rows.append((value, {}))
                rows[index][1][language] = str(label)
    return found


def _nth(rows: BreakdownLabels, index: int, value: int | float) -> dict[str, str]:
    """The row's labels, when the row in the other languages is the same row (same
    place, same number: the providers order rows by number, then by code)."""
    if index < len(rows) and rows[index][0] == value:
        return rows[index][1]
    return {}


def figure_translations(
    hub_id: int, starts_on: date, ends_on: date
) -> dict[str, list[ReportFigure]]:
    """The live figures computed in each of the site's languages (for their labels)."""
    translated = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translated[language] = live_figures(hub_id, starts_on, ends_on)
    return translated


def frozen_figures(
    hub_id: int, starts_on: date, ends_on: date, *, computed_at: datetime
) -> dict[str, Any]:
    """The hub's figures for the period as Report.figures keeps them."""
    return figures_snapshot(
        live_figures(hub_id, starts_on, ends_on),
        computed_at=computed_at,
        translations=figure_translations(hub_id, starts_on, ends_on),
    )


@dataclass(frozen=True)
class ShownFigure:
    """A figure as a template shows it (live or frozen)."""

    key: str
    label: str
    value: int | float
    breakdown: list[tuple[str, int | float]]

    @property
    def anchor(self) -> str:
        """For the row's id: "helpdesk.questions" -> "helpdesk-questions"."""
        return self.key.replace(".", "-").replace("_", "-")


def shown_live(figures: Iterable[ReportFigure]) -> list[ShownFigure]:
    return [
        ShownFigure(figure.key, str(figure.label), figure.value, list(figure.breakdown))
        for figure in figures
    ]


def _in_language(labels: Any, fallback: Any) -> str:
    """The label in the reader's language, else as the submitter read it."""
    if isinstance(labels, dict) and (label := labels.get(translation.get_language())):
        return str(label)
    return str(fallback)


def shown_frozen(snapshot: dict[str, Any]) -> list[ShownFigure]:
    rows = snapshot.get("figures", []) if isinstance(snapshot, dict) else []
    return [
        ShownFigure(
            str(row.get("key", "")),
            _in_language(row.get("labels"), row.get("label", "")),
            row.get("value", 0),
            [
                (_in_language(line[2] if len(line) > 2 else None, line[0]), line[1])
                for line in row.get("breakdown", [])
            ],
        )
        for row in rows
        if isinstance(row, dict)
    ]


def frozen_at(snapshot: dict[str, Any]) -> datetime | None:
    raw = snapshot.get("computed_at") if isinstance(snapshot, dict) else None
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        return None


# --- reports --------------------------------------------------------------------------


def hub_reports(hub: Hub) -> QuerySet[Report]:
    """The reports of the hub's grants, soonest due first."""
    return (
        Report.objects.filter(grant__hub=hub)
        .select_related("grant__application")
        .order_by("due_on", "id")
    )


def grant_reports(grant: Grant) -> QuerySet[Report]:
    return Report.objects.filter(grant=grant).order_by("due_on", "id")


def programme_reports(programme: Programme, *, status: str = "") -> QuerySet[Report]:
    reports = Report.objects.filter(grant__programme=programme).select_related(
        "grant__application", "grant__hub"
    )
    if status:
        reports = reports.filter(status=status)
    return reports.order_by("due_on", "id")


def is_overdue(report: Report, today: date | None = None) -> bool:
    return report.status in OPEN_STATUSES and report.due_on < (today or timezone.localdate())


def reports_to_remind(today: date) -> QuerySet[Report]:
    """Open reports of hub grants due within REMINDER_DAYS days, or overdue."""
    from datetime import timedelta

    return (
        Report.objects.filter(
            status__in=OPEN_STATUSES,
            due_on__lte=today + timedelta(days=REMINDER_DAYS),
            grant__hub__isnull=False,
        )
        .select_related("grant__hub", "grant__application")
        .order_by("due_on", "id")
    )


# --- programme dashboard -----------------------------------------------------------------

# The columns of applications per round, in this order.
DASHBOARD_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.MORE_INFORMATION,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
)


@dataclass(frozen=True)
class Money:
    budget_cents: int
    committed_cents: int
    paid_cents: int

    @property
    def remaining_cents(self) -> int:
        """Budget not yet committed to grants."""
        return self.budget_cents - self.committed_cents


def programme_money(programme: Programme) -> Money:
    """Budget, committed (sum of the grants' amounts), paid (paid instalments). Two
    queries."""
    committed = Grant.objects.filter(programme=programme).aggregate(total=Sum("amount_cents"))
    paid = Instalment.objects.filter(
        grant__programme=programme, status=PaymentStatus.PAID
    ).aggregate(total=Sum("amount_cents"))
    return Money(
        budget_cents=int(programme.budget_cents or 0),
        committed_cents=int(committed["total"] or 0),
        paid_cents=int(paid["total"] or 0),
    )


@dataclass(frozen=True)
class RoundRow:
    call_title: str
    round_name: str
    round_id: int
    budget_cents: int
    by_status: dict[str, int]
    requested_cents: int  # by applications past draft
    awarded_cents: int  # by approved applications

    @property
    def total(self) -> int:
        """Applications past draft."""
        return sum(n for status, n in self.by_status.items() if status != ApplicationStatus.DRAFT)

    @property
    def decided(self) -> int:
        return self.by_status.get(ApplicationStatus.APPROVED, 0) + self.by_status.get(
            ApplicationStatus.REJECTED, 0
        )

    @property
    def success_rate(self) -> float | None:
        """Approved / decided (approved + rejected), None before any decision."""
        if not self.decided:
            return None
        return self.by_status.get(ApplicationStatus.APPROVED, 0) / self.decided

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def success_percent(self) -> int | None:
        rate = self.success_rate
        return None if rate is None else round(rate * 100)

    @property
    def counts(self) -> list[int]:
        """Applications per status, in the order of DASHBOARD_STATUSES."""
        return [self.count(status) for status in DASHBOARD_STATUSES]


def programme_rounds(programme: Programme) -> list[RoundRow]:
    """Per call and round: applications by status, success rate, requested vs awarded.
    Two queries whatever the number of applications (rounds per programme are few)."""
    rounds = list(
        Round.objects.filter(call__programme=programme)
        .select_related("call")
        .order_by("call__title", "call_id", "opens_at", "id")
    )
    rows = (
        Application.objects.filter(round__call__programme=programme)
        .values("round_id", "status")
        .annotate(
            number=Count("pk"),
            requested=Sum("requested_cents", filter=~Q(status=ApplicationStatus.DRAFT)),
            awarded=Sum("awarded_cents", filter=Q(status=ApplicationStatus.APPROVED)),
        )
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    requested: dict[int, int] = defaultdict(int)
    awarded: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row["round_id"]][row["status"]] = row["number"]
        requested[row["round_id"]] += int(row["requested"] or 0)
        awarded[row["round_id"]] += int(row["awarded"] or 0)
    return [
        RoundRow(
            call_title=round_.call.title,
            round_name=round_.name,
            round_id=round_.pk,
            budget_cents=round_.budget_cents,
            by_status=dict(counts.get(round_.pk, {})),
            requested_cents=requested.get(round_.pk, 0),
            awarded_cents=awarded.get(round_.pk, 0),
        )
        for round_ in rounds
    ]


def programme_grants(programme: Programme) -> QuerySet[Grant]:
    return (
        Grant.objects.filter(programme=programme)
        .select_related("application__round__call", "hub")
        .order_by("application__title", "id")
    )


@dataclass(frozen=True)
class GrantRow:
    grant: Grant
    title: str
    hub_name: str
    amount_cents: int
    reached: int | None  # None: not counted yet
    counted_at: datetime | None
    target: int | None
    earned_cents: int

    @property
    def share_of_target(self) -> float | None:
        if not self.target or self.reached is None:
            return None
        return self.reached / self.target

    @property
    def share_percent(self) -> int | None:
        share = self.share_of_target
        return None if share is None else round(share * 100)


def grant_rows(grants: Iterable[Grant]) -> list[GrantRow]:
    """Reach against target for the grants given, from each grant's last reach count
    (funding.tasks.count_grants_reach, daily): one query for all their tiers."""
    grants = list(grants)
    tiers: dict[int, list[ReachTier]] = defaultdict(list)
    for tier in ReachTier.objects.filter(grant__in=grants).order_by("from_users"):
        tiers[tier.grant_id].append(tier)
    return [
        GrantRow(
            grant=grant,
            title=grant.application.title,
            hub_name=grant.hub.name if grant.hub is not None else "",
            amount_cents=grant.amount_cents,
            reached=grant.reach_users,
            counted_at=grant.reach_counted_at,
            target=grant.application.planned_people,
            # By the call's payment rule, capped at the grant (funding.payment).
            earned_cents=payment.earned_cents(
                tiers.get(grant.pk, []),
                grant.reach_users or 0,
                rule=grant.application.round.call.payment_rule,
                cap_cents=grant.amount_cents,
            ),
        )
        for grant in grants
    ]
