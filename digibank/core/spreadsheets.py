"""Values written into CSV and XLSX exports. A cell that starts with =, +, - or @ is run
as a formula by spreadsheet programs; a person's name or note typed as "=HYPERLINK(...)"
must stay text. Numbers (-12.5) stay numbers."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def formula_safe(value: Any) -> Any:
    """Guard against formula injection when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_number(value):
        return "'" + value
    return value
