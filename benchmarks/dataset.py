"""The benchmark's data set: built once per scale (migrate + demo_data) into its own
database, and reused while it is complete and of the same seed and version."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection

BASE_DIR = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    return Path(os.environ.get("DIGIBANK_VAR_DIR", BASE_DIR / "var"))


def sqlite_path(scale: str) -> Path:
    return var_dir() / f"bench-{scale}.sqlite3"


def marker_path(scale: str) -> Path:
    """What is known about the data set of this scale in the configured database."""
    if connection.vendor == "sqlite":
        return var_dir() / "bench" / f"dataset-{scale}.json"
    name = "".join(ch if ch.isalnum() else "-" for ch in str(settings.DATABASES["default"]["NAME"]))
    return var_dir() / "bench" / f"dataset-{scale}-{connection.vendor}-{name}.json"


@dataclass
class Dataset:
    scale: str
    seed: int
    reused: bool
    info: dict[str, Any]


def _database_identity() -> str:
    db = settings.DATABASES["default"]
    return f"{connection.vendor}:{db.get('HOST') or ''}:{db.get('PORT') or ''}:{db['NAME']}"


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{connection.vendor} database {db['NAME']} on {db.get('HOST') or 'localhost'}"


def _complete(marker: dict[str, Any], *, scale: str, seed: int) -> bool:
    from digibank.demo.build import DATASET_VERSION
    from digibank.network.models import Hub
    from digibank.people.models import Participant

    if (
        marker.get("scale") != scale
        or marker.get("seed") != seed
        or marker.get("version") != DATASET_VERSION
        or marker.get("database") != _database_identity()
    ):
        return False
    try:
        return Hub.objects.count() == marker.get(
            "hubs"
        ) and Participant.objects.count() >= marker.get("participants", 0)
    except Exception:
        return False


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure_dataset(*, scale: str, seed: int, rebuild: bool = False) -> Dataset:
    """Migrate the benchmark database and load the demo data at `scale`, unless a complete
    data set of the same seed and version is there already."""
    from digibank.demo.build import DATASET_VERSION, build
    from digibank.network.models import Hub

    marker_file = marker_path(scale)
    marker: dict[str, Any] = {}
    if marker_file.exists():
        marker = json.loads(marker_file.read_text())
    started = time.perf_counter()
    try:
        call_command("migrate", verbosity=0, interactive=False)
    except DatabaseError as error:
        if connection.vendor != "sqlite":
            raise
        # Migrations were rewritten since the data set was built: start again.
        print(f"Migrating the existing data set failed ({error}): building it anew.")
        marker = {}
    if not rebuild and marker and _complete(marker, scale=scale, seed=seed):
        return Dataset(scale, seed, reused=True, info=marker)
    if connection.vendor == "sqlite":
        connection.close()
        _remove_sqlite(Path(settings.DATABASES["default"]["NAME"]))
        marker_file.unlink(missing_ok=True)
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
    elif Hub.objects.exists():
        raise SystemExit(
            f"The database {_database_identity()} has data but not a complete {scale} "
            "benchmark data set of this seed: give the benchmark an empty database."
        )
    migrated = time.perf_counter() - started
    print(f"Building the {scale} data set (seed {seed}) into {_database_label()} ...")
    report = build(scale=scale, seed=seed, out=print)
    info = {
        "scale": scale,
        "seed": seed,
        "version": DATASET_VERSION,
        "database": _database_identity(),
        "hubs": report.hubs,
        "participants": report.participants,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "migrate_seconds": round(migrated, 1),
        "load_seconds": round(report.seconds, 1),
        "tables": {
            name: {
                "rows": rows,
                "write_seconds": round(seconds, 2),
                "rows_per_s_writing": round(rows / seconds) if seconds else None,
            }
            for name, (rows, seconds) in report.tables.items()
        },
        "participants_per_s_overall": round(report.participants / report.seconds)
        if report.seconds
        else None,
    }
    marker_file.parent.mkdir(parents=True, exist_ok=True)
    marker_file.write_text(json.dumps(info, indent=2) + "\n")
    return Dataset(scale, seed, reused=False, info=info)
