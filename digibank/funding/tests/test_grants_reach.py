"""Users reached (funding.reach.users_reached) and the money reach tiers earn."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from digibank.accounts.models import User
from digibank.funding.models import ReachTier
from digibank.funding.queries.grants import grant_reach
from digibank.funding.reach import earned_cents, tier_progress, users_reached
from digibank.funding.services.grants import FLEMISH_2025_2026_TIERS
from digibank.network.models import Hub, Programme

from .factories import Activity, brussels, create_grant

pytestmark = pytest.mark.django_db

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


def test_a_person_helped_trained_and_lent_to_counts_once(activity: Activity) -> None:
    jan = activity.person("Jan")
    activity.help(jan, brussels(2025, 3, 3))
    activity.help(jan, brussels(2025, 3, 10))
    activity.attend(jan, brussels(2025, 3, 4))
    activity.lend(jan, brussels(2025, 3, 5))
    assert users_reached(activity.hub.pk, *MARCH) == 1


def test_each_way_of_reaching_counts_a_person(activity: Activity) -> None:
    activity.help(activity.person("Ann"), brussels(2025, 3, 3))
    activity.attend(activity.person("Bert"), brussels(2025, 3, 4))
    activity.lend(activity.person("Chris"), brussels(2025, 3, 5))
    activity.person("Dina")  # registered, never served
    assert users_reached(activity.hub.pk, *MARCH) == 3


def test_anonymous_help_is_not_counted(activity: Activity) -> None:
    activity.help(None, brussels(2025, 3, 3), age_band="25-44", gender="f")
    activity.help(None, brussels(2025, 3, 4))
    assert users_reached(activity.hub.pk, *MARCH) == 0


def test_absent_and_excused_attendance_do_not_count(activity: Activity) -> None:
    activity.attend(activity.person("Absent"), brussels(2025, 3, 4), status="absent")
    activity.attend(activity.person("Excused"), brussels(2025, 3, 4), status="excused")
    present = activity.person("Present")
    activity.attend(present, brussels(2025, 3, 4), status="present")
    assert users_reached(activity.hub.pk, *MARCH) == 1


def test_only_the_hubs_own_rows_count(
    activity: Activity, make_user: Any, other_programme: Programme
) -> None:
    from conftest import make_hub

    other_hub = make_hub(other_programme, "Digibank Leuven", "leuven")
    other = Activity(other_hub, make_user("staff", other_hub))
    stranger = other.person("Elsewhere")
    other.help(stranger, brussels(2025, 3, 3))
    other.attend(stranger, brussels(2025, 3, 4))
    other.lend(stranger, brussels(2025, 3, 5))
    activity.help(activity.person("Home"), brussels(2025, 3, 3))
    assert users_reached(activity.hub.pk, *MARCH) == 1
    assert users_reached(other_hub.pk, *MARCH) == 1


def test_an_empty_hub_reached_nobody(hub: Hub) -> None:
    assert users_reached(hub.pk, *MARCH) == 0


@pytest.mark.parametrize(
    ("at", "counted"),
    [
        (brussels(2025, 2, 28, 23, 59, 59), False),  # the evening before the first day
        (brussels(2025, 3, 1, 0, 0, 0), True),  # the first moment of the first day
        (brussels(2025, 3, 31, 23, 59, 59), True),  # just before midnight on the last day
        (brussels(2025, 4, 1, 0, 0, 0), False),  # the day after
    ],
)
@pytest.mark.parametrize("way", ["help", "attend", "lend"])
def test_both_days_of_the_period_are_included_in_brussels_time(
    activity: Activity, at: Any, counted: bool, way: str
) -> None:
    getattr(activity, way)(activity.person(), at)
    assert users_reached(activity.hub.pk, *MARCH) == (1 if counted else 0)


def test_the_last_day_ends_at_midnight_in_brussels_across_spring_dst(activity: Activity) -> None:
    # 30 March 2025 has 23 hours in Brussels (clocks go from 2:00 to 3:00).
    activity.help(activity.person("Late"), brussels(2025, 3, 30, 23, 30))  # 21:30 UTC
    # 22:30 UTC on the 30th:
    activity.help(activity.person("Next day"), brussels(2025, 3, 31, 0, 30))
    assert users_reached(activity.hub.pk, date(2025, 3, 1), date(2025, 3, 30)) == 1
    assert users_reached(activity.hub.pk, date(2025, 3, 31), date(2025, 4, 30)) == 1


def test_the_first_day_starts_at_midnight_in_brussels_across_autumn_dst(activity: Activity) -> None:
    # 26 October 2025 has 25 hours in Brussels (clocks go from 3:00 back to 2:00).
    # 22:30 UTC on the 25th:
    activity.attend(activity.person("Early"), brussels(2025, 10, 26, 0, 30))
    activity.attend(activity.person("Before"), brussels(2025, 10, 25, 23, 30))  # 21:30 UTC
    activity.lend(activity.person("Last hour"), brussels(2025, 10, 26, 23, 59))
    assert users_reached(activity.hub.pk, date(2025, 10, 26), date(2025, 10, 26)) == 2
    assert users_reached(activity.hub.pk, date(2025, 10, 1), date(2025, 10, 25)) == 1


def test_the_count_is_one_query(activity: Activity, django_assert_num_queries: Any) -> None:
    for number in range(5):
        person = activity.person(f"Person {number}")
        activity.help(person, brussels(2025, 3, 3))
        activity.attend(person, brussels(2025, 3, 4))
        activity.lend(person, brussels(2025, 3, 5))
    with django_assert_num_queries(1):
        assert users_reached(activity.hub.pk, *MARCH) == 5


def test_grant_reach_counts_from_the_grant_start_up_to_today(
    activity: Activity, programme: Programme, officer: User
) -> None:
    grant = create_grant(
        programme=programme,
        hub=activity.hub,
        created_by=officer,
        starts_on=date(2025, 3, 1),
        ends_on=date(2026, 2, 28),
    )
    activity.help(activity.person("Before"), brussels(2025, 2, 20))
    activity.help(activity.person("In"), brussels(2025, 3, 20))
    activity.help(activity.person("Tomorrow"), brussels(2025, 6, 2))
    result = grant_reach(grant, today=date(2025, 6, 1))
    assert (result.reached, result.counted_until) == (1, date(2025, 6, 1))
    # After the grant ended, the count stops at its last day.
    activity.help(activity.person("After the end"), brussels(2026, 3, 5))
    assert grant_reach(grant, today=date(2027, 1, 1)).counted_until == date(2026, 2, 28)
    assert grant_reach(grant, today=date(2027, 1, 1)).reached == 2


def test_grant_reach_before_the_start_counts_nothing(
    activity: Activity, programme: Programme, officer: User, django_assert_num_queries: Any
) -> None:
    grant = create_grant(
        programme=programme, hub=activity.hub, created_by=officer, starts_on=date(2025, 3, 1)
    )
    with django_assert_num_queries(1):  # the tiers; no count
        result = grant_reach(grant, today=date(2025, 2, 1))
    assert (result.reached, result.counted_until, result.earned_cents) == (0, None, 0)


# --- tier money ---------------------------------------------------------------------------


def flemish() -> list[ReachTier]:
    return [
        ReachTier(from_users=t.from_users, to_users=t.to_users, amount_cents=t.amount_cents)
        for t in FLEMISH_2025_2026_TIERS
    ]


@pytest.mark.parametrize(
    ("reached", "euros"),
    [
        (0, 0),
        (1, 350),
        (1000, 350_000),
        (1001, 350_200),
        (1250, 400_000),  # the issue's example: 350,000 + 100,000 × 250/500
        (1500, 450_000),
        (1750, 480_000),
        (1751, 500_000),
        (5000, 500_000),
    ],
)
def test_flemish_tiers_earn_the_issues_amounts(reached: int, euros: int) -> None:
    assert earned_cents(flemish(), reached) == euros * 100


def test_tier_progress_shows_users_and_money_per_tier() -> None:
    steps = tier_progress(flemish(), 1250)
    assert [(s.users_in_tier, s.earned_cents) for s in steps] == [
        (1000, 350_000_00),
        (250, 50_000_00),
        (0, 0),
        (0, 0),
    ]


@pytest.mark.parametrize(("reached", "cents"), [(1, 333), (2, 666), (3, 1000)])
def test_a_bounded_tier_rounds_down_to_the_cent(reached: int, cents: int) -> None:
    tiers = [ReachTier(from_users=1, to_users=3, amount_cents=1000)]
    assert earned_cents(tiers, reached) == cents


def test_tiers_given_out_of_order_earn_the_same() -> None:
    assert earned_cents(list(reversed(flemish())), 1250) == 400_000_00


def test_anonymous_helps_are_shown_next_to_the_reach_and_withdrawn_helps_leave_it(
    activity: Activity, programme: Programme, officer: User
) -> None:
    from digibank.funding.reach import anonymous_served
    from digibank.helpdesk.models import HelpQuestion

    grant = create_grant(
        programme=programme,
        hub=activity.hub,
        created_by=officer,
        starts_on=date(2025, 3, 1),
        ends_on=date(2026, 2, 28),
    )
    activity.help(None, brussels(2025, 3, 3))
    activity.help(None, brussels(2025, 3, 4))
    activity.help(activity.person("Jan"), brussels(2025, 3, 5))
    mistaken = activity.help_on(activity.person("Mistake"), brussels(2025, 3, 6))
    assert anonymous_served(activity.hub.pk, *MARCH) == 2
    result = grant_reach(grant, today=date(2025, 6, 1))
    assert (result.reached, result.anonymous) == (2, 2)
    HelpQuestion.objects.filter(pk=mistaken.pk).update(withdrawn_at=brussels(2025, 3, 7))
    assert users_reached(activity.hub.pk, *MARCH) == 1
