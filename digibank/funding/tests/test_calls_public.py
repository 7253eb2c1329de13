"""The public call pages and the countdown: texts at a fixed `now`, open or closed
decided by server time in Europe/Brussels (around the summer-time changes), unpublished
calls answer 404, and the pages' query counts stay flat."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from digibank.accounts.models import User
from digibank.funding.forms.calls import RoundForm, brussels_datetime
from digibank.funding.models import Call, Round
from digibank.funding.queries.calls import RoundState, round_timing
from digibank.funding.services import calls as services
from digibank.network.models import Programme

from .factories import BRUSSELS, brussels, call_via_services, ready_call, round_via_services


def a_round(opens_at: datetime, closes_at: datetime) -> Round:
    return Round(name="R", opens_at=opens_at, closes_at=closes_at, budget_cents=100)


# --- countdown texts at a fixed time --------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (brussels(2026, 5, 7, 12, 0), "closes in 3 days and 4 hours"),
        (brussels(2026, 5, 9, 16, 0), "closes in 1 day"),
        (brussels(2026, 5, 10, 10, 48), "closes in 5 hours and 12 minutes"),
        (brussels(2026, 5, 10, 15, 0), "closes in 1 hour"),
        (brussels(2026, 5, 10, 15, 48), "closes in 12 minutes"),
        (brussels(2026, 5, 10, 15, 59, 30), "closes in less than a minute"),
        (brussels(2026, 5, 10, 16, 0), "closed"),
        (brussels(2026, 6, 1, 9, 0), "closed"),
        (brussels(2026, 4, 30, 8, 0), "opens on 1 May 2026 at 09:00"),
    ],
)
def test_countdown_texts(now: datetime, text: str) -> None:
    round_ = a_round(brussels(2026, 5, 1, 9, 0), brussels(2026, 5, 10, 16, 0))
    assert round_timing(round_, now).text == text


def test_countdown_states_and_seconds() -> None:
    round_ = a_round(brussels(2026, 5, 1, 9, 0), brussels(2026, 5, 10, 16, 0))
    upcoming = round_timing(round_, brussels(2026, 5, 1, 8, 59))
    assert (upcoming.state, upcoming.seconds_left) == (RoundState.UPCOMING, 60)
    opening = round_timing(round_, brussels(2026, 5, 1, 9, 0))
    assert opening.is_open
    assert opening.moment == round_.closes_at
    closed = round_timing(round_, brussels(2026, 5, 10, 16, 0))
    assert (closed.state, closed.seconds_left) == (RoundState.CLOSED, 0)


def test_opening_time_is_shown_in_brussels_time() -> None:
    # 08:00 UTC in summer is 10:00 in Brussels; in winter 09:00.
    summer = a_round(datetime(2026, 7, 1, 8, 0, tzinfo=UTC), datetime(2026, 7, 9, tzinfo=UTC))
    winter = a_round(datetime(2026, 1, 5, 8, 0, tzinfo=UTC), datetime(2026, 1, 9, tzinfo=UTC))
    before = datetime(2026, 1, 1, tzinfo=UTC)
    assert round_timing(summer, before).text == "opens on 1 July 2026 at 10:00"
    assert round_timing(winter, before).text == "opens on 5 January 2026 at 09:00"


# --- open or closed around summer time ------------------------------------------------------


def test_a_round_over_the_spring_change_counts_real_hours() -> None:
    # Clocks go from 02:00 to 03:00 on 29 March 2026: noon to noon is 23 hours.
    round_ = a_round(brussels(2026, 3, 28, 12, 0), brussels(2026, 3, 29, 12, 0))
    assert round_timing(round_, brussels(2026, 3, 28, 12, 0)).text == "closes in 23 hours"
    assert round_.is_open(brussels(2026, 3, 29, 11, 59))
    assert not round_.is_open(brussels(2026, 3, 29, 12, 0))
    # 10:00 UTC is noon in Brussels after the change: closed.
    assert round_timing(round_, datetime(2026, 3, 29, 9, 59, tzinfo=UTC)).is_open
    assert not round_timing(round_, datetime(2026, 3, 29, 10, 0, tzinfo=UTC)).is_open


def test_a_round_over_the_autumn_change_counts_real_hours() -> None:
    # Clocks go from 03:00 back to 02:00 on 25 October 2026: noon to noon is 25 hours.
    round_ = a_round(brussels(2026, 10, 24, 12, 0), brussels(2026, 10, 25, 12, 0))
    assert round_timing(round_, brussels(2026, 10, 24, 12, 0)).text == "closes in 1 day and 1 hour"
    # Noon in Brussels is 11:00 UTC after the change.
    assert round_timing(round_, datetime(2026, 10, 25, 10, 59, tzinfo=UTC)).is_open
    assert not round_timing(round_, datetime(2026, 10, 25, 11, 0, tzinfo=UTC)).is_open


def test_typed_times_are_brussels_time() -> None:
    summer = brussels_datetime(date(2026, 7, 1), time(17, 0))
    winter = brussels_datetime(date(2026, 1, 15), time(17, 0))
    assert summer is not None
    assert winter is not None
    assert summer.astimezone(UTC) == datetime(2026, 7, 1, 15, 0, tzinfo=UTC)
    assert winter.astimezone(UTC) == datetime(2026, 1, 15, 16, 0, tzinfo=UTC)
    # 02:30 does not exist on 29 March 2026.
    assert brussels_datetime(date(2026, 3, 29), time(2, 30)) is None
    # 02:30 happens twice on 25 October 2026: the first time (summer time) counts.
    twice = brussels_datetime(date(2026, 10, 25), time(2, 30))
    assert twice is not None
    assert twice.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_round_form_refuses_a_time_that_does_not_exist() -> None:
    form = RoundForm(
        {
            "name": "Lente",
            "opens_on": "2026-03-29",
            "opens_time": "02:30",
            "closes_on": "2026-04-30",
            "closes_time": "17:00",
            "budget_euros": "1000",
        }
    )
    assert not form.is_valid()
    assert "does not exist in Brussels" in form.errors["opens_time"][0]


# --- the public pages -----------------------------------------------------------------------


@pytest.mark.django_db
def test_unpublished_calls_answer_404(officer: User, programme: Programme) -> None:
    call = call_via_services(officer, programme, title="Nog geheim")
    round_via_services(officer, call)
    client = Client()
    assert client.get(reverse("funding_calls:public_detail", args=[call.slug])).status_code == 404
    assert client.get(reverse("funding_calls:public_detail", args=["nothing"])).status_code == 404
    listing = client.get(reverse("funding_calls:public_list"))
    assert listing.status_code == 200
    assert "Nog geheim" not in listing.text


@pytest.mark.django_db
def test_public_call_page_shows_everything_an_applicant_needs(
    officer: User, programme: Programme
) -> None:
    call = call_via_services(
        officer,
        programme,
        title="Digibanken in Vlaanderen",
        description="Samen digitale inclusie.",
        lead_organisation_kinds=["local_government"],
        required_partner_types=["civil_society"],
        region="flanders",
    )
    now = timezone.now().replace(microsecond=0)
    open_round = round_via_services(
        officer,
        call,
        name="Eerste ronde",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3, hours=4, minutes=30),
    )
    round_via_services(
        officer,
        call,
        name="Tweede ronde",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
    )
    services.question_create(
        actor=officer, call=call, data={"label": "Waarom samen?", "kind": "long_text"}
    )
    services.criterion_create(
        actor=officer, call=call, data={"name": "Bereik", "weight": 2, "description": "Wie?"}
    )
    services.call_publish(actor=officer, call=call)
    with mock.patch.object(timezone, "now", return_value=now):
        response = Client().get(reverse("funding_calls:public_detail", args=[call.slug]))
    assert response.status_code == 200
    page = response.text
    for text in (
        "Digibanken in Vlaanderen",
        "Samen digitale inclusie.",
        "Implementation (carrying out the strategy)",
        "€ 500,000",
        "The lead organisation is one of: Local government.",
        "at least one partner of each type: Civil society.",
        "The project works in Flanders.",
        "The project lasts at least 24 months.",
        "Train digital skills",
        "Waarom samen?",
        "Bereik",
        "Eerste ronde",
        "Tweede ronde",
        "Closes in 3 days and 4 hours",
        "Opens on ",
        'id="countdown-words"',
    ):
        assert text in page, text
    assert f'datetime="{open_round.closes_at.astimezone(BRUSSELS).isoformat()}"' in page
    try:
        start = reverse("funding_applications:start", kwargs={"round_pk": open_round.pk})
    except NoReverseMatch:
        assert "Applying online opens soon." in page
    else:
        assert page.count(start) == 1  # only the open round
    assert "nonce=" in page
    assert "funding/js/countdown.js" in page


@pytest.mark.django_db
def test_apply_link_is_left_out_while_the_start_page_does_not_exist(
    officer: User, programme: Programme
) -> None:
    call = ready_call(officer, programme)
    with mock.patch("digibank.funding.views.calls.reverse", side_effect=NoReverseMatch):
        response = Client().get(reverse("funding_calls:public_detail", args=[call.slug]))
    assert response.status_code == 200
    assert "Applying online opens soon." in response.text


@pytest.mark.django_db
def test_public_list_shows_open_and_upcoming_rounds(officer: User, programme: Programme) -> None:
    call = ready_call(officer, programme, title="Open oproep")
    now = timezone.now()
    round_via_services(
        officer,
        call,
        name="Later",
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=40),
    )
    old = call_via_services(officer, programme, title="Oude oproep")
    round_via_services(
        officer,
        old,
        name="Voorbij",
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=20),
    )
    services.criterion_create(actor=officer, call=old, data={"name": "Bereik"})
    services.call_publish(actor=officer, call=old)
    page = Client().get(reverse("funding_calls:public_list")).text
    assert "Open oproep" in page
    assert "Ronde 1" in page
    assert "Later" in page
    assert "Oude oproep" in page
    assert "Voorbij" not in page
    assert "No open or upcoming rounds." in page
    assert page.index("Open oproep") < page.index("Oude oproep")


@pytest.mark.django_db
def test_public_pages_query_counts_stay_flat(
    officer: User, programme: Programme, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    for number in range(12):
        call = ready_call(officer, programme, title=f"Oproep {number}")
        services.question_create(
            actor=officer, call=call, data={"label": "Waarom?", "kind": "text"}
        )
    with django_assert_max_num_queries(6):
        assert client.get(reverse("funding_calls:public_list")).status_code == 200
    slug = Call.objects.first().slug  # type: ignore[union-attr]
    with django_assert_max_num_queries(6):
        assert client.get(reverse("funding_calls:public_detail", args=[slug])).status_code == 200


def test_round_form_keeps_dates_within_reason() -> None:
    form = RoundForm(
        {
            "name": "Oud",
            "opens_on": "0001-01-01",
            "opens_time": "00:00",
            "closes_on": "9999-12-31",
            "closes_time": "23:59",
            "budget_euros": "1000",
        }
    )
    assert not form.is_valid()
    assert form.errors["opens_on"] == ["Enter a date between 2000 and 2100."]
    assert form.errors["closes_on"] == ["Enter a date between 2000 and 2100."]
