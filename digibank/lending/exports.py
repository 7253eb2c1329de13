"""The loan list as CSV or XLSX: the rows the search shows, every cell formula-safe
(core.spreadsheets, as the funding exports)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from digibank.core.spreadsheets import formula_safe

from .models import Loan

MAX_ROWS = 20000


def columns() -> list[str]:
    return [
        _("Asset tag"),
        _("Kind of device"),
        _("Borrower"),
        _("Phone"),
        _("Kind of loan"),
        _("Lent on"),
        _("Due on"),
        _("Overdue"),
        _("Returned on"),
    ]


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return str(value.isoformat())


def row(loan: Loan) -> list[Any]:
    return [
        loan.device.tag or "",
        loan.device.get_kind_display(),
        loan.participant.display_name,
        loan.participant.phone,
        loan.get_kind_display(),
        _day(loan.started_at),
        _day(loan.due_on),
        _("yes") if loan.is_overdue else _("no"),
        _day(loan.returned_at),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(loans: QuerySet[Loan]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns())
    for loan in loans[:MAX_ROWS].iterator(chunk_size=2000):
        yield writer.writerow([formula_safe(value) for value in row(loan)])


def xlsx_bytes(loans: QuerySet[Loan]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Loans"))
    sheet.append(columns())
    for loan in loans[:MAX_ROWS].iterator(chunk_size=2000):
        sheet.append([formula_safe(value) for value in row(loan)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
