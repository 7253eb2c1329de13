from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digibank.core.schedule import DAILY_TASKS


class Command(BaseCommand):
    help = "Enqueue the daily background tasks (run once a day from cron or a systemd timer)."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in DAILY_TASKS:
            result = task.enqueue()
            self.stdout.write(f"{task.name}: enqueued ({result.id})")
