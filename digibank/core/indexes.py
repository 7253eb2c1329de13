from __future__ import annotations

from typing import Any

from django.db import models


class PrefixSearchIndex(models.Index):
    """An index that serves `field__startswith=...` on its last field, on each database:
    PostgreSQL only uses a b-tree for LIKE 'abc%' with the varchar_pattern_ops operator
    class, and SQLite (whose LIKE ignores case) only with a NOCASE index. Search keys are
    stored folded to lowercase, so both give exact prefix matches."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        vendor = schema_editor.connection.vendor
        fields = [model._meta.get_field(name) for name, _ in self.fields_orders]
        last = len(fields) - 1
        opclasses: list[str] = []
        col_suffixes = [""] * len(fields)
        if vendor == "postgresql":
            opclasses = ["varchar_pattern_ops" if i == last else "" for i in range(len(fields))]
        elif vendor == "sqlite":
            col_suffixes[last] = "COLLATE NOCASE"
        return schema_editor._create_index_sql(
            model,
            fields=fields,
            name=self.name,
            using=using,
            db_tablespace=self.db_tablespace,
            col_suffixes=col_suffixes,
            opclasses=opclasses,
            **kwargs,
        )
