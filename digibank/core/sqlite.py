"""The SQLite database file holds personal data: it is readable by its owner only.

SQLite creates the -wal and -shm files with the mode of the database file, so setting
the database file's mode when a connection opens covers the files created after it;
those already there are set too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

OWNER_ONLY = 0o600


def database_files(connection: BaseDatabaseWrapper) -> list[Path]:
    """The files of a file-backed SQLite database (none for memory databases)."""
    name = str(connection.settings_dict["NAME"] or "")
    if connection.vendor != "sqlite" or not name or name.startswith(("file:", ":memory:")):
        return []
    main = Path(name)
    return [main, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")]


def restrict_sqlite_files(*, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: the database files readable by the owner only."""
    for path in database_files(connection):
        try:
            if path.stat().st_mode & 0o777 != OWNER_ONLY:
                os.chmod(path, OWNER_ONLY)
        except OSError:  # gone, or not ours to change: never stop a connection
            continue
