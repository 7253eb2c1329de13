"""Run the benchmark: `python -m benchmarks.run --scale small|large --seed N`.

Builds (or reuses) the data set in its own database, signs a staff member of the biggest
hub in, times every registered measurement through the full Django stack, prints a table
and writes var/bench/results.json. See benchmarks/README.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

# Production settings, except what a test client cannot do (HTTPS) or must name (host).
BENCH_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "digibank.settings",
    "DEBUG": "0",
    "DEMO_MODE": "0",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "testserver",
    # No collectstatic step: plain static storage (production's hashed names only change
    # the URLs the templates print).
    "PLAIN_STATIC": "1",
    "LOG_LEVEL": "ERROR",
}

COLUMNS = ("name", "scale", "rows", "p50_ms", "p95_ms", "queries", "per_s")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", choices=["tiny", "small", "large"], default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per row.")
    parser.add_argument("--warmup", type=int, default=20, help="Untimed requests first.")
    parser.add_argument("--only", action="append", default=[], help="Run only this row.")
    parser.add_argument("--rebuild", action="store_true", help="Build the data set anew.")
    parser.add_argument(
        "--database-url",
        default=None,
        help="Database to use. Default: $DATABASE_URL when it is PostgreSQL, otherwise "
        "var/bench-<scale>.sqlite3.",
    )
    return parser.parse_args(argv)


def configure(args: argparse.Namespace) -> str:
    """Set the environment before Django reads its settings; returns the database URL."""
    from .dataset import sqlite_path

    os.environ.update(BENCH_ENVIRONMENT)
    url = args.database_url or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) and not args.database_url:
        # Never the everyday database: the benchmark gets a file of its own.
        path = sqlite_path(args.scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    return url


def pick_hub_and_user() -> tuple[Any, Any]:
    """The hub with the most participants and an active staff member of it."""
    from django.db.models import Count

    from digibank.accounts.models import Membership
    from digibank.accounts.roles import HubRole
    from digibank.network.models import Hub

    hub = Hub.objects.annotate(people=Count("participants")).order_by("-people", "pk").first()
    if hub is None:
        raise SystemExit("The benchmark database has no hubs.")
    membership = (
        Membership.objects.filter(hub=hub, role=HubRole.STAFF, is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"No staff member in {hub}.")
    return hub, membership.user


def table(rows: list[dict[str, Any]]) -> str:
    def cell(column: str, value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, float):
            return f"{value:,.1f}" if column == "per_s" else f"{value:,.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    cells = [list(COLUMNS)] + [[cell(column, row[column]) for column in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = []
    for index, line in enumerate(cells):
        lines.append(
            "  ".join(
                value.ljust(widths[i]) if i < 2 else value.rjust(widths[i])
                for i, value in enumerate(line)
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    configure(args)
    import django

    django.setup()

    from .dataset import ensure_dataset, var_dir
    from .registry import Bench, Skip, discover, signed_in_client

    started = time.perf_counter()
    dataset = ensure_dataset(scale=args.scale, seed=args.seed, rebuild=args.rebuild)
    info = dataset.info
    if dataset.reused:
        print(
            f"Reusing the {args.scale} data set (seed {args.seed}, {info['participants']:,} "
            f"participants, built {info['built_at']} in {info['load_seconds']} s)."
        )
    else:
        print(f"Data set built in {time.perf_counter() - started:.1f} s.")

    hub, user = pick_hub_and_user()
    client = signed_in_client(user)
    bench = Bench(
        scale=args.scale,
        seed=args.seed,
        requests=args.requests,
        warmup=args.warmup,
        client=client,
        hub=hub,
        user=user,
    )
    print(f"Signed in as a staff member of {hub.name}; {args.requests} requests per row.")
    results = []
    for name, function in discover():
        if args.only and name not in args.only:
            continue
        try:
            results.append(function(bench).as_dict())
        except Skip as reason:
            print(f"  skipped {name}: {reason}")
    print()
    print(table(results))
    for note in bench.notes:
        print(f"  note: {note}")

    out = var_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(results, indent=2) + "\n"
    (out / "results.json").write_text(payload)
    (out / f"results-{args.scale}.json").write_text(payload)
    print(f"\nWritten to {Path(out / 'results.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
