"""Today's hours: the weekly hours of today's weekday, unless an exception says otherwise."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from digibank.network.models import Hub, Location, OpeningException
from digibank.network.queries import local_today, open_today


def test_open_today_uses_weekly_hours_minus_exceptions(
    hub: Hub, other_hub: Hub, make_location: Callable[..., Location]
) -> None:
    today = local_today()
    weekday = today.weekday()
    normal = make_location(hub, name="A normal", weekdays=(weekday,))
    make_location(hub, name="B other day", weekdays=((weekday + 1) % 7,))
    closed = make_location(hub, name="C closed today", weekdays=(weekday,))
    OpeningException.objects.create(location=closed, date=today, is_closed=True, reason="Feest")
    other = make_location(hub, name="D other hours", weekdays=())
    OpeningException.objects.create(
        location=other, date=today, is_closed=False, opens_at=time(18), closes_at=time(20)
    )
    make_location(hub, name="E inactive", weekdays=(weekday,), is_active=False)
    make_location(other_hub, name="F other hub", weekdays=(weekday,))

    found = open_today(hub, today)

    assert [item.location.name for item in found] == ["A normal", "D other hours"]
    assert found[0].location == normal
    assert found[0].periods == [(time(9), time(12)), (time(13), time(16, 30))]
    assert found[1].periods == [(time(18), time(20))]


def test_open_today_takes_three_queries_whatever_the_number_of_help_points(
    hub: Hub, make_location: Callable[..., Location], db: Any
) -> None:
    weekday = local_today().weekday()
    for _ in range(30):
        make_location(hub, weekdays=(weekday,))
    with CaptureQueriesContext(connection) as queries:
        assert len(open_today(hub)) == 30
    assert len(queries) == 3
