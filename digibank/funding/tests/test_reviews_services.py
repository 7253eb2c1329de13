"""Services of the reviews area: assignments, conflicts of interest, scoring bounds,
weighted totals and the ranking (expectations computed by hand), and each decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.funding import access
from digibank.funding.models import (
    Application,
    ApplicationStatus,
    ConflictStatus,
    Criterion,
    ReviewAssignment,
    Round,
    Score,
)
from digibank.funding.queries import reviews as queries
from digibank.funding.services import reviews as services
from digibank.funding.services.reviews import ScoreInput

from .factories import MakeApplication, cleared

pytestmark = pytest.mark.django_db


def _score(assignment: ReviewAssignment, criteria: list[Criterion], *values: int) -> None:
    services.scores_save(
        actor=assignment.reviewer,
        assignment=assignment,
        scores={c.pk: ScoreInput(v) for c, v in zip(criteria, values, strict=True)},
    )


# --- assignments ------------------------------------------------------------------------


def test_assign_a_programme_reviewer_once(
    officer: User, reviewer: User, application: Application
) -> None:
    assignment = services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    assert assignment.conflict == ConflictStatus.UNDECLARED
    assert assignment.assigned_by == officer
    with pytest.raises(ValidationError, match="already assigned"):
        services.assignment_create(actor=officer, application=application, reviewer=reviewer)
    assert JournalEntry.objects.filter(action="funding.review_assign").count() == 1


def test_only_reviewers_of_the_programme_can_be_assigned(
    officer: User, application: Application, make_user: Any, other_programme: Any
) -> None:
    outsider = make_user()
    other_reviewer = make_user(programme=other_programme, programme_role="reviewer")
    for user in (outsider, other_reviewer, officer):
        with pytest.raises(ValidationError, match="reviewer of this programme"):
            services.assignment_create(actor=officer, application=application, reviewer=user)
    assert not ReviewAssignment.objects.exists()


def test_drafts_get_no_reviewers(
    officer: User, reviewer: User, make_application: MakeApplication
) -> None:
    draft = make_application(status=ApplicationStatus.DRAFT)
    with pytest.raises(ValidationError, match="not submitted"):
        services.assignment_create(actor=officer, application=draft, reviewer=reviewer)


def test_unassign_only_before_scoring(
    officer: User,
    reviewer: User,
    reviewer2: User,
    application: Application,
    criteria: list[Criterion],
) -> None:
    first = services.assignment_create(actor=officer, application=application, reviewer=reviewer)
    services.assignment_remove(actor=officer, assignment=first)
    assert not ReviewAssignment.objects.filter(pk=first.pk).exists()

    second = cleared(application, reviewer2, officer)
    _score(second, criteria[:1], 3)
    with pytest.raises(ValidationError, match="already scored"):
        services.assignment_remove(actor=officer, assignment=second)
    assert ReviewAssignment.objects.filter(pk=second.pk).exists()


# --- conflicts of interest --------------------------------------------------------------


def _request_as(user: User) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_conflicted_reviewer_never_reaches_the_application(
    officer: User, reviewer: User, application: Application
) -> None:
    assignment = services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    request = _request_as(reviewer)
    # Before declaring: only the declaration page (cleared=False) is reachable.
    assert access.reviewer_assignment(request, assignment.pk, cleared=False) == assignment
    with pytest.raises(Http404):
        access.reviewer_assignment(request, assignment.pk)
    with pytest.raises(ValidationError, match="what the conflict"):
        services.conflict_declare(actor=reviewer, assignment=assignment, conflict=True)
    services.conflict_declare(
        actor=reviewer, assignment=assignment, conflict=True, note="I work for a partner."
    )
    assignment.refresh_from_db()
    assert assignment.conflict == ConflictStatus.CONFLICT
    assert assignment.conflict_note == "I work for a partner."
    with pytest.raises(Http404):
        access.reviewer_assignment(request, assignment.pk)
    # A conflict cannot be taken back to see the application after all.
    with pytest.raises(ValidationError, match="already declared"):
        services.conflict_declare(actor=reviewer, assignment=assignment, conflict=False)
    with pytest.raises(ValidationError, match="no conflict of interest first"):
        services.scores_save(actor=reviewer, assignment=assignment, scores={})


def test_no_conflict_opens_the_application_and_a_later_conflict_closes_it(
    officer: User, reviewer: User, application: Application
) -> None:
    assignment = services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    services.conflict_declare(actor=reviewer, assignment=assignment, conflict=False)
    request = _request_as(reviewer)
    assert access.reviewer_assignment(request, assignment.pk) == assignment
    services.conflict_declare(
        actor=reviewer, assignment=assignment, conflict=True, note="Found out later."
    )
    with pytest.raises(Http404):
        access.reviewer_assignment(request, assignment.pk)


def test_only_the_reviewer_declares(
    officer: User, reviewer: User, reviewer2: User, application: Application
) -> None:
    assignment = services.assignment_create(
        actor=officer, application=application, reviewer=reviewer
    )
    with pytest.raises(ValidationError, match="Only the assigned reviewer"):
        services.conflict_declare(actor=reviewer2, assignment=assignment, conflict=False)
    with pytest.raises(Http404):
        access.reviewer_assignment(_request_as(reviewer2), assignment.pk, cleared=False)


# --- scores -----------------------------------------------------------------------------


def test_scores_are_kept_within_the_scale(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    assignment = cleared(application, reviewer, officer)
    reach, partnership = criteria
    for value in (6, -1):
        with pytest.raises(ValidationError, match="from 0 to 5"):
            services.scores_save(
                actor=reviewer, assignment=assignment, scores={reach.pk: ScoreInput(value)}
            )
    assert not Score.objects.exists()
    services.scores_save(
        actor=reviewer,
        assignment=assignment,
        scores={reach.pk: ScoreInput(0, "Weak"), partnership.pk: ScoreInput(5)},
    )
    assert dict(Score.objects.values_list("criterion__name", "value")) == {
        "Reach": 0,
        "Partnership": 5,
    }


def test_a_criterion_of_another_call_is_refused(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion], call: Any
) -> None:
    from digibank.funding.models import Call

    other = Call.objects.create(
        programme=call.programme,
        title="Other",
        slug="other",
        kind=call.kind,
        max_amount_cents=100,
        created_by=officer,
    )
    foreign = Criterion.objects.create(call=other, position=1, name="Foreign")
    assignment = cleared(application, reviewer, officer)
    with pytest.raises(ValidationError, match="not part of the call"):
        services.scores_save(
            actor=reviewer, assignment=assignment, scores={foreign.pk: ScoreInput(3)}
        )


def test_saving_some_criteria_keeps_the_others(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    assignment = cleared(application, reviewer, officer)
    reach, partnership = criteria
    services.scores_save(
        actor=reviewer, assignment=assignment, scores={reach.pk: ScoreInput(4, "Good")}
    )
    services.scores_save(
        actor=reviewer,
        assignment=assignment,
        scores={partnership.pk: ScoreInput(2)},
        comment="Solid plan",
    )
    services.scores_save(actor=reviewer, assignment=assignment, scores={reach.pk: ScoreInput(5)})
    rows = {s.criterion_id: (s.value, s.comment) for s in Score.objects.all()}
    assert rows == {reach.pk: (5, ""), partnership.pk: (2, "")}
    assignment.refresh_from_db()
    assert assignment.comment == "Solid plan"


def test_complete_needs_every_criterion_and_then_freezes(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    assignment = cleared(application, reviewer, officer)
    _score(assignment, criteria[:1], 4)
    with pytest.raises(ValidationError, match="Still missing: Partnership"):
        services.review_complete(actor=reviewer, assignment=assignment)
    _score(assignment, criteria, 4, 3)
    services.review_complete(actor=reviewer, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    with pytest.raises(ValidationError, match="completed this review"):
        _score(assignment, criteria, 1, 1)


def test_no_scoring_after_the_decision(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    assignment = cleared(application, reviewer, officer)
    services.application_reject(actor=officer, application=application, reasons="Too small")
    assignment.refresh_from_db()
    with pytest.raises(ValidationError, match="reviews are closed"):
        _score(assignment, criteria, 3, 3)


# --- weighted totals and ranking --------------------------------------------------------


def _three_reviews(
    application: Application,
    criteria: list[Criterion],
    officer: User,
    reviewers: tuple[User, User, User],
    first: tuple[int, int],
    second: tuple[int, int],
) -> None:
    one, two, three = reviewers
    _score(cleared(application, one, officer), criteria, *first)
    _score(cleared(application, two, officer), criteria, *second)
    # The third declared a conflict; scores somehow stored for them never count.
    conflicted = ReviewAssignment.objects.create(
        application=application,
        reviewer=three,
        assigned_by=officer,
        conflict=ConflictStatus.CONFLICT,
        conflict_note="Board member",
    )
    for criterion in criteria:
        Score.objects.create(assignment=conflicted, criterion=criterion, value=0)


def test_weighted_total_by_hand(
    officer: User,
    reviewer: User,
    reviewer2: User,
    reviewer3: User,
    application: Application,
    criteria: list[Criterion],
) -> None:
    # Reach (weight 2): 4 and 5 -> mean 4.5; Partnership (weight 1): 3 and 2 -> 2.5.
    # (2 × 4.5 + 1 × 2.5) / 3 = 11.5 / 3 = 3.8333… -> 3.83, and 3.8333 / 5 = 76.67 %.
    _three_reviews(application, criteria, officer, (reviewer, reviewer2, reviewer3), (4, 3), (5, 2))
    sheet = queries.score_sheet(application)
    assert sheet.total.value == Decimal("3.83")
    assert sheet.total.percentage == Decimal("76.67")
    assert sheet.means == {criteria[0].pk: Decimal("4.50"), criteria[1].pk: Decimal("2.50")}
    conflicted = [column for column in sheet.reviewers if not column.cleared]
    assert [c.assignment.reviewer for c in conflicted] == [reviewer3]
    assert all(cell is None for row in sheet.rows() for cell in row["cells"][2:])
    totals = queries.weighted_totals(application.round.call, [application.pk])
    assert totals[application.pk].value == Decimal("3.83")
    assert totals[application.pk].percentage == Decimal("76.67")


def test_only_scored_criteria_count(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    assert queries.score_sheet(application).total.value is None
    _score(cleared(application, reviewer, officer), criteria[1:], 3)
    # Only Partnership scored: 1 × 3 / 1 = 3.00, 60 %.
    total = queries.weighted_totals(application.round.call, [application.pk])[application.pk]
    assert (total.value, total.percentage) == (Decimal("3.00"), Decimal("60.00"))


def test_ranking_against_the_budget(
    officer: User,
    reviewer: User,
    reviewer2: User,
    round_: Round,
    make_application: MakeApplication,
    criteria: list[Criterion],
) -> None:
    # Budget € 1,000,000. A: 4 and 4 -> 4.00, asks 300k; B: 5 and 5 -> 5.00, asks 500k;
    # C: 2 and 1 -> (2×2 + 1)/3 = 1.67, asks 250k; D: not scored, asks 100k;
    # E rejected (left out), F a draft (left out).
    a = make_application(title="A", requested_cents=300_000_00)
    b = make_application(title="B", requested_cents=500_000_00)
    c = make_application(title="C", requested_cents=250_000_00)
    make_application(title="D", requested_cents=100_000_00)
    make_application(title="E", status=ApplicationStatus.REJECTED)
    make_application(title="F", status=ApplicationStatus.DRAFT)
    _score(cleared(a, reviewer, officer), criteria, 4, 4)
    _score(cleared(b, reviewer, officer), criteria, 5, 5)
    _score(cleared(c, reviewer, officer), criteria, 2, 1)
    _score(cleared(c, reviewer2, officer), criteria, 2, 1)

    ranking = queries.round_ranking(round_)
    rows = [
        (
            r.position,
            r.application.title,
            r.total.value,
            r.running_cents,
            r.within_budget,
            r.first_over_budget,
        )
        for r in ranking.rows
    ]
    assert rows == [
        (1, "B", Decimal("5.00"), 500_000_00, True, False),
        (2, "A", Decimal("4.00"), 800_000_00, True, False),
        (3, "C", Decimal("1.67"), 1_050_000_00, False, True),
        (4, "D", None, 1_150_000_00, False, False),
    ]
    assert ranking.requested_cents == 1_150_000_00


# --- the officer's lists ----------------------------------------------------------------


def test_round_list_counts_reviews_and_leaves_out_drafts(
    officer: User,
    reviewer: User,
    reviewer2: User,
    round_: Round,
    make_application: MakeApplication,
    criteria: list[Criterion],
) -> None:
    submitted = make_application(title="Submitted")
    make_application(title="Draft", status=ApplicationStatus.DRAFT)
    done = cleared(submitted, reviewer, officer)
    _score(done, criteria, 3, 3)
    services.review_complete(actor=reviewer, assignment=done)
    cleared(submitted, reviewer2, officer)
    rows: list[Any] = list(queries.round_applications(round_))
    assert [(r.title, r.reviews_done, r.reviews_assigned) for r in rows] == [("Submitted", 1, 2)]
