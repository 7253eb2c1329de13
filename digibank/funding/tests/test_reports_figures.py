"""The live figures of a report period (funding.queries.reports.live_figures): each
figure, the bounds of the period, other hubs' rows left out, and a query count that
does not grow with the data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digibank.funding.queries.reports import live_figures
from digibank.funding.reach import users_reached_by_target_group
from digibank.network.models import Hub
from digibank.people.registry import report_figure_providers

from .factories import Activity, brussels, figure

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def elsewhere(other_hub: Hub, make_user: Any) -> Activity:
    return Activity(other_hub, make_user("staff", other_hub))


def test_every_app_registers_its_figures() -> None:
    modules = {provider.__module__ for provider in report_figure_providers()}
    assert {
        "digibank.helpdesk.queries",
        "digibank.learning.queries",
        "digibank.lending.queries",
    } <= modules


def test_help_questions_in_the_period_by_topic(activity: Activity) -> None:
    jan = activity.person("Jan")
    activity.help_on(jan, brussels(2025, 3, 3), "itsme", "taxes")
    activity.help_on(None, brussels(2025, 3, 4), "itsme")
    activity.help_on(jan, brussels(2025, 4, 1), "ebox")  # after the period
    questions = figure(live_figures(activity.hub, *MARCH), "helpdesk.questions")
    assert questions.value == 2  # anonymous visitors' questions count too
    assert questions.breakdown == [("itsme", 2), ("Taxes: MyMinfin, Tax-on-web", 1)]


def test_training_hours_are_people_present_times_meeting_length(activity: Activity) -> None:
    ann, bert, cis = activity.person("Ann"), activity.person("Bert"), activity.person("Cis")
    long_meeting = activity.meeting(brussels(2025, 3, 4), hours=2.5)
    activity.present(long_meeting, ann)
    activity.present(long_meeting, bert)
    activity.present(long_meeting, cis, status="absent")
    other_course = activity.meeting(brussels(2025, 3, 11), hours=1, course="E-mail")
    activity.present(other_course, ann)
    later = activity.meeting(brussels(2025, 4, 2), hours=3)
    activity.present(later, ann)
    figures = live_figures(activity.hub, *MARCH)
    hours = figure(figures, "learning.hours")
    assert hours.value == 6.0  # 2 × 2.5 h + 1 × 1 h
    assert hours.breakdown[0][1] == 3  # three people present
    assert figure(figures, "learning.sessions").value == 2
    assert figure(figures, "learning.courses").value == 2


def test_devices_lent_in_the_period_by_kind(activity: Activity) -> None:
    jan, an = activity.person("Jan"), activity.person("An")
    activity.lend(jan, brussels(2025, 3, 2), "laptop")
    activity.lend(an, brussels(2025, 3, 9), "laptop")
    activity.lend(an, brussels(2025, 3, 9), "tablet")
    activity.lend(an, brussels(2025, 2, 28), "smartphone")  # before the period
    loans = figure(live_figures(activity.hub, *MARCH), "lending.loans")
    assert loans.value == 3
    assert loans.breakdown == [("Laptop", 2), ("Tablet", 1)]


def test_users_reached_and_by_target_group(activity: Activity) -> None:
    ann = activity.person("Ann", "senior", "low_income")
    bert = activity.person("Bert", "senior")
    cis = activity.person("Cis")
    activity.help_on(ann, brussels(2025, 3, 3), "itsme")
    activity.lend(ann, brussels(2025, 3, 4))
    activity.help_on(bert, brussels(2025, 3, 5), "itsme")
    activity.present(activity.meeting(brussels(2025, 3, 6)), cis)
    dirk = activity.person("Dirk", "jobseeker")
    activity.help_on(dirk, brussels(2025, 5, 1), "itsme")  # outside the period
    figures = live_figures(activity.hub, *MARCH)
    assert figure(figures, "funding.users_reached").value == 3
    groups = figure(figures, "funding.target_groups")
    assert dict(groups.breakdown) == {"Low income or increased allowance": 1, "Senior": 2}
    assert users_reached_by_target_group(activity.hub.pk, *MARCH) == {"senior": 2, "low_income": 1}


def test_the_bounds_of_the_period_are_whole_days_in_brussels(activity: Activity) -> None:
    first, last, before, after = (activity.person(name) for name in ("A", "B", "C", "D"))
    activity.help_on(first, brussels(2025, 3, 1, 0, 0, 0), "itsme")
    activity.lend(last, brussels(2025, 3, 31, 23, 59, 59))
    activity.help_on(before, brussels(2025, 2, 28, 23, 59, 59), "itsme")
    activity.lend(after, brussels(2025, 4, 1, 0, 0, 0))
    figures = live_figures(activity.hub, *MARCH)
    assert figure(figures, "funding.users_reached").value == 2
    assert figure(figures, "helpdesk.questions").value == 1
    assert figure(figures, "lending.loans").value == 1


def test_other_hubs_rows_are_left_out(activity: Activity, elsewhere: Activity) -> None:
    theirs = elsewhere.person("Els", "senior")
    elsewhere.help_on(theirs, brussels(2025, 3, 3), "itsme")
    elsewhere.lend(theirs, brussels(2025, 3, 3))
    elsewhere.present(elsewhere.meeting(brussels(2025, 3, 3)), theirs)
    figures = live_figures(activity.hub, *MARCH)
    assert {item.key: item.value for item in figures} == {
        "funding.users_reached": 0,
        "funding.target_groups": 0,
        "helpdesk.questions": 0,
        "helpdesk.outcomes": 0,
        "helpdesk.anonymous": 0,
        "learning.hours": 0,
        "learning.sessions": 0,
        "learning.courses": 0,
        "lending.loans": 0,
    }
    assert figure(live_figures(elsewhere.hub, *MARCH), "funding.users_reached").value == 1


def _fill(activity: Activity, people: int) -> None:
    for number in range(people):
        person = activity.person(f"P{number}", "senior")
        activity.help_on(person, brussels(2025, 3, 1 + number % 28), "itsme", "ebox")
        activity.lend(person, brussels(2025, 3, 2), "laptop" if number % 2 else "tablet")
        activity.present(activity.meeting(brussels(2025, 3, 3 + number % 20)), person)


def _queries(activity: Activity) -> int:
    with CaptureQueriesContext(connection) as captured:
        live_figures(activity.hub, *MARCH)
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_data(activity: Activity) -> None:
    _fill(activity, 2)
    few = _queries(activity)
    _fill(activity, 8)
    assert _queries(activity) == few
    assert few <= 10
