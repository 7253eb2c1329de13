"""No SMS or e-mail reaches a participant at night: a message outside the hub's message
hours is held until the next opening, day-before reminders go out at the hub's reminder
time whatever time the daily task runs, also across the changes of summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail

from digibank.core.messaging import (
    BRUSSELS,
    MessageHours,
    MessageKind,
    reminder_send_time,
    send_held_messages,
    send_once,
)
from digibank.core.models import HeldMessage, SentMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforce_hours(settings: Any) -> None:
    settings.MESSAGE_HOURS_ENFORCED = True


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc,arg-type]


def _send(now: datetime, *, key: str = "test:1", **extra: Any) -> bool:
    return send_once(
        key=key,
        subject="Hello",
        text="Text",
        kind=MessageKind.SERVICE,
        email="an@example.be",
        participant_id=7,
        now=now,
        **extra,
    )


def test_a_message_at_night_waits_for_the_morning() -> None:
    # 22:30 in Brussels on a winter evening (21:30 UTC).
    assert _send(utc(2026, 1, 14, 21, 30)) is False
    assert mail.outbox == []
    held = HeldMessage.objects.get(key="test:1")
    assert held.send_after == datetime(2026, 1, 15, 8, tzinfo=BRUSSELS)
    assert _send(utc(2026, 1, 14, 23, 0)) is False  # the task ran again: still one held
    assert HeldMessage.objects.count() == 1
    assert send_held_messages(now=utc(2026, 1, 15, 6, 59)) == 0  # 07:59 in Brussels
    assert send_held_messages(now=utc(2026, 1, 15, 7, 0)) == 1  # 08:00
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert not HeldMessage.objects.exists()
    assert send_held_messages(now=utc(2026, 1, 15, 9, 0)) == 0
    assert _send(utc(2026, 1, 15, 9, 0)) is False  # sent once
    assert len(mail.outbox) == 1


def test_inside_the_hours_a_message_goes_at_once() -> None:
    assert _send(utc(2026, 1, 14, 19, 59)) is True  # 20:59 in Brussels
    assert not HeldMessage.objects.exists()


def test_a_message_without_a_participant_is_not_held() -> None:
    assert send_once(
        key="team:1",
        subject="S",
        text="T",
        kind=MessageKind.SERVICE,
        email="helper@example.be",
        now=utc(2026, 1, 14, 23, 0),
    )


@pytest.mark.parametrize(
    ("task_runs_at", "expected_utc"),
    [
        # Summer time starts on Sunday 29 March 2026: 10:00 is 08:00 UTC that day.
        (utc(2026, 3, 29, 0, 5), utc(2026, 3, 29, 8, 0)),  # 01:05 CET, before the change
        (utc(2026, 3, 29, 1, 5), utc(2026, 3, 29, 8, 0)),  # 03:05 CEST, after it
        # Winter time returns on Sunday 25 October 2026: 10:00 is 09:00 UTC that day.
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 9, 0)),  # 02:30 CEST
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 9, 0)),  # 02:30 CET (the hour again)
    ],
)
def test_a_reminder_goes_at_ten_the_day_before_across_the_clock_change(
    task_runs_at: datetime, expected_utc: datetime
) -> None:
    event_day = task_runs_at.astimezone(BRUSSELS).date() + timedelta(days=1)
    not_before = reminder_send_time(event_day)
    assert not_before == expected_utc
    assert _send(task_runs_at, not_before=not_before) is False
    assert HeldMessage.objects.get().send_after == expected_utc
    assert send_held_messages(now=expected_utc - timedelta(minutes=1)) == 0
    assert send_held_messages(now=expected_utc) == 1
    assert SentMessage.objects.filter(key="test:1").exists()


def test_a_task_running_in_the_afternoon_sends_the_reminder_at_once() -> None:
    not_before = reminder_send_time(date(2026, 5, 13))  # 10:00 on 12 May
    assert _send(utc(2026, 5, 12, 13, 0), not_before=not_before) is True


def test_a_task_running_late_in_the_evening_waits_for_the_next_opening() -> None:
    not_before = reminder_send_time(date(2026, 5, 13))
    assert _send(utc(2026, 5, 12, 20, 0), not_before=not_before) is False  # 22:00 CEST
    assert HeldMessage.objects.get().send_after == datetime(2026, 5, 13, 8, tzinfo=BRUSSELS)


def test_the_window_follows_the_hubs_setting(hub: Any) -> None:
    hub.messages_from, hub.messages_until, hub.reminder_time = time(9), time(18), time(9, 30)
    hub.save()
    assert _send(utc(2026, 1, 14, 17, 30), hub_id=hub.pk) is False  # 18:30 CET
    assert HeldMessage.objects.get().send_after == datetime(2026, 1, 15, 9, tzinfo=BRUSSELS)
    assert reminder_send_time(date(2026, 1, 16), hub.pk) == datetime(
        2026, 1, 15, 9, 30, tzinfo=BRUSSELS
    )


def test_message_hours_rule() -> None:
    hours = MessageHours()
    assert hours.is_open(datetime(2026, 3, 29, 8, 0, tzinfo=BRUSSELS))
    assert not hours.is_open(datetime(2026, 3, 29, 21, 0, tzinfo=BRUSSELS))
    assert not hours.is_open(datetime(2026, 3, 29, 7, 59, tzinfo=BRUSSELS))


def test_the_hub_settings_refuse_a_window_that_ends_before_it_starts(
    hub: Any, coordinator: Any
) -> None:
    from django.core.exceptions import ValidationError

    from digibank.network.services import hub_update_settings

    with pytest.raises(ValidationError) as refused:
        hub_update_settings(
            actor=coordinator,
            hub=hub,
            email="",
            phone="",
            required_participant_fields=[],
            messages_from=time(21),
            messages_until=time(8),
        )
    assert "messages_until" in refused.value.message_dict
    with pytest.raises(ValidationError):
        hub_update_settings(
            actor=coordinator,
            hub=hub,
            email="",
            phone="",
            required_participant_fields=[],
            reminder_time=time(22),
        )
    hub_update_settings(
        actor=coordinator,
        hub=hub,
        email="",
        phone="",
        required_participant_fields=[],
        messages_from=time(9),
        messages_until=time(20),
        reminder_time=time(9, 30),
    )
    hub.refresh_from_db()
    assert (hub.messages_from, hub.messages_until) == (time(9), time(20))
