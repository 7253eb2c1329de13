"""The daily roll-ups of help questions stay equal to a direct count whatever the
services do (log, tally, correct the time or topics, leave anonymous, merge the person),
and a report's figure read from them is the direct count. The random writes are drawn
from fixed seeds (hypothesis is not among the project's dependencies), a few dozen per
seed, so each run is the same and fast."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from digibank.accounts.models import User
from digibank.core.testing import labels, run_at_once
from digibank.helpdesk import rollups, services
from digibank.helpdesk.models import Channel, HelpDayCount, HelpQuestion, HelpTopic, Outcome
from digibank.helpdesk.queries import report_figures
from digibank.network.models import Hub, Location
from digibank.people import services as people_services

from .conftest import make_location

pytestmark = pytest.mark.django_db

TOPICS = ("itsme", "taxes", "eid", "banking")
FIRST_DAY = date(2026, 3, 27)  # the days around the switch to summer time
DAYS = 4


def _at(rng: random.Random) -> datetime:
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    # Late evening and just after midnight too: the local day, not the UTC day, counts.
    moment = time(rng.choice((0, 1, 9, 14, 22, 23)), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, moment))


def _values(rng: random.Random, location: Location, participant: object | None):
    topics = HelpTopic.objects.filter(code__in=rng.sample(TOPICS, k=rng.randint(1, 2)))
    outcome = rng.choice(Outcome.values)
    return services.HelpValues(
        location=location,
        topics=list(topics),
        channel=rng.choice(Channel.values),
        outcome=outcome,
        referred_to="OCMW" if outcome == Outcome.REFERRED else "",
        participant=participant,  # type: ignore[arg-type]
        occurred_at=_at(rng),
    )


def _assert_exact(hub: Hub) -> None:
    last = FIRST_DAY + timedelta(days=DAYS)
    every = rollups.DIMENSIONS
    for day in [FIRST_DAY + timedelta(days=n) for n in range(DAYS + 1)]:
        assert rollups.day_counts(hub.pk, day, day, every) == rollups.direct_counts(
            hub.pk, day, day
        ), day
    assert rollups.day_counts(hub.pk, FIRST_DAY, last, every) == rollups.direct_counts(
        hub.pk, FIRST_DAY, last
    )


@pytest.mark.parametrize("seed", range(4))
def test_roll_up_equals_direct_count_after_random_writes(
    seed: int, hub: Hub, location: Location, digihelper: User, staff: User
) -> None:
    rng = random.Random(seed)
    people = [
        people_services.participant_create(
            actor=staff, hub=hub, data={"given_name": f"P{n}", "family_name": "Test"}
        )
        for n in range(3)
    ]
    for _step in range(25):
        helps = list(HelpQuestion.objects.filter(hub=hub).order_by("pk"))
        action = rng.choice(("log", "log", "tally", "update", "anonymous", "withdraw", "merge"))
        if action == "log" or (not helps and action != "tally"):
            person = rng.choice([None, *people])
            services.help_log(actor=digihelper, hub=hub, values=_values(rng, location, person))
        elif action == "tally":
            services.help_tally(
                actor=digihelper,
                hub=hub,
                location=location,
                topic=HelpTopic.objects.get(code=rng.choice(TOPICS)),
            )
        elif action == "update":
            services.help_update(
                actor=digihelper,
                question=rng.choice(helps),
                values=_values(rng, location, rng.choice([None, *people])),
            )
        elif action == "anonymous":
            services.help_leave_anonymous(actor=digihelper, question=rng.choice(helps))
        elif action == "withdraw":
            services.help_withdraw(
                actor=staff, question=rng.choice(helps), reason="Mistap", can_manage=True
            )
        elif len(people) > 1:
            source = people.pop(rng.randrange(len(people)))
            people_services.participant_merge(actor=staff, source=source, target=people[0])
    _assert_exact(hub)


def test_report_figure_reads_the_roll_up_and_equals_the_direct_count(
    hub: Hub, location: Location, digihelper: User, django_assert_max_num_queries
) -> None:
    rng = random.Random(7)
    for _n in range(12):
        services.help_log(actor=digihelper, hub=hub, values=_values(rng, location, None))
    start, end = rollups.day_bounds(FIRST_DAY, FIRST_DAY + timedelta(days=DAYS))
    with django_assert_max_num_queries(2):
        figure, by_result, anonymous = report_figures(hub.pk, start, end)
    assert figure.value == 12
    direct = rollups.direct_counts(hub.pk, FIRST_DAY, FIRST_DAY + timedelta(days=DAYS))
    by_topic = {
        HelpTopic.objects.get(pk=int(key)).name: number
        for (dimension, key), number in direct.items()
        if dimension == rollups.TOPIC
    }
    assert dict(figure.breakdown) == by_topic
    assert anonymous.value == 12  # logged without a person
    assert sum(number for _label, number in by_result.breakdown) == 12
    # A window that is not whole days is counted directly, and agrees.
    partial = report_figures(hub.pk, start + timedelta(hours=1), end)[0]
    assert (
        partial.value
        == HelpQuestion.objects.filter(
            hub=hub, occurred_at__gte=start + timedelta(hours=1), occurred_at__lt=end
        ).count()
    )


def test_rebuild_repairs_a_roll_up_that_a_bulk_change_bypassed(
    hub: Hub, location: Location, digihelper: User
) -> None:
    rng = random.Random(3)
    for _n in range(8):
        services.help_log(actor=digihelper, hub=hub, values=_values(rng, location, None))
    HelpQuestion.objects.filter(pk=HelpQuestion.objects.order_by("pk").first().pk).delete()  # type: ignore[union-attr]
    HelpDayCount.objects.filter(dimension=rollups.TOPIC).update(number=99)
    call_command("helpdesk_rollups_rebuild", verbosity=0)
    _assert_exact(hub)


def test_whole_days_only_for_local_midnights() -> None:
    start, end = rollups.day_bounds(date(2026, 3, 29), date(2026, 10, 25))
    assert rollups.whole_days(start, end) == (date(2026, 3, 29), date(2026, 10, 25))
    assert rollups.whole_days(start + timedelta(minutes=1), end) is None
    assert rollups.whole_days(start, start) is None


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_helps_logged_at_once_on_one_day_are_all_counted(hub: Hub, digihelper: User) -> None:
    location = make_location(hub)

    def log(seed: int) -> Callable[[], None]:
        def action() -> None:
            services.help_log(
                actor=digihelper, hub=hub, values=_values(random.Random(seed), location, None)
            )

        return action

    # The same seed twice: several of them land on the same day and recount it at once.
    assert labels(run_at_once([log(n % 3) for n in range(6)]), messages=True) == ["done"] * 6
    assert HelpQuestion.objects.filter(hub=hub).count() == 6
    _assert_exact(hub)
