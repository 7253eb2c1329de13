"""Several self-assessments of one person saved at the same moment (two tablets, a
double click): all are saved, and exactly one is the latest. Real threads, each with its
own database connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from digibank.accounts.models import User
from digibank.assessments import services
from digibank.assessments.models import Assessment, Statement
from digibank.core.testing import labels, run_at_once
from digibank.learning.models import Course
from digibank.network.models import Hub
from digibank.people.models import Participant


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_assessments_of_one_person(hub: Hub, staff: User, make_participant: Any):
    person = make_participant(given_name="Samira")
    course = Course.objects.create(hub=hub, title="Smartphone basics")
    ratings = dict.fromkeys(Statement.objects.filter(active=True).values_list("pk", flat=True), 3)

    def take(moment: str) -> Callable[[], None]:
        def action() -> None:
            services.assessment_record(
                actor=User.objects.get(pk=staff.pk),
                hub=Hub.objects.get(pk=hub.pk),
                participant=Participant.objects.get(pk=person.pk),
                moment=moment,
                course=Course.objects.get(pk=course.pk),
                ratings=ratings,
            )

        return action

    outcomes = labels(
        run_at_once([take("before") for _ in range(4)] + [take("after") for _ in range(4)]),
        messages=True,
    )
    assert outcomes == ["done"] * 8
    assert Assessment.objects.filter(participant=person).count() == 8
    assert Assessment.objects.filter(participant=person, latest=True).count() == 2
    assert Assessment.objects.filter(participant=person, paired=True).count() == 2
