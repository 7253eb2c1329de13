"""Recount the daily roll-ups of help questions from the helps themselves (after an
import or a repair that bypassed the services; see digibank.helpdesk.rollups)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from digibank.helpdesk import rollups


class Command(BaseCommand):
    help = "Recount the daily roll-ups of help questions (per hub, day and dimension)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        written = rollups.rebuild()
        seconds = time.perf_counter() - started
        self.stdout.write(f"{written:,} daily counters written in {seconds:.1f} s")
