import pytest
from django.core.management import call_command
from django.tasks import task

from digibank.core.schedule import DAILY_TASKS, HOURLY_TASKS, register_daily, register_hourly

calls: list[str] = []


@task
def remember_run() -> None:
    calls.append("ran")


@pytest.fixture
def empty_schedule():
    saved = list(DAILY_TASKS), list(HOURLY_TASKS)
    DAILY_TASKS.clear()
    HOURLY_TASKS.clear()
    yield
    DAILY_TASKS[:], HOURLY_TASKS[:] = saved


def test_registered_daily_tasks_are_enqueued_once_per_run(db, empty_schedule):
    register_daily(remember_run)
    register_daily(remember_run)
    call_command("enqueue_scheduled_tasks")
    assert calls == ["ran"]  # the test settings run tasks immediately


@task
def remember_hourly_run() -> None:
    calls.append("hourly")


def test_hourly_tasks_are_enqueued_with_the_hourly_option(db, empty_schedule):
    calls.clear()
    register_daily(remember_run)
    register_hourly(remember_hourly_run)
    call_command("enqueue_scheduled_tasks", "--hourly")
    assert calls == ["hourly"]
