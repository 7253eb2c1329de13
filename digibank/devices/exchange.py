"""CSV import and CSV/XLSX export of devices."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from digibank.network.models import Hub, Location, Organisation

from .forms import hub_organisations
from .models import Device

# Columns of the import file (the header row names them; order is free).
IMPORT_COLUMNS = (
    "kind",
    "make",
    "model",
    "serial_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "os",
    "keyboard_layout",
    "source",
    "donor",
    "programme_note",
    "intake_date",
    "value_cents",
    "condition",
    "location",
)
EXPORT_COLUMNS = ("tag", "status", *IMPORT_COLUMNS)
MAX_IMPORT_ROWS = 5000
# The header row names at most 16 columns: 2 KB is plenty, and reading no further keeps
# a file of one endless line cheap to refuse.
MAX_HEADER_CHARS = 2048
DELIMITERS = (",", ";", "\t")
_LINE_END = re.compile(r"[\r\n]")
MAX_XLSX_ROWS = 100_000


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not a text file (CSV)."))


def parse_import(*, hub: Hub, raw: bytes) -> list[dict[str, Any]]:
    """The rows of an import file as device values. Raises ValidationError listing every
    problem with its row number (row 1 is the first row under the header)."""
    text = _decode(raw)
    stream = io.StringIO(text, newline="")  # the csv module reads \r, \n and \r\n itself
    reader = csv.DictReader(stream, delimiter=_delimiter(_header_line(text)))
    try:
        return _parse_rows(hub=hub, reader=reader)
    except csv.Error as error:
        row = max(1, reader.line_num - 1)
        raise ValidationError(
            _("Row %(row)s cannot be read: a value is too long or a quote is not closed.")
            % {"row": row}
        ) from error


def _header_line(text: str) -> str:
    """The first line, looked for in a bounded sample: a file that is one long line (or
    whose header is) is refused before any parsing."""
    end = _LINE_END.search(text, 0, MAX_HEADER_CHARS + 1)
    header = text[: end.start()] if end else text
    if len(header) > MAX_HEADER_CHARS:
        raise ValidationError(
            _(
                "The first row is too long. It must hold only the column names, "
                "for example: kind,make,model,serial_number"
            )
        )
    return header


def _delimiter(header: str) -> str:
    """Comma, semicolon (a spreadsheet in Dutch or French saves that) or tab: the one
    the header row uses most; a single column means comma."""
    return max(DELIMITERS, key=header.count)


def _parse_rows(*, hub: Hub, reader: csv.DictReader[str]) -> list[dict[str, Any]]:
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "kind" not in header:
        raise ValidationError(
            _(
                "The first row must name the columns; at least “kind” is needed. Known columns: %(c)s"
            )
            % {"c": ", ".join(IMPORT_COLUMNS)}
        )
    unknown = [h for h in header if h and h not in IMPORT_COLUMNS]
    if unknown:
        raise ValidationError(_("Unknown columns: %(c)s") % {"c": ", ".join(unknown)})
    reader.fieldnames = header
    locations = {loc.name.strip().lower(): loc for loc in Location.objects.filter(hub=hub)}
    donors = {org.name.strip().lower(): org for org in hub_organisations(hub)}
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, raw_row in enumerate(reader, start=1):
        if number > MAX_IMPORT_ROWS:
            raise ValidationError(_("At most %(n)s rows at a time.") % {"n": MAX_IMPORT_ROWS})
        values: dict[str, Any] = {}
        row_errors: list[str] = []
        for key, value in raw_row.items():
            if key is None:
                row_errors.append(_("more values than columns"))
                continue
            value = (value or "").strip() if isinstance(value, str) else ""
            if key in ("ram_gb", "storage_gb", "value_cents"):
                if value:
                    if not value.isdigit():
                        row_errors.append(_("%(col)s must be a whole number") % {"col": key})
                        continue
                    values[key] = int(value)
                else:
                    values[key] = None
            elif key == "intake_date":
                if value:
                    try:
                        values[key] = date.fromisoformat(value)
                    except ValueError:
                        row_errors.append(_("intake_date must look like 2025-03-31"))
            elif key == "location":
                if value:
                    if value.lower() not in locations:
                        row_errors.append(_("unknown location “%(v)s”") % {"v": value})
                    else:
                        values[key] = locations[value.lower()]
            elif key == "donor":
                if value:
                    org: Organisation | None = donors.get(value.lower())
                    if org is None:
                        row_errors.append(_("unknown donor “%(v)s”") % {"v": value})
                    else:
                        values[key] = org
            elif key in ("kind", "source", "keyboard_layout"):
                values[key] = value.lower()
            elif key == "condition":
                values[key] = value.upper() or "B"
            else:
                values[key] = value
        values.setdefault("source", "donation")
        if not values.get("source"):
            values["source"] = "donation"
        for message in row_errors:
            errors.append(_("Row %(row)s: %(message)s") % {"row": number, "message": message})
        rows.append(values)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no devices."))
    return rows


def export_values(device: Device) -> list[Any]:
    return [
        device.tag,
        device.status,
        device.kind,
        device.make,
        device.model,
        device.serial_number,
        device.cpu,
        device.ram_gb if device.ram_gb is not None else "",
        device.storage_gb if device.storage_gb is not None else "",
        device.os,
        device.keyboard_layout,
        device.source,
        device.donor.name if device.donor else "",
        device.programme_note,
        device.intake_date.isoformat(),
        device.value_cents if device.value_cents is not None else "",
        device.condition,
        device.location.name if device.location else "",
    ]


def _safe(value: Any) -> Any:
    """Guard against formula injection when the file is opened in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(devices: QuerySet[Device]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for device in devices.select_related("location", "donor").iterator(chunk_size=2000):
        yield writer.writerow([_safe(v) for v in export_values(device)])


def xlsx_bytes(devices: QuerySet[Device]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Devices"))
    sheet.append(list(EXPORT_COLUMNS))
    rows = devices.select_related("location", "donor")[:MAX_XLSX_ROWS]
    for device in rows.iterator(chunk_size=2000):
        sheet.append([_safe(v) for v in export_values(device)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
