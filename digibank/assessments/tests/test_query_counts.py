"""Page query counts do not grow with the data: 30+ people and assessments."""

from __future__ import annotations

from datetime import date

import pytest

from digibank.assessments import services
from digibank.learning.models import Course

from .conftest import all_ratings, url


@pytest.fixture
def many(staff, hub, statements, make_participant):
    courses = [Course.objects.create(hub=hub, title=f"Course {n}") for n in range(4)]
    people = []
    for n in range(32):
        person = make_participant(given_name=f"Person{n}")
        course = courses[n % 4]
        services.assessment_record(
            actor=staff,
            hub=hub,
            participant=person,
            moment="before",
            course=course,
            ratings=all_ratings(statements, 1 + n % 3),
            taken_on=date(2026, 1, 1),
        )
        services.assessment_record(
            actor=staff,
            hub=hub,
            participant=person,
            moment="after",
            course=course,
            ratings=all_ratings(statements, 3 + n % 3),
        )
        people.append(person)
    return people


def test_overview_is_bounded(client_for, staff, hub, many, django_assert_max_num_queries):
    client = client_for(staff)
    with django_assert_max_num_queries(14):
        response = client.get(url(hub, "overview"))
    assert response.status_code == 200
    assert b"32 people filled in" in response.content


def test_participant_page_is_bounded(
    client_for, staff, hub, statements, participant, django_assert_max_num_queries
):
    for n in range(32):
        services.assessment_record(
            actor=staff,
            hub=hub,
            participant=participant,
            moment=("before", "after", "other")[n % 3],
            ratings=all_ratings(statements),
        )
    client = client_for(staff)
    with django_assert_max_num_queries(16):
        response = client.get(url(hub, "participant", participant=participant.pk))
    assert response.status_code == 200


def test_detail_is_bounded(client_for, staff, hub, many, django_assert_max_num_queries):
    from digibank.assessments.models import Assessment

    assessment = Assessment.objects.filter(hub=hub).earliest("pk")
    client = client_for(staff)
    with django_assert_max_num_queries(12):
        response = client.get(url(hub, "detail", pk=assessment.pk))
    assert response.status_code == 200


def test_choose_is_bounded(client_for, staff, hub, many, django_assert_max_num_queries):
    client = client_for(staff)
    with django_assert_max_num_queries(10):
        response = client.get(url(hub, "choose"), {"q": "person"})
    assert response.status_code == 200
