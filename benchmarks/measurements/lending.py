"""Lending: a person's lending page (loans, requests, eligibility) and the check-out and
return write paths through the full stack. The write paths lend ready devices that store
no data (so a return makes them ready again without a wipe) and remove their loans after."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.db import close_old_connections, connection
from django.urls import NoReverseMatch, reverse

from digibank.devices.models import DATA_BEARING_KINDS, Device, DeviceStatus
from digibank.lending.models import LendingPolicy, Loan
from digibank.people.models import Participant

from ..registry import Bench, CountQueries, Result, Skip, Timing, measurement


def _url(name: str, **kwargs: object) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise Skip(f"no URL named {name} yet") from error


def _loan_rows() -> int:
    return Loan.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@measurement("lending.participant_loans", order=520)
def participant_loans(bench: Bench) -> Result:
    rng = bench.rng("lending.participant_loans")
    people = list(
        Loan.objects.filter(hub=bench.hub).values_list("participant_id", flat=True)[:5000]
    )
    if not people:
        raise Skip("the hub has no loans")
    urls = [
        _url("lending:participant", hub=bench.hub.slug, pk=rng.choice(people))
        for _ in range(bench.warmup + bench.requests)
    ]
    return bench.page_result("lending.participant_loans", urls, rows=_loan_rows())


def _open_policy(bench: Bench) -> LendingPolicy | None:
    """Lend to everyone during the measurement; the hub's own policy is put back after."""
    saved = LendingPolicy.objects.filter(hub=bench.hub).first()
    LendingPolicy.objects.update_or_create(
        hub=bench.hub,
        defaults={
            "target_groups": [],
            "required_evidence": [],
            "residence_required": False,
            "max_concurrent_loans": 50,
        },
    )
    return saved


def _restore_policy(bench: Bench, saved: LendingPolicy | None) -> None:
    if saved is None:
        LendingPolicy.objects.filter(hub=bench.hub).delete()
    else:
        saved.save()


def _timed_posts(bench: Bench, posts: Sequence[tuple[str, Mapping[str, str]]]) -> Timing:
    latencies: list[float] = []
    queries: list[int] = []
    statuses: Counter[int] = Counter()
    for index, (url, data) in enumerate(posts):
        if bench.reconnect:
            close_old_connections()
        started = time.perf_counter()
        with CountQueries(connection) as captured:
            response = bench.client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        if index < bench.warmup:
            continue
        latencies.append(elapsed)
        queries.append(len(captured.captured_queries))
        statuses[200 if response.status_code == 302 else 400 + response.status_code] += 1
    if bench.reconnect:
        close_old_connections()
    return Timing(latencies, queries, statuses)


_made: list[int] = []


def _ready_devices(bench: Bench, total: int) -> list[str]:
    """Tags of `total` ready devices that store no data; monitors are registered (through
    the devices services) when the data set has too few. They stay for the next run."""
    from digibank.devices.services import device_register, device_transition

    ready = Device.objects.filter(hub=bench.hub, status=DeviceStatus.READY).exclude(
        kind__in=DATA_BEARING_KINDS
    )
    missing = total - ready.count()
    for _ in range(max(missing, 0)):
        device = device_register(
            actor=bench.user, hub=bench.hub, kind="monitor", make="Bench", model="Monitor"
        )
        device_transition(actor=bench.user, device=device, to=DeviceStatus.READY)
    return [str(tag) for tag in ready.order_by("pk").values_list("tag", flat=True)[:total]]


@measurement("lending.scan_lookup", order=525)
def scan_lookup(bench: Bench) -> Result:
    """The scan desk: GET the card of a device by what a hand scanner types (the label's
    URL ending in the tag; every third one an old /devices/<id>/ label), with who holds
    it, its due date and the next actions."""
    rng = bench.rng("lending.scan_lookup")
    devices = list(Device.objects.filter(hub=bench.hub).values_list("pk", "tag")[:5000])
    if not devices:
        raise Skip("the hub has no devices")
    scan = _url("lending:scan", hub=bench.hub.slug)
    codes = []
    for n in range(bench.warmup + bench.requests):
        pk, tag = rng.choice(devices)
        if n % 3 == 2:
            codes.append(f"https://digibank.example.org/h/{bench.hub.slug}/devices/{pk}/")
        else:
            codes.append(f"https://digibank.example.org/h/{bench.hub.slug}/devices/t/{tag}")
    urls = [f"{scan}?{urlencode({'code': code})}" for code in codes]
    rows = Device.objects.filter(hub=bench.hub).count()
    return bench.page_result("lending.scan_lookup", urls, rows=rows)


@measurement("lending.checkout", order=530)
def checkout(bench: Bench) -> Result:
    """POST the check-out form with a typed asset tag, as staff do at the desk."""
    total = bench.warmup + bench.requests
    devices = _ready_devices(bench, total)
    people = list(
        Participant.objects.filter(
            hub=bench.hub, merged_into__isnull=True, anonymised_at__isnull=True
        ).values_list("pk", flat=True)[: total * 3]
    )
    if not people:
        raise Skip("the hub has no participants")
    rng = bench.rng("lending.checkout")
    before = _loan_rows()
    saved = _open_policy(bench)
    try:
        posts = [
            (
                _url("lending:checkout", hub=bench.hub.slug, pk=rng.choice(people)),
                {
                    "tag": tag,
                    "kind": "temporary",
                    "goals_plan": "Solliciteren",
                    # People may wait for monitors in the data set: the hub's default
                    # asks to confirm (lending/fairness.py).
                    "waiting_acknowledged": "on",
                },
            )
            for tag in devices
        ]
        timing = _timed_posts(bench, posts)
    finally:
        _restore_policy(bench, saved)
    _made[:] = list(
        Loan.objects.filter(pk__gt=before, lent_by=bench.user).values_list("pk", flat=True)
    )
    return bench.result("lending.checkout", timing, rows=before)


@measurement("lending.return", order=540)
def return_(bench: Bench) -> Result:
    """POST the return checklist for the loans the check-out measurement made; the
    devices become ready again and those loans are removed."""
    loans = list(Loan.objects.filter(pk__in=_made, returned_at__isnull=True).order_by("pk"))
    if not loans:
        raise Skip("run lending.checkout first")
    posts = [
        (
            _url("lending:loan_return", hub=bench.hub.slug, pk=loan.pk),
            {"powers_on": "on", "accessories_back": "on", "data_removed": "on", "outcome": "ready"},
        )
        for loan in loans
    ]
    rows = _loan_rows()
    timing = _timed_posts(bench, posts)
    Loan.objects.filter(pk__in=_made, returned_at__isnull=False).delete()
    _made.clear()
    return bench.result("lending.return", timing, rows=rows)
