"""Concurrent reviewer edits never lose a score: two tabs of one reviewer saving
different criteria at the same moment, and several reviewers saving at once. Real
threads, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.funding.models import Application, Criterion, ReviewAssignment, Score
from digibank.funding.services import reviews as services
from digibank.funding.services.reviews import ScoreInput

from .factories import cleared

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _save(assignment_id: int, reviewer: User, scores: dict[int, int]) -> Callable[[], None]:
    def action() -> None:
        services.scores_save(
            actor=reviewer,
            assignment=ReviewAssignment.objects.get(pk=assignment_id),
            scores={criterion: ScoreInput(value) for criterion, value in scores.items()},
        )

    return action


def test_two_tabs_of_one_reviewer_keep_both_criteria(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    reach, partnership = criteria
    assignment = cleared(application, reviewer, officer)
    for attempt in range(5):
        outcomes = labels(
            run_at_once(
                [
                    _save(assignment.pk, reviewer, {reach.pk: attempt}),
                    _save(assignment.pk, reviewer, {partnership.pk: 5 - attempt}),
                ]
            ),
            messages=True,
        )
        assert outcomes == ["done", "done"], outcomes
        scores = dict(
            Score.objects.filter(assignment=assignment).values_list("criterion_id", "value")
        )
        assert scores == {reach.pk: attempt, partnership.pk: 5 - attempt}


def test_reviewers_saving_at_once_keep_every_score(
    officer: User,
    reviewer: User,
    reviewer2: User,
    reviewer3: User,
    application: Application,
    criteria: list[Criterion],
) -> None:
    reach, partnership = criteria
    people = [reviewer, reviewer2, reviewer3]
    assignments = {person.pk: cleared(application, person, officer) for person in people}
    actions = []
    for index, person in enumerate(people):
        assignment_id = assignments[person.pk].pk
        # Each reviewer saves both criteria at once from two tabs.
        actions.append(_save(assignment_id, person, {reach.pk: index + 1}))
        actions.append(_save(assignment_id, person, {partnership.pk: index + 2}))
    outcomes = labels(run_at_once(actions), messages=True)
    assert outcomes == ["done"] * 6, outcomes
    stored = set(
        Score.objects.filter(assignment__application=application).values_list(
            "assignment__reviewer_id", "criterion_id", "value"
        )
    )
    assert stored == {
        (person.pk, criterion.pk, index + offset)
        for index, person in enumerate(people)
        for criterion, offset in ((reach, 1), (partnership, 2))
    }


def test_two_tabs_saving_the_same_criterion_keep_one_row(
    officer: User, reviewer: User, application: Application, criteria: list[Criterion]
) -> None:
    reach = criteria[0]
    assignment = cleared(application, reviewer, officer)
    outcomes = labels(
        run_at_once([_save(assignment.pk, reviewer, {reach.pk: value}) for value in (2, 4)]),
        messages=True,
    )
    assert outcomes == ["done", "done"], outcomes
    assert Score.objects.filter(assignment=assignment, criterion=reach).count() == 1
    assert Score.objects.get(assignment=assignment).value in {2, 4}
