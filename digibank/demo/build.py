"""Building the demo data set at a scale: the network and accounts through the ORM, the
people through the bulk loader, in transactions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.people.models import Participant

from .bulk import analyze, indexes_deferred, next_id, reset_sequences
from .extensions import extension_modules
from .geography import service_areas
from .scales import SCALES, Scale
from .seed_accounts import create_demo_logins, create_team, demo_logins_password
from .seed_network import HubSeed, create_hubs
from .seed_people import CHUNK, HubPool, PeopleGenerator, PeopleLoad, visitor_rows, visitor_table

Output = Callable[[str], None]

# Bump when the data set changes shape, so the benchmark rebuilds its database.
DATASET_VERSION = 7


@dataclass
class Report:
    scale: str
    seed: int
    hubs: int = 0
    participants: int = 0
    seconds: float = 0.0
    # The demo logins' password: the published one in demo mode, else a random one.
    logins_password: str = ""
    # table -> (rows, seconds spent writing them)
    tables: dict[str, tuple[int, float]] = field(default_factory=dict)


def build(
    *, scale: Scale | str, seed: int, out: Output = print, participants: int | None = None
) -> Report:
    """Everything in one transaction: a failed or interrupted load leaves nothing."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    started = time.perf_counter()
    now = timezone.now().replace(microsecond=0)
    report = Report(scale=scale.name, seed=seed, logins_password=demo_logins_password())
    total = participants if participants is not None else scale.participants
    with transaction.atomic():
        hubs = _network_and_accounts(
            scale=scale, seed=seed, now=now, password=report.logins_password
        )
        pools = [_pool(hub_seed) for hub_seed in hubs]
        report.hubs = len(hubs)
        out(
            f"  network: {len(hubs)} hubs, {sum(len(h.locations) for h in hubs)} help points "
            f"({time.perf_counter() - started:.1f} s)"
        )
        visitors = visitor_table()
        rng = random.Random(f"{seed}:visitors")
        for pool in pools:
            count = rng.randint(*scale.visitors_per_hub)
            visitors.write(visitor_rows(pool=pool, count=count, rng=rng, now=now))
        load = PeopleLoad.create()
        generator = PeopleGenerator(
            pools=pools, total=total, seed=seed, now=now, first_id=next_id(Participant)
        )
        _load_people(generator, load, bulk=scale.bulk, out=out)
        reset_sequences([Participant])
        for extension in extension_modules():
            extension.seed(hubs=hubs, scale=scale, seed=seed, now=now, out=out)
    report.participants = total
    for name, table in [("visitors", visitors), *load.tables()]:
        report.tables[name] = (table.rows_written, table.seconds)
    if scale.bulk:
        finishing = time.perf_counter()
        analyze([table.model._meta.db_table for _, table in load.tables()])
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        out(f"  analyze and checkpoint: {time.perf_counter() - finishing:.1f} s")
    report.seconds = time.perf_counter() - started
    return report


def _network_and_accounts(
    *, scale: Scale, seed: int, now: datetime, password: str
) -> list[HubSeed]:
    areas = service_areas(scale.hubs, cover_region=scale.bulk)
    hubs = create_hubs(scale=scale, areas=areas, seed=seed, today=timezone.localdate(now))
    first = [hub_seed.hub for hub_seed in hubs]
    logins = create_demo_logins(hubs=first, programme=hubs[0].hub.programme, password=password)
    admin = logins[-1]
    rng = random.Random(f"{seed}:team")
    for hub_seed in hubs:
        hub_seed.team = create_team(hub=hub_seed.hub, team=scale.team, rng=rng)
        journal_write(
            actor=admin,
            action="hub.create",
            subject=hub_seed.hub,
            hub_id=hub_seed.hub.pk,
            details={"demo": True},
        )
    return hubs


def _pool(hub_seed: HubSeed) -> HubPool:
    weighted = hub_seed.area.postcodes()
    cumulative = []
    running = 0.0
    for _, weight in weighted:
        running += weight
        cumulative.append(running)
    team = hub_seed.team
    registrars = [
        user_id
        for role in (HubRole.COORDINATOR, HubRole.STAFF, HubRole.DIGIHELPER)
        for user_id in team.get(role, [])
    ]
    return HubPool(
        hub_id=hub_seed.hub.pk,
        slug=hub_seed.hub.slug,
        weight=hub_seed.spec.weight,
        phone_zone=hub_seed.area.phone_zone,
        postcodes=[(postcode.code, postcode.municipality_id) for postcode, _ in weighted],
        postcode_weights=cumulative,
        registrars=registrars,
        location_ids=[location.pk for location in hub_seed.locations],
    )


def _load_people(generator: PeopleGenerator, load: PeopleLoad, *, bulk: bool, out: Output) -> None:
    """At large scales the tables' plain indexes are built once at the end, which is much
    faster than keeping them up to date row by row."""
    total = generator.total
    started = time.perf_counter()
    report_every = max(CHUNK, (total // 10) // CHUNK * CHUNK)
    with ExitStack() as deferred:
        if bulk:
            for _, table in load.tables():
                deferred.enter_context(indexes_deferred(table.model))
        done = 0
        for chunk in generator.chunks():
            load.write(chunk)
            done += len(chunk.participants)
            if bulk and (done % report_every == 0 or done == total):
                elapsed = time.perf_counter() - started
                out(f"  participants {done:>9,}/{total:,}  {done / elapsed:>8,.0f} rows/s")
        indexing = time.perf_counter()
        deferred.close()
        if bulk:
            out(f"  indexes built in {time.perf_counter() - indexing:.1f} s")
