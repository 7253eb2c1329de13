"""`manage.py demo_data`: a realistic, deterministic Flemish demo data set.

manage.py demo_data                       # small: 8 hubs, a few hundred people
manage.py demo_data --scale large         # 1,000,000 people for the benchmark
manage.py demo_data --if-empty            # only when there are no hubs yet
manage.py demo_data --print-logins        # the demo accounts, one per role

Outside demo mode (DEMO_MODE off) it refuses a database that has accounts of real
people, and the demo logins get a random password, printed once, instead of the
published `digibank-demo`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from digibank.demo.build import build
from digibank.demo.scales import SCALES
from digibank.demo.seed_accounts import logins_table, real_users
from digibank.network.models import Hub


class Command(BaseCommand):
    help = "Load a realistic, deterministic demo data set (hubs, people, demo logins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small: a few hundred people (the demo); large: 1,000,000 (the benchmark); "
            "tiny: for tests.",
        )
        parser.add_argument("--seed", type=int, default=42, help="Same seed, same data.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database has hubs already.",
        )
        parser.add_argument(
            "--print-logins", action="store_true", help="Only print the demo logins."
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=None,
            help="Override the number of participants of the scale.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            if not settings.DEMO_MODE:
                raise CommandError(
                    "Outside demo mode the demo logins have a random password, shown once "
                    "when the data was loaded."
                )
            self.stdout.write(logins_table())
            return
        if not settings.DEMO_MODE and (people := real_users().count()):
            raise CommandError(
                f"The database has {people} accounts of real people: demo data never goes "
                "into a database in use. Start from a fresh database, or run in demo mode "
                "(DEMO_MODE=1) on a demo server."
            )
        hubs = Hub.objects.count()
        if hubs:
            if options["if_empty"]:
                self.stdout.write(f"The demo data is there already ({hubs} hubs): nothing to do.")
                return
            raise CommandError(
                f"The database has {hubs} hubs already: demo data goes into an empty database "
                "only. Use --if-empty to skip quietly, or start from a fresh database."
            )
        scale = SCALES[options["scale"]]
        participants = options["participants"]
        if participants is not None and participants < 0:
            raise CommandError("--participants must not be negative.")
        verbose = options["verbosity"] > 0

        def out(line: str) -> None:
            if verbose:
                self.stdout.write(line)

        out(f"Loading {scale.name} demo data (seed {options['seed']}) ...")
        report = build(scale=scale, seed=options["seed"], out=out, participants=participants)
        for name, (rows, seconds) in report.tables.items():
            speed = f"{rows / seconds:>10,.0f} rows/s written" if seconds and rows else ""
            out(f"  {name:<14} {rows:>10,} rows {speed}")
        out(
            self.style.SUCCESS(
                f"Demo data loaded: {report.hubs} hubs, {report.participants:,} participants "
                f"in {report.seconds:.1f} s."
            )
        )
        if not settings.DEMO_MODE:
            # Shown this once only: it is stored hashed.
            self.stdout.write("Not in demo mode: the demo logins have this password:\n")
            self.stdout.write(logins_table(password=report.logins_password))
