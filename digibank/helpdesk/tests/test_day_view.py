"""The help point's day view: today's log, totals per topic, who is on duty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import make_location, url

pytestmark = pytest.mark.django_db


def test_day_view_today(client_for, digihelper, hub, location, make_help):
    make_help(topics=("itsme", "taxes"))
    make_help(topics=("itsme",))
    response = client_for(digihelper).get(url(hub, "day"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "today" in body
    assert "<td>itsme</td><td>2</td>" in body
    assert "On duty" in body


def test_other_day_and_help_point(client_for, digihelper, hub, location, make_help):
    second = make_location(hub, "Digipunt Zuid")
    yesterday = timezone.now() - timedelta(days=1)
    make_help(location=second, topics=("ebox",), occurred_at=yesterday)
    client = client_for(digihelper)
    body = client.get(url(hub, "day"), {"location": second.pk}).content.decode()
    assert "No helps logged on this day." in body
    body = client.get(
        url(hub, "day"),
        {"location": second.pk, "date": timezone.localdate(yesterday).isoformat()},
    ).content.decode()
    assert "<td>eBox</td><td>1</td>" in body


def test_bad_input_falls_back(client_for, digihelper, hub, location, other_location):
    response = client_for(digihelper).get(
        url(hub, "day"), {"location": other_location.pk, "date": "not a date"}
    )
    assert response.status_code == 200
    assert location.name in response.content.decode()


def test_query_count_bounded(
    client_for, digihelper, hub, location, make_help, participant, django_assert_max_num_queries
):
    for index in range(35):
        make_help(topics=("itsme", "ebox"), participant=participant if index % 2 else None)
    client = client_for(digihelper)
    with django_assert_max_num_queries(16):
        response = client.get(url(hub, "day"))
    assert response.content.decode().count("Fatima El Idrissi") >= 10
