"""Recurring background work. Apps register tasks here in AppConfig.ready(); cron or a
systemd timer runs `manage.py enqueue_scheduled_tasks` daily and
`manage.py enqueue_scheduled_tasks --hourly` every hour, and the task worker
(`manage.py db_worker`) does the work. Tasks must be idempotent: running one twice in a
day does no harm."""

from __future__ import annotations

from typing import Any

DAILY_TASKS: list[Any] = []
HOURLY_TASKS: list[Any] = []


def register_daily(task: Any) -> None:
    if task not in DAILY_TASKS:
        DAILY_TASKS.append(task)


def register_hourly(task: Any) -> None:
    if task not in HOURLY_TASKS:
        HOURLY_TASKS.append(task)
