"""Helpers for the sign-up, invitation and throttling tests: links read from e-mails, and
the database task queue run by its real worker."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from conftest import reset_task_backends

WORKER = "django_tasks_db.management.commands.db_worker"


def link_in_mail(address: str, path_start: str) -> str:
    """The path of the link starting with `path_start` in the latest e-mail to `address`
    that has one."""
    pattern = re.compile(rf"https?://[^/\s]+({re.escape(path_start)}\S*)")
    sent = [str(message.body) for message in mail.outbox if message.to == [address]]
    found = [match.group(1) for body in sent if (match := pattern.search(body))]
    assert found, f"no e-mail to {address} with a link to {path_start}: {sent}"
    return found[-1]


@pytest.fixture
def task_worker(settings: Any) -> Iterator[Callable[[], None]]:
    """Tasks go to the database queue, as in production; calling the fixture runs the
    queue's worker (`manage.py db_worker --batch`) until the queue is empty."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    reset_task_backends()

    def run() -> None:
        # The worker closes "old" connections between tasks; inside a test's transaction
        # that would close the test's own connection, so it is left open here.
        with mock.patch(f"{WORKER}.close_old_connections"):
            call_command("db_worker", batch=True, interval=0, verbosity=0)

    yield run
    reset_task_backends()
