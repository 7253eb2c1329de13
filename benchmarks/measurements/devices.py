"""The device bank's pages: the inventory with filters and a device's page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from digibank.devices.models import Device, DeviceKind, DeviceStatus
from digibank.network.models import Location

from ..registry import Bench, Result, Skip, measurement

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
