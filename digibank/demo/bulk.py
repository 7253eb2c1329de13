"""Writing many rows fast, beneath the ORM: `executemany` on SQLite and `COPY` on
PostgreSQL. Django's `bulk_create` does per-row work that caps it at a few thousand rows
a second; this reaches about a hundred thousand (DESIGN.md section 8).

Only for seeding demo and benchmark data: rows skip the services (no journal, no checks
beyond the database's own constraints), so they must be valid already."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

Row = Sequence[Any]
Adapter = Callable[[Any], Any]

# Field types whose Python values the database driver cannot take as they are.
_SQLITE_ADAPTED = {"DateTimeField", "TimeField", "DecimalField", "JSONField", "UUIDField"}
_POSTGRES_ADAPTED = {"JSONField"}


class BulkTable:
    """Appends rows (tuples in the order of `fields`) to one model's table. Model fields
    not named get their default (or NULL), so a column added later does not break the
    loader as long as it has a default."""

    def __init__(self, model: type[models.Model], fields: Sequence[str], *, using: str = "default"):
        self.model = model
        self.connection: BaseDatabaseWrapper = connections[using]
        self.vendor = self.connection.vendor
        opts = model._meta
        given: list[models.Field[Any, Any]] = []
        for name in fields:
            found = opts.get_field(name)
            if not isinstance(found, models.Field) or not found.concrete:
                raise ValueError(f"{opts.label}.{name} is not a column.")
            given.append(found)
        given_columns = {field.column for field in given}
        self.constants: list[Any] = []
        constant_fields: list[models.Field[Any, Any]] = []
        for field in opts.concrete_fields:
            if field.column in given_columns:
                continue
            if field.primary_key or field.has_db_default():
                continue  # the database fills it in
            if field.has_default():
                constant_fields.append(field)
                self.constants.append(field.get_default())
            elif field.null:
                constant_fields.append(field)
                self.constants.append(None)
            else:
                raise ValueError(f"{opts.label}.{field.name} has no default: give it a value.")
        self.fields = [*given, *constant_fields]
        self.columns: list[str] = [str(field.column) for field in self.fields]
        self.table = opts.db_table
        adapted = _POSTGRES_ADAPTED if self.vendor == "postgresql" else _SQLITE_ADAPTED
        self.adapters: list[tuple[int, Adapter]] = [
            (index, self._adapter(field))
            for index, field in enumerate(self.fields)
            if field.get_internal_type() in adapted
        ]
        self.constants = [
            self._adapter(field)(value) if field.get_internal_type() in adapted else value
            for field, value in zip(constant_fields, self.constants, strict=True)
        ]
        self.rows_written = 0
        self.seconds = 0.0

    def _adapter(self, field: models.Field[Any, Any]) -> Adapter:
        if field.get_internal_type() == "JSONField":
            return lambda value: None if value is None else json.dumps(value)
        if field.get_internal_type() == "DateTimeField":
            return self.connection.ops.adapt_datetimefield_value
        connection = self.connection
        return lambda value: field.get_db_prep_save(value, connection=connection)

    def _prepared(self, rows: Iterable[Row]) -> Iterator[Row]:
        constants = tuple(self.constants)
        adapters = self.adapters
        for row in rows:
            if adapters:
                values = list(row)
                for index, adapt in adapters:
                    if index < len(values):
                        values[index] = adapt(values[index])
                yield (*values, *constants)
            elif constants:
                yield (*row, *constants)
            else:
                yield row

    def write(self, rows: Sequence[Row]) -> int:
        """Insert the rows in the current transaction; returns how many."""
        if not rows:
            return 0
        started = time.perf_counter()
        columns = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        table = self.connection.ops.quote_name(self.table)
        self.connection.ensure_connection()
        raw = self.connection.connection
        if self.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in self._prepared(rows):
                    copy.write_row(row)
        else:
            marks = ", ".join("?" if self.vendor == "sqlite" else "%s" for _ in self.columns)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
            if self.vendor == "sqlite":
                raw.executemany(sql, self._prepared(rows))
            else:
                with self.connection.cursor() as cursor:
                    cursor.executemany(sql, list(self._prepared(rows)))
        self.seconds += time.perf_counter() - started
        self.rows_written += len(rows)
        return len(rows)

    @property
    def rows_per_second(self) -> float:
        return self.rows_written / self.seconds if self.seconds else 0.0


def next_id(model: type[models.Model], using: str = "default") -> int:
    """The first free primary key, for rows that name their own ids (so that related rows
    can point at them without reading them back)."""
    found = model._default_manager.using(using).aggregate(top=models.Max("pk"))["top"]
    return int(found or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]], using: str = "default") -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyze(tables: Iterable[str], using: str = "default") -> None:
    """Refresh the query planner's statistics after a big load."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextmanager
def indexes_deferred(model: type[models.Model], using: str = "default") -> Iterator[None]:
    """Drop the table's plain (non-unique) indexes for a load and build them again at the
    end: building an index once over sorted keys is much faster than keeping it up to date
    row by row. Unique indexes stay, so constraints hold throughout. Run it inside a
    transaction, so that a failed load leaves every index in place."""
    connection = connections[using]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.tablename = %s AND i.schemaname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [table],
            )
        else:
            yield
            return
        indexes = [
            (name, sql)
            for name, sql in cursor.fetchall()
            if not sql.upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    if connection.vendor == "postgresql":
        # Foreign keys are checked at commit; PostgreSQL builds no index on a table with
        # checks pending, so run them now.
        connection.check_constraints()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Sort with helper threads and up to 512 MiB of memory while building.
            cursor.execute("PRAGMA threads = 2")
            cursor.execute("PRAGMA cache_size")
            (cache_size,) = cursor.fetchone()
            cursor.execute("PRAGMA cache_size = -524288")
        for _name, sql in indexes:
            cursor.execute(sql)
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
