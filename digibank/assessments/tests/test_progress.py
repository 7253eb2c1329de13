"""Averages per area, exact: a participant's latest before and after, and the hub's
aggregates per area and per course over people with both."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from digibank.assessments import queries, services
from digibank.learning.models import Course

from .conftest import all_ratings


def record(staff, hub, participant, statements, value, **kwargs):
    kwargs.setdefault("moment", "before")
    return services.assessment_record(
        actor=staff,
        hub=hub,
        participant=participant,
        ratings=all_ratings(statements, value),
        **kwargs,
    )


def by_area(progress):
    return {row.area: (row.before, row.after) for row in progress.areas}


def test_participant_averages_are_exact(staff, hub, participant, statements):
    # Area 1 has three statements: 1, 2 and 2 -> 1.67 (5/3 rounded half up).
    first_of_area_1 = statements[0].pk

    def before(statement):
        if statement.area == 1:
            return 1 if statement.pk == first_of_area_1 else 2
        return statement.area  # area n rated n

    record(staff, hub, participant, statements, before, taken_on=date(2026, 1, 1))
    record(staff, hub, participant, statements, 5, moment="after")
    figures = by_area(queries.participant_progress(participant))
    assert figures[1] == (Decimal("1.67"), Decimal("5.00"))
    assert figures[2] == (Decimal("2.00"), Decimal("5.00"))
    assert figures[5] == (Decimal("5.00"), Decimal("5.00"))


def test_participant_uses_the_latest_of_each_moment(staff, hub, participant, statements):
    record(staff, hub, participant, statements, 1, taken_on=date(2026, 1, 1))
    record(staff, hub, participant, statements, 2, taken_on=date(2026, 1, 2))
    progress = queries.participant_progress(participant)
    assert by_area(progress)[3] == (Decimal("2.00"), None)
    assert progress.after is None
    record(staff, hub, participant, statements, 4, moment="after", taken_on=date(2026, 2, 1))
    record(staff, hub, participant, statements, 3, moment="after", taken_on=date(2026, 3, 1))
    assert by_area(queries.participant_progress(participant))[3] == (
        Decimal("2.00"),
        Decimal("3.00"),
    )


def test_participant_progress_per_course(staff, hub, participant, statements, course):
    other = Course.objects.create(hub=hub, title="E-mail for beginners")
    record(staff, hub, participant, statements, 1, course=course, taken_on=date(2026, 1, 1))
    record(
        staff,
        hub,
        participant,
        statements,
        3,
        course=course,
        moment="after",
        taken_on=date(2026, 1, 2),
    )
    record(staff, hub, participant, statements, 2, course=other, taken_on=date(2026, 2, 1))
    assert by_area(queries.participant_progress(participant, course_id=course.pk))[1] == (
        Decimal("1.00"),
        Decimal("3.00"),
    )
    assert by_area(queries.participant_progress(participant, course_id=other.pk))[1] == (
        Decimal("2.00"),
        None,
    )
    # Without a course: the newest pair of the same course, never the "before" of the
    # other course against this course's "after".
    progress = queries.participant_progress(participant)
    assert by_area(progress)[1] == (Decimal("1.00"), Decimal("3.00"))
    assert progress.after is not None
    assert progress.before is not None
    assert progress.before.course_id == progress.after.course_id == course.pk
    assert not progress.extra["unpaired"]
    assert queries.participant_courses(participant) == [
        (other.pk, "E-mail for beginners"),
        (course.pk, "Smartphone basics"),
    ]


def test_hub_progress_counts_only_people_with_both(
    staff, hub, other_hub, statements, course, make_participant, django_assert_max_num_queries
):
    ann = make_participant(given_name="Ann")
    bob = make_participant(given_name="Bob")
    cis = make_participant(given_name="Cis")
    record(staff, hub, ann, statements, 1, course=course, taken_on=date(2026, 1, 1))
    record(staff, hub, ann, statements, 4, course=course, moment="after")
    record(staff, hub, bob, statements, 2, course=course, taken_on=date(2026, 1, 1))
    record(staff, hub, bob, statements, 5, course=course, moment="after")
    record(staff, hub, cis, statements, 1, course=course)  # no "after": left out
    # Another hub's people never count.
    stranger = make_participant(hub=other_hub, given_name="Gudrun")
    services.assessment_record(
        actor=staff,
        hub=other_hub,
        participant=stranger,
        moment="before",
        ratings=all_ratings(statements, 5),
    )

    with django_assert_max_num_queries(2):
        overall, per_course = queries.hub_progress(hub)
    assert overall.people == 2
    assert by_area(overall)[2] == (Decimal("1.50"), Decimal("4.50"))
    assert [p.title for p in per_course] == ["Smartphone basics"]
    assert per_course[0].people == 2
    assert by_area(per_course[0])[4] == (Decimal("1.50"), Decimal("4.50"))


def test_hub_figures_one_query(
    staff, hub, other_hub, participant, statements, django_assert_num_queries
):
    record(staff, hub, participant, statements, 3)
    record(staff, hub, participant, statements, 3, moment="after")
    with django_assert_num_queries(1):
        figures = queries.hub_figures([hub.pk, other_hub.pk])
    assert figures[hub.pk][queries.ASSESSMENTS_FIGURE] == 2
    assert figures[other_hub.pk][queries.ASSESSMENTS_FIGURE] == 0


def test_timeline_item_per_assessment(
    staff, hub, participant, statements, course, django_assert_num_queries
):
    record(staff, hub, participant, statements, 3, course=course, taken_on=date(2026, 1, 1))
    record(staff, hub, participant, statements, 3, moment="after")
    with django_assert_num_queries(1):
        items = queries.assessments_timeline(participant, 20)
    assert [str(item.title) for item in items] == [
        "Digital skills self-assessment after the course",
        "Digital skills self-assessment before the course",
    ]
    assert items[1].detail == "Smartphone basics"
    assert items[1].url.endswith(f"/skills/people/{participant.pk}/?course={course.pk}")


def test_chart_and_table_round_alike():
    from digibank.assessments.chart import progress_chart
    from digibank.assessments.queries import AreaProgress

    chart = progress_chart(
        [AreaProgress(area=1, label="Safety", before=Decimal("3.75"), after=Decimal("5.00"))]
    )
    assert [bar.value for bar in chart.rows[0].bars] == ["3.8", "5.0"]
    assert chart.rows[0].bars[1].width == chart.plot_width
    assert "before 3.8, after 5.0" in chart.description


def test_a_single_self_assessment_says_it_has_no_pair(staff, hub, participant, statements, course):
    other = Course.objects.create(hub=hub, title="E-mail for beginners")
    record(staff, hub, participant, statements, 1, course=course, taken_on=date(2026, 1, 1))
    record(
        staff,
        hub,
        participant,
        statements,
        4,
        course=other,
        moment="after",
        taken_on=date(2026, 2, 1),
    )
    progress = queries.participant_progress(participant)
    assert progress.extra["unpaired"]
    assert by_area(progress)[1] == (None, Decimal("4.00"))
