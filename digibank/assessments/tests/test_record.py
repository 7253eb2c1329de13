"""Saving a self-assessment: every statement rated 1 to 5, tenancy and record rules,
the journal, and the "latest before / latest after" marks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from digibank.assessments import services
from digibank.assessments.models import Answer, Assessment
from digibank.core.models import JournalEntry
from digibank.learning.models import Course
from digibank.people import services as people_services

from .conftest import all_ratings


def record(staff, hub, participant, statements, **kwargs):
    kwargs.setdefault("moment", "before")
    kwargs.setdefault("ratings", all_ratings(statements))
    return services.assessment_record(actor=staff, hub=hub, participant=participant, **kwargs)


def test_saves_every_answer_with_its_area(staff, hub, participant, statements):
    assessment = record(staff, hub, participant, statements, ratings=all_ratings(statements, 4))
    answers = Answer.objects.filter(assessment=assessment)
    assert answers.count() == 16
    assert {a.rating for a in answers} == {4}
    assert all(a.area == a.statement.area for a in answers)
    assert assessment.recorded_by == staff
    assert assessment.way == "screen"
    entry = JournalEntry.objects.get(action="assessments.record")
    assert entry.subject_id == str(assessment.pk)
    assert entry.details == {
        "participant_id": participant.pk,
        "moment": "before",
        "way": "screen",
        "course_id": None,
        "answers": 16,
    }


@pytest.mark.parametrize("bad", [0, 6, -1, "x", "3.5", 3.5, True, None, ""])
def test_ratings_must_be_1_to_5(staff, hub, participant, statements, bad):
    ratings = all_ratings(statements)
    ratings[statements[2].pk] = bad
    with pytest.raises(ValidationError) as error:
        record(staff, hub, participant, statements, ratings=ratings)
    assert f"statement_{statements[2].pk}" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_every_statement_must_be_answered(staff, hub, participant, statements):
    ratings = all_ratings(statements)
    del ratings[statements[0].pk]
    del ratings[statements[-1].pk]
    with pytest.raises(ValidationError) as error:
        record(staff, hub, participant, statements, ratings=ratings)
    keys = set(error.value.message_dict)
    assert keys == {f"statement_{statements[0].pk}", f"statement_{statements[-1].pk}"}
    assert not Assessment.objects.exists()
    assert not Answer.objects.exists()


def test_unknown_or_retired_statements_are_refused(staff, hub, participant, statements):
    ratings = all_ratings(statements)
    ratings[999_999] = 3
    with pytest.raises(ValidationError) as error:
        record(staff, hub, participant, statements, ratings=ratings)
    assert "__all__" in error.value.message_dict


def test_moment_and_way_are_checked(staff, hub, participant, statements):
    with pytest.raises(ValidationError) as error:
        record(staff, hub, participant, statements, moment="during", way="phone")
    assert set(error.value.message_dict) == {"moment", "way"}


def test_paper_form_date(staff, hub, participant, statements):
    day = timezone.localdate() - timedelta(days=10)
    assessment = record(staff, hub, participant, statements, way="paper", taken_on=day)
    assert timezone.localtime(assessment.taken_at).date() == day
    assert assessment.way == "paper"
    with pytest.raises(ValidationError) as error:
        record(
            staff,
            hub,
            participant,
            statements,
            taken_on=timezone.localdate() + timedelta(days=1),
        )
    assert "taken_on" in error.value.message_dict


def test_participant_and_course_of_another_hub_are_refused(
    staff, hub, other_hub, participant, statements, make_participant
):
    stranger = make_participant(hub=other_hub, given_name="Gudrun")
    with pytest.raises(ValidationError):
        record(staff, hub, stranger, statements)
    foreign_course = Course.objects.create(hub=other_hub, title="Elsewhere")
    with pytest.raises(ValidationError) as error:
        record(staff, hub, participant, statements, course=foreign_course)
    assert "course" in error.value.message_dict
    assert not Assessment.objects.exists()


def test_anonymised_person_cannot_be_assessed(staff, hub, participant, statements, coordinator):
    people_services.participant_anonymise(actor=coordinator, participant=participant)
    participant.refresh_from_db()
    with pytest.raises(ValidationError):
        record(staff, hub, participant, statements)


def test_latest_before_and_after_are_paired(staff, hub, participant, statements, course):
    first = record(staff, hub, participant, statements, course=course, taken_on=date(2026, 1, 5))
    assert first.latest
    assert not first.paired
    second = record(staff, hub, participant, statements, course=course, taken_on=date(2026, 1, 6))
    after = record(staff, hub, participant, statements, course=course, moment="after")
    other = record(staff, hub, participant, statements, moment="after")  # no course
    rows = {a.pk: a for a in Assessment.objects.all()}
    assert not rows[first.pk].latest
    assert not rows[first.pk].paired
    assert rows[second.pk].latest
    assert rows[second.pk].paired
    assert rows[after.pk].latest
    assert rows[after.pk].paired
    # An "after" without a course has no "before" without a course.
    assert rows[other.pk].latest
    assert not rows[other.pk].paired


def test_merge_moves_assessments_to_the_survivor(
    staff, coordinator, hub, statements, course, make_participant
):
    keep = make_participant(given_name="Jan")
    duplicate = make_participant(given_name="Jan", family_name="Peters")
    record(staff, hub, keep, statements, course=course, taken_on=date(2026, 1, 5))
    later = record(staff, hub, duplicate, statements, course=course, taken_on=date(2026, 2, 1))
    after = record(staff, hub, duplicate, statements, course=course, moment="after")

    people_services.participant_merge(actor=coordinator, source=duplicate, target=keep)

    assert Assessment.objects.filter(participant=keep).count() == 3
    assert not Assessment.objects.filter(participant=duplicate).exists()
    latest = Assessment.objects.filter(participant=keep, latest=True)
    assert set(latest.values_list("pk", flat=True)) == {later.pk, after.pk}
    assert set(Assessment.objects.filter(paired=True).values_list("pk", flat=True)) == {
        later.pk,
        after.pk,
    }
    assert JournalEntry.objects.filter(action="assessments.move").exists()
