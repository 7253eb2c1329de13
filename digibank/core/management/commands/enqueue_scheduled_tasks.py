from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digibank.core.schedule import DAILY_TASKS, HOURLY_TASKS


class Command(BaseCommand):
    help = (
        "Enqueue the daily background tasks (run once a day from cron or a systemd timer), "
        "or with --hourly the hourly ones."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--hourly", action="store_true", help="Enqueue the hourly tasks.")

    def handle(self, *args: Any, **options: Any) -> None:
        for task in HOURLY_TASKS if options["hourly"] else DAILY_TASKS:
            result = task.enqueue()
            self.stdout.write(f"{task.name}: enqueued ({result.id})")
