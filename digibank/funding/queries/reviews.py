"""Reads of the reviews area: the officer's lists, scores and weighted totals, the
ranking of a round against its budget, and a reviewer's own assignments.

The weighted total of an application is

    Σ (weight × mean score of the cleared reviewers on the criterion) / Σ weight

over the call's criteria that at least one cleared reviewer scored. "Cleared" means
the reviewer declared no conflict of interest: scores of a reviewer with a conflict
are never counted (nor shown). Saved scores count, also before the reviewer completes
the review. It is also shown as a percentage of the call's highest score. Means are
computed exactly (fractions) and rounded to two decimals only at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from digibank.accounts.models import User
from digibank.accounts.roles import ProgrammeRoleKind
from digibank.network.models import Programme

from .. import access
from ..models import (
    Application,
    ApplicationStatus,
    Call,
    ConflictStatus,
    Criterion,
    Determination,
    InformationRequest,
    ReviewAssignment,
    Round,
    Score,
)
from ..services.reviews import OFFICER_STATUSES

TWO_PLACES = Decimal("0.01")


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        TWO_PLACES, rounding=ROUND_HALF_UP
    )


# --- officer ----------------------------------------------------------------------------


def programme_rounds(programme: Programme) -> QuerySet[Round]:
    return Round.objects.filter(call__programme=programme).select_related("call")


def officer_round(programme: Programme, pk: int) -> Round | None:
    return programme_rounds(programme).filter(pk=pk).first()


def officer_applications(programme: Programme) -> QuerySet[Application]:
    """The programme's applications an officer deals with (drafts are the applicant's)."""
    return Application.objects.filter(
        round__call__programme=programme, status__in=OFFICER_STATUSES
    ).select_related("round__call__programme", "lead_organisation", "hub")


def officer_application(programme: Programme, pk: int) -> Application | None:
    return officer_applications(programme).filter(pk=pk).first()


def round_applications(round_: Round) -> QuerySet[Application]:
    """A round's applications with their review progress (done / assigned)."""
    return (
        Application.objects.filter(round=round_, status__in=OFFICER_STATUSES)
        .select_related("lead_organisation")
        .annotate(
            reviews_assigned=Count("assignments", distinct=True),
            reviews_done=Count(
                "assignments", filter=Q(assignments__completed_at__isnull=False), distinct=True
            ),
        )
        .order_by("-submitted_at", "id")
    )


@dataclass
class Total:
    """An application's weighted total (None: no cleared scores yet)."""

    value: Decimal | None
    percentage: Decimal | None


def weighted_totals(call: Call, application_ids: list[int]) -> dict[int, Total]:
    """Weighted totals of these applications of the call: two queries, whatever the
    number of applications, reviewers and criteria."""
    weights = dict(Criterion.objects.filter(call=call).values_list("pk", "weight"))
    rows = (
        Score.objects.filter(
            assignment__application_id__in=application_ids,
            assignment__conflict=ConflictStatus.NONE,
        )
        .values("assignment__application_id", "criterion_id")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by()
    )
    sums: dict[int, tuple[Fraction, int]] = {}
    for row in rows:
        weight = weights.get(row["criterion_id"])
        if weight is None:
            continue
        mean = Fraction(int(row["total"]), int(row["count"]))
        weighted, weight_sum = sums.get(row["assignment__application_id"], (Fraction(0), 0))
        sums[row["assignment__application_id"]] = (weighted + weight * mean, weight_sum + weight)
    totals: dict[int, Total] = {}
    for application_id in application_ids:
        if application_id not in sums:
            totals[application_id] = Total(None, None)
            continue
        weighted, weight_sum = sums[application_id]
        value = weighted / weight_sum
        totals[application_id] = Total(
            _decimal(value), _decimal(value * 100 / call.score_scale_max)
        )
    return totals


def with_totals(call: Call, applications: list[Application]) -> list[Application]:
    """Set `.total` (a Total) on each application."""
    totals = weighted_totals(call, [application.pk for application in applications])
    for application in applications:
        application.total = totals[application.pk]  # type: ignore[attr-defined]
    return applications


@dataclass
class RankingRow:
    position: int
    application: Application
    total: Total
    running_cents: int
    within_budget: bool
    first_over_budget: bool


@dataclass
class Ranking:
    round: Round
    rows: list[RankingRow] = field(default_factory=list)
    approved_cents: int = 0

    @property
    def requested_cents(self) -> int:
        return self.rows[-1].running_cents if self.rows else 0


RANKED_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.MORE_INFORMATION,
    ApplicationStatus.APPROVED,
)


def round_ranking(round_: Round) -> Ranking:
    """The round's applications still in the running (or approved), best weighted total
    first (unscored last; ties: the earlier submission first), with the running total of
    the amounts requested against the round's budget. Rejected applications are left out.
    """
    applications = list(
        Application.objects.filter(round=round_, status__in=RANKED_STATUSES)
        .select_related("lead_organisation", "hub")
        .order_by("submitted_at", "id")
    )
    totals = weighted_totals(round_.call, [application.pk for application in applications])

    def key(application: Application) -> tuple[bool, Decimal]:
        value = totals[application.pk].value
        return (value is None, -(value or Decimal(0)))

    applications.sort(key=key)  # stable: submission order breaks ties
    ranking = Ranking(round=round_)
    running = 0
    over = False
    for position, application in enumerate(applications, start=1):
        running += application.requested_cents
        first_over = not over and running > round_.budget_cents
        over = over or first_over
        ranking.rows.append(
            RankingRow(
                position=position,
                application=application,
                total=totals[application.pk],
                running_cents=running,
                within_budget=not over,
                first_over_budget=first_over,
            )
        )
        if application.status == ApplicationStatus.APPROVED:
            ranking.approved_cents += application.awarded_cents or 0
    return ranking


@dataclass
class ReviewerColumn:
    assignment: ReviewAssignment
    scores: dict[int, Score]

    @property
    def cleared(self) -> bool:
        return self.assignment.conflict == ConflictStatus.NONE

    @property
    def reviewer_active(self) -> bool:
        """False once the reviewer's role on the programme ended: the assignment and its
        scores stay as history, but the reviewer opens nothing any more."""
        return bool(self.assignment.reviewer_active)  # type: ignore[attr-defined]


@dataclass
class ScoreSheet:
    """Every reviewer's scores on one application, per criterion, with the means of the
    cleared reviewers and the weighted total."""

    criteria: list[Criterion]
    reviewers: list[ReviewerColumn]
    means: dict[int, Decimal | None]
    total: Total
    scale_max: int

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": criterion,
                "cells": [
                    None if not column.cleared else column.scores.get(criterion.pk)
                    for column in self.reviewers
                ],
                "mean": self.means.get(criterion.pk),
            }
            for criterion in self.criteria
        ]


def score_sheet(application: Application) -> ScoreSheet:
    call = application.round.call
    criteria = list(Criterion.objects.filter(call=call))
    assignments = list(
        access.with_reviewer_active(ReviewAssignment.objects.filter(application=application))
        .select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("criterion_id")))
        .order_by("id")
    )
    columns = [
        ReviewerColumn(assignment, {score.criterion_id: score for score in assignment.scores.all()})
        for assignment in assignments
    ]
    means: dict[int, Decimal | None] = {}
    weighted = Fraction(0)
    weight_sum = 0
    for criterion in criteria:
        values = [
            column.scores[criterion.pk].value
            for column in columns
            if column.cleared and criterion.pk in column.scores
        ]
        if not values:
            means[criterion.pk] = None
            continue
        mean = Fraction(sum(values), len(values))
        means[criterion.pk] = _decimal(mean)
        weighted += criterion.weight * mean
        weight_sum += criterion.weight
    if weight_sum:
        value = weighted / weight_sum
        total = Total(_decimal(value), _decimal(value * 100 / call.score_scale_max))
    else:
        total = Total(None, None)
    return ScoreSheet(criteria, columns, means, total, call.score_scale_max)


def determinations(application: Application) -> QuerySet[Determination]:
    return application.determinations.select_related("decided_by")


def information_requests(application: Application) -> QuerySet[InformationRequest]:
    return application.information_requests.select_related("requested_by")


def programme_reviewers(programme: Programme) -> QuerySet[User]:
    return User.objects.filter(
        programme_roles__programme=programme,
        programme_roles__role=ProgrammeRoleKind.REVIEWER,
        is_active=True,
    ).order_by("full_name", "pk")


def assignable_reviewers(application: Application) -> QuerySet[User]:
    return programme_reviewers(application.round.call.programme).exclude(
        review_assignments__application=application
    )


# --- reviewer ---------------------------------------------------------------------------


def my_assignments(user: Any) -> QuerySet[ReviewAssignment]:
    """The reviewer's assignments while they hold the reviewer role, open ones first.
    Only the call's title and the lead organisation's name are read, which a reviewer
    may see before declaring."""
    return (
        access.active_assignments(user)
        .select_related("application__round__call", "application__lead_organisation")
        .order_by(F("completed_at").asc(nulls_first=True), "-created_at", "id")
    )


def open_assignment_count(user: Any) -> int:
    return (
        access.active_assignments(user)
        .filter(
            completed_at__isnull=True,
            application__status__in=[
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.MORE_INFORMATION,
            ],
        )
        .exclude(conflict=ConflictStatus.CONFLICT)
        .count()
    )


def my_scores(assignment: ReviewAssignment) -> dict[int, Score]:
    return {score.criterion_id: score for score in assignment.scores.all()}
