"""The device bank's pages: the inventory with filters and a device's page; and two
hostile inputs that must stay within a request's budget: an import file of one 5 MB
line (refused) and a stock-take of 100,000 scans."""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, transaction
from django.urls import NoReverseMatch, reverse

from digibank.devices.models import Device, DeviceKind, DeviceStatus
from digibank.devices.services import stock_take_record
from digibank.network.models import Location

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement

# Uploading 5 MB per request is slow in itself: a few requests say enough.
HOSTILE_REQUESTS = 20

SAMPLE = 2_000


def _sample(bench: Bench) -> list[tuple[int, str | None, str, str]]:
    """Devices of the bench hub: (id, tag, serial number, model)."""
    rng = bench.rng("devices.sample")
    bounds = Device.objects.filter(hub=bench.hub).order_by("pk")
    first = bounds.values_list("pk", flat=True).first()
    last = bounds.reverse().values_list("pk", flat=True).first()
    if first is None or last is None:
        raise Skip("the hub has no devices")
    wanted = sorted({rng.randint(first, last) for _ in range(SAMPLE * 2)})
    rows: list[tuple[int, str | None, str, str]] = []
    for start in range(0, len(wanted), 900):
        rows.extend(
            Device.objects.filter(hub=bench.hub, pk__in=wanted[start : start + 900]).values_list(
                "pk", "tag", "serial_number", "model"
            )
        )
    if not rows:
        rows = list(bounds.values_list("pk", "tag", "serial_number", "model")[:SAMPLE])
    rng.shuffle(rows)
    return rows[:SAMPLE]


@measurement("devices.list", order=60)
def devices_list(bench: Bench) -> Result:
    try:
        base = reverse("devices:list", kwargs={"hub": bench.hub.slug})
    except NoReverseMatch as error:
        raise Skip("no device list yet") from error
    rng = bench.rng("devices.list")
    sample = _sample(bench)
    locations = list(Location.objects.filter(hub=bench.hub).values_list("pk", flat=True))
    urls = []
    for _ in range(bench.warmup + bench.requests):
        roll = rng.random()
        params: dict[str, object] = {}
        if roll < 0.15:
            pass
        elif roll < 0.35:
            params = {"status": rng.choice(DeviceStatus.values)}
        elif roll < 0.50:
            params = {"kind": rng.choice(DeviceKind.values), "status": "ready"}
        elif roll < 0.65 and locations:
            params = {"location": rng.choice(locations), "status": rng.choice(("ready", ""))}
        elif roll < 0.80:
            params = {"q": rng.choice(sample)[1]}  # a scanned tag
        elif roll < 0.90:
            params = {"q": rng.choice(sample)[2]}  # a serial number
        else:
            params = {"q": rng.choice(sample)[3].split()[0], "page": rng.randint(1, 5)}
        urls.append(f"{base}?{urlencode(params)}" if params else base)
    return bench.page_result("devices.list", urls, rows=Device.objects.count())


@measurement("devices.detail", order=61)
def devices_detail(bench: Bench) -> Result:
    sample = _sample(bench)
    rng = bench.rng("devices.detail")
    try:
        urls = [
            reverse("devices:detail", kwargs={"hub": bench.hub.slug, "pk": rng.choice(sample)[0]})
            for _ in range(bench.warmup + bench.requests)
        ]
    except NoReverseMatch as error:
        raise Skip("no device page yet") from error
    return bench.page_result("devices.detail", urls, rows=Device.objects.count())


def _few(bench: Bench) -> tuple[int, int]:
    """(warm-up, timed) request counts for the heavy rows."""
    return min(bench.warmup, 2), min(bench.requests, HOSTILE_REQUESTS)


@measurement("devices.import_one_line", order=62)
def devices_import_one_line(bench: Bench) -> Result:
    """POST a CSV file that is a single 5 MB line: refused from its first 2 KB."""
    url = reverse("devices:import", kwargs={"hub": bench.hub.slug})
    raw = b"kind," + b"x" * (5 * 1024 * 1024 - 5)
    warmup, timed = _few(bench)
    before = Device.objects.count()
    latencies: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    for index in range(warmup + timed):
        if bench.reconnect:
            close_old_connections()
        upload = SimpleUploadedFile("devices.csv", raw, "text/csv")
        started = time.perf_counter()
        with CountQueries(connection) as captured:
            response = bench.client.post(url, {"file": upload})
        elapsed = (time.perf_counter() - started) * 1000
        if index < warmup:
            continue
        latencies.append(elapsed)
        queries.append(len(captured.captured_queries))
        statuses[response.status_code] += 1  # the form again, with the refusal
    if bench.reconnect:
        close_old_connections()
    if Device.objects.count() != before:
        bench.notes.append("devices.import_one_line: a device was imported")
    return bench.result("devices.import_one_line", Timing(latencies, queries, statuses), rows=1)


@measurement("devices.stock_take_100k", order=63)
def devices_stock_take_100k(bench: Bench) -> Result:
    """A stock-take of 100,000 scans of up to 5,000 of the hub's tags (each scanned many
    times), through the service; rolled back, so the data set stays as built."""
    location = Location.objects.filter(hub=bench.hub, devices__isnull=False).first()
    if location is None:
        raise Skip("the hub has no devices at a location")
    found = Device.objects.filter(hub=bench.hub).values_list("tag", flat=True)[:5000]
    tags = [tag for tag in found if tag]
    if not tags:
        raise Skip("the hub has no tagged devices")
    rng = bench.rng("devices.stock_take_100k")
    scans = [rng.choice(tags) for _ in range(100_000)]
    warmup, timed = _few(bench)
    latencies: list[float] = []
    queries: list[int] = []
    for index in range(warmup + timed):
        started = time.perf_counter()
        with CountQueries(connection) as captured, transaction.atomic():
            stock_take_record(actor=bench.user, hub=bench.hub, location=location, tags=scans)
            transaction.set_rollback(True)
        elapsed = (time.perf_counter() - started) * 1000
        if index >= warmup:
            latencies.append(elapsed)
            queries.append(len(captured.captured_queries))
    timing = Timing(latencies, queries, Counter({200: len(latencies)}))
    return bench.result("devices.stock_take_100k", timing, rows=len(scans))
