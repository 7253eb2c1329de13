"""Loading the Belgian municipalities and postcodes the project ships in network/data/
(Statbel and GeoNames, CC BY 4.0: see data/README.md)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference_data(municipality_model: Any, postcode_model: Any) -> tuple[int, int]:
    """Create or update every municipality and postcode; safe to run again."""
    municipalities = _rows("belgian-municipalities.csv")
    existing = set(municipality_model.objects.values_list("nis_code", flat=True))
    fields = ["name_nl", "name_fr", "name_de", "province_nl", "region", "valid_from", "valid_until"]
    objects = [
        municipality_model(
            nis_code=row["nis_code"],
            name_nl=row["name_nl"],
            name_fr=row["name_fr"],
            name_de=row["name_de"],
            province_nl=row["province_nl"],
            region=row["region"],
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        )
        for row in municipalities
    ]
    municipality_model.objects.bulk_create([m for m in objects if m.nis_code not in existing])
    municipality_model.objects.bulk_update([m for m in objects if m.nis_code in existing], fields)
    merged = [
        municipality_model(nis_code=row["nis_code"], merged_into_id=row["merged_into_nis"])
        for row in municipalities
        if row["merged_into_nis"]
    ]
    municipality_model.objects.bulk_update(merged, ["merged_into"])

    known = set(postcode_model.objects.values_list("code", "place_name"))
    postcodes = [
        postcode_model(
            code=row["postcode"],
            place_name=row["place_name"],
            municipality_id=row["municipality_nis"],
            latitude=Decimal(row["latitude"]),
            longitude=Decimal(row["longitude"]),
        )
        for row in _rows("belgian-postcodes.csv")
        if (row["postcode"], row["place_name"]) not in known
    ]
    postcode_model.objects.bulk_create(postcodes, batch_size=500)
    return len(municipalities), postcode_model.objects.count()
