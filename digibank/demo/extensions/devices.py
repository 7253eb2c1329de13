"""Demo data of the device bank: donated, bought and Digisprong devices in every
lifecycle status, with data wipes for the wiped ones and a few repairs. Everything is
written with the bulk loader and explicit ids (so tags are known up front), and depends
only on the seed.

Tiny: 8 devices per hub. Small: about 30 per hub. Large: 150,000 devices spread over the
hubs by weight (with about 100,000 wipes and 15,000 repairs)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.devices.models import DATA_BEARING_KINDS, DataWipe, Device, Repair, tag_for_id

from ..bulk import BulkTable, indexes_deferred, next_id, reset_sequences

Output = Callable[[str], None]

# Runs before lending (which lends these devices).
ORDER = 40

PER_HUB = {"tiny": 8, "small": 30}
LARGE_TOTAL = 150_000
CHUNK = 50_000

# (kind, weight, makes and models, cpu, ram, storage, os)
CATALOGUE: tuple[
    tuple[str, int, tuple[tuple[str, str], ...], str, int | None, int | None, str], ...
] = (
    (
        "laptop",
        55,
        (
            ("Lenovo", "ThinkPad T480"),
            ("Lenovo", "ThinkPad L390"),
            ("Dell", "Latitude 5490"),
            ("HP", "EliteBook 840 G5"),
            ("HP", "ProBook 450 G6"),
        ),
        "Intel Core i5-8250U",
        8,
        256,
        "Windows 11 Pro",
    ),
    (
        "desktop",
        8,
        (("Dell", "OptiPlex 7060"), ("HP", "EliteDesk 800 G4")),
        "Intel Core i5-8500",
        8,
        256,
        "Windows 11 Pro",
    ),
    ("tablet", 10, (("Samsung", "Galaxy Tab A8"), ("Apple", "iPad 9")), "", 3, 64, "Android 14"),
    ("smartphone", 8, (("Samsung", "Galaxy A34"), ("Fairphone", "4")), "", 6, 128, "Android 14"),
    ("monitor", 8, (("Iiyama", "ProLite XU2493HS"), ("Dell", "P2419H")), "", None, None, ""),
    ("mobile_hotspot", 3, (("Huawei", "E5576"),), "", None, None, ""),
    ("keyboard_mouse", 3, (("Logitech", "MK270"),), "", None, None, ""),
    ("webcam", 2, (("Logitech", "C270"),), "", None, None, ""),
    ("headset", 2, (("Jabra", "Evolve 20"),), "", None, None, ""),
    ("printer", 1, (("Brother", "HL-L2350DW"),), "", None, None, ""),
)
STATUSES = (
    ("received", 6),
    ("wiping", 4),
    ("refurbishing", 4),
    ("ready", 22),
    ("reserved", 3),
    ("on_loan", 45),
    ("returned", 4),
    ("in_repair", 5),
    ("retired", 7),
)
RETIREMENT = ("recycled", "recycled", "lost", "stolen", "given_away", "given_away")
SOURCES = (("donation", 60), ("purchase", 15), ("programme", 25))
WIPE_TOOLS = ("Blancco Drive Eraser", "nwipe", "ShredOS", "Samsung Magician secure erase")
PROBLEMS = (
    ("Battery does not charge", "New battery", 4500, 30),
    ("Broken hinge", "Hinge set", 1800, 45),
    ("Keyboard keys missing", "Keyboard AZERTY", 2500, 40),
    ("Slow: hard disk failing", "SSD 256 GB", 3200, 60),
    ("Cracked screen", "Display panel", 6500, 50),
    ("Windows does not start", "", 0, 35),
)
TRAINEES = ("Trainee IT-repair course", "Stagiair Repair Café", "")
DEVICE_FIELDS = (
    "id",
    "hub",
    "tag",
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
    "programme_note",
    "intake_date",
    "value_cents",
    "condition",
    "location",
    "status",
    "retirement_reason",
    "cycle_started_at",
    "status_changed_at",
    "created_at",
    "updated_at",
)
WIPE_FIELDS = (
    "hub",
    "device",
    "method",
    "tool",
    "wiped_on",
    "operator",
    "result",
    "certificate_number",
    "certificate",
    "created_at",
)
REPAIR_FIELDS = (
    "hub",
    "device",
    "problem",
    "parts",
    "cost_cents",
    "minutes_spent",
    "repaired_by",
    "trainee_name",
    "outcome",
    "repaired_on",
    "recorded_by",
    "created_at",
)
WIPED = {"refurbishing", "ready", "reserved", "on_loan", "in_repair"}


def seed(*, hubs: list[Any], scale: Any, seed: int, now: datetime, out: Output) -> None:
    started = time.perf_counter()
    rng = random.Random(f"{seed}:devices")
    pools = []
    for hub_seed in hubs:
        team = [
            user_id
            for role in (HubRole.STAFF, HubRole.COORDINATOR)
            for user_id in hub_seed.team.get(role, [])
        ]
        if hub_seed.locations and team:
            pools.append((hub_seed, team))
    if not pools:
        return
    if scale.bulk:
        weights = list(accumulate(pool[0].spec.weight for pool in pools))
        plan: Iterator[tuple[Any, list[int]]] = (
            rng.choices(pools, cum_weights=weights)[0] for _ in range(LARGE_TOTAL)
        )
    else:
        per_hub = PER_HUB.get(scale.name, PER_HUB["small"])
        plan = (pool for pool in pools for _ in range(per_hub))
    devices = BulkTable(Device, DEVICE_FIELDS)
    wipes = BulkTable(DataWipe, WIPE_FIELDS)
    repairs = BulkTable(Repair, REPAIR_FIELDS)
    kinds = list(CATALOGUE)
    kind_w = list(accumulate(entry[1] for entry in CATALOGUE))
    statuses = [s for s, _ in STATUSES]
    status_w = list(accumulate(w for _, w in STATUSES))
    sources = [s for s, _ in SOURCES]
    source_w = list(accumulate(w for _, w in SOURCES))
    first_id = next_id(Device)
    today = timezone.localdate(now)

    def batches() -> Iterator[
        tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]
    ]:
        batch: list[tuple[Any, ...]] = []
        wipe_rows: list[tuple[Any, ...]] = []
        repair_rows: list[tuple[Any, ...]] = []
        for index, (hub_seed, team) in enumerate(plan):
            pk = first_id + index
            kind, _w, models_, cpu, ram, storage, os_name = rng.choices(kinds, cum_weights=kind_w)[
                0
            ]
            make, model = models_[int(rng.random() * len(models_))]
            status = rng.choices(statuses, cum_weights=status_w)[0]
            # Small scales: every third device takes the next status, so every hub
            # has devices in every status.
            if not scale.bulk and index % 3 == 0:
                status = statuses[(index // 3) % len(statuses)]
            source = rng.choices(sources, cum_weights=source_w)[0]
            age = int(rng.random() ** 1.5 * 700) + 3
            intake = today - timedelta(days=age)
            came_in = timezone.make_aware(
                datetime.combine(intake, datetime.min.time())
            ) + timedelta(hours=10)
            changed = came_in + timedelta(days=int(rng.random() * max(age - 1, 1)))
            if changed > now:
                changed = now
            location = hub_seed.locations[int(rng.random() * len(hub_seed.locations))]
            stores_data = kind in DATA_BEARING_KINDS
            batch.append(
                (
                    pk,
                    hub_seed.hub.pk,
                    tag_for_id(pk),
                    kind,
                    make,
                    model,
                    f"{make[:2].upper()}{rng.randrange(10**7, 10**8)}",
                    cpu,
                    ram,
                    storage,
                    os_name,
                    "azerty" if stores_data and kind in ("laptop", "desktop") else "",
                    source,
                    "Digisprong" if source == "programme" else "",
                    intake,
                    rng.choice((2500, 8000, 12000, 15000, 25000)) if source != "donation" else None,
                    rng.choice("AABBBBCCD"),
                    location.pk,
                    status,
                    rng.choice(RETIREMENT) if status == "retired" else "",
                    came_in,
                    changed,
                    came_in,
                    changed,
                )
            )
            if stores_data and status in WIPED:
                wiped_at = came_in + timedelta(hours=2)
                wipe_rows.append(
                    (
                        hub_seed.hub.pk,
                        pk,
                        "purge" if rng.random() < 0.7 else "clear",
                        rng.choice(WIPE_TOOLS),
                        wiped_at.date(),
                        team[int(rng.random() * len(team))],
                        "passed",
                        f"W{pk:08d}",
                        "",
                        wiped_at,
                    )
                )
            if status == "in_repair" or rng.random() < 0.06:
                problem, parts, cost, minutes = rng.choice(PROBLEMS)
                trainee = rng.choice(TRAINEES)
                member = team[int(rng.random() * len(team))]
                repair_rows.append(
                    (
                        hub_seed.hub.pk,
                        pk,
                        problem,
                        parts,
                        cost,
                        minutes,
                        None if trainee else member,
                        trainee,
                        "fixed" if status != "in_repair" else "not_fixed",
                        changed.date(),
                        member,
                        changed,
                    )
                )
            if len(batch) >= CHUNK:
                yield batch, wipe_rows, repair_rows
                batch, wipe_rows, repair_rows = [], [], []
        if batch:
            yield batch, wipe_rows, repair_rows

    with ExitStack() as deferred:
        if scale.bulk:
            deferred.enter_context(indexes_deferred(Device))
            deferred.enter_context(indexes_deferred(DataWipe))
            deferred.enter_context(indexes_deferred(Repair))
        for batch, wipe_rows, repair_rows in batches():
            devices.write(batch)
            wipes.write(wipe_rows)
            repairs.write(repair_rows)
    reset_sequences([Device, DataWipe, Repair])
    seconds = time.perf_counter() - started
    out(
        f"  devices: {devices.rows_written:,} devices, {wipes.rows_written:,} wipes, "
        f"{repairs.rows_written:,} repairs ({seconds:.1f} s)"
    )
