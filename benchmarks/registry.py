"""The benchmark's measurements: small functions registered by name, each returning one
result row. Add a measurement by adding a module to `benchmarks/measurements/` with a
function decorated by `@measurement("app.what")`; `run.py` finds it by itself."""

from __future__ import annotations

import importlib
import math
import pkgutil
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def signed_in_client(user: Any) -> Client:
    """A client signed in as the user, with a confirmed second factor in its session:
    every role that reads personal data must use two-factor in production (as here)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class CountQueries(CaptureQueriesContext):
    """Capture the queries of one request. Django keeps at most 9,000 queries in
    `connection.queries_log` (a bounded deque): once it is full its length stays the
    same, so counting by length would read 0 after a few thousand requests. The log is
    emptied first, so the count is right at any scale."""

    def __enter__(self) -> CountQueries:
        self.connection.queries_log.clear()
        super().__enter__()
        return self


@dataclass(frozen=True)
class Result:
    """One row of the results table and of var/bench/results.json."""

    name: str
    scale: str
    rows: int | None
    p50_ms: float | None
    p95_ms: float | None
    queries: int | None
    per_s: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Skip(Exception):
    """Raised by a measurement that cannot run yet (for example a page not built)."""


@dataclass
class Timing:
    latencies_ms: list[float]
    queries: list[int]
    statuses: Counter[int]

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 95)

    @property
    def per_s(self) -> float:
        return len(self.latencies_ms) / (sum(self.latencies_ms) / 1000)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile on the sorted values (no interpolation)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(pct / 100 * len(ordered))))
    return ordered[rank - 1]


# inspect(url, response): looks at a response (the test client's HttpResponse).
Inspect = Callable[[str, Any], None]


@dataclass
class Bench:
    """What a measurement gets: the data set, a signed-in client and timing helpers."""

    scale: str
    seed: int
    requests: int
    warmup: int
    client: Client
    # The hub and staff member the client is signed in as (a big hub).
    hub: Any
    user: Any
    notes: list[str] = field(default_factory=list)
    # Close the database connection before each request, as a server does with
    # CONN_MAX_AGE 0 (off inside a test's transaction, which a close would end).
    reconnect: bool = True

    def rng(self, name: str) -> random.Random:
        """A random stream of its own per measurement: same seed, same requests."""
        return random.Random(f"{self.seed}:{name}")

    def time_get(self, urls: Sequence[str], *, inspect: Inspect | None = None) -> Timing:
        """GET each URL once through the full Django stack, as a production server would
        serve it: a fresh database connection per request on SQLite (CONN_MAX_AGE 0), so
        connecting is part of the time. The first `warmup` URLs are not counted.
        `inspect(url, response)` is called after each timed request, outside the timing."""
        latencies: list[float] = []
        queries: list[int] = []
        statuses: Counter[int] = Counter()
        for index, url in enumerate(urls):
            if self.reconnect:
                close_old_connections()  # what the server does when the previous request ends
            started = time.perf_counter()
            with CountQueries(connection) as captured:
                response = self.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if index < self.warmup:
                continue
            latencies.append(elapsed)
            queries.append(len(captured.captured_queries))
            statuses[response.status_code] += 1
            if inspect is not None:
                inspect(url, response)
        if self.reconnect:
            close_old_connections()
        return Timing(latencies, queries, statuses)

    def page_result(
        self,
        name: str,
        urls: Sequence[str],
        *,
        rows: int | None,
        inspect: Inspect | None = None,
    ) -> Result:
        """Time GET requests and turn them into a result row. Query count: the most any
        request needed (it should not depend on the data)."""
        return self.result(name, self.time_get(urls, inspect=inspect), rows=rows)

    def result(self, name: str, timing: Timing, *, rows: int | None) -> Result:
        """A result row from timings; responses other than 200 become a note."""
        if set(timing.statuses) - {200}:
            self.notes.append(f"{name}: responses {dict(timing.statuses)}")
        return Result(
            name=name,
            scale=self.scale,
            rows=rows,
            p50_ms=round(timing.p50_ms, 2),
            p95_ms=round(timing.p95_ms, 2),
            queries=max(timing.queries) if timing.queries else None,
            per_s=round(timing.per_s, 1),
        )


Measurement = Callable[[Bench], Result]

_measurements: list[tuple[int, str, Measurement]] = []


def measurement(name: str, *, order: int = 100) -> Callable[[Measurement], Measurement]:
    """Register a measurement under a stable name ("people.search"): results are compared
    over time by name and scale."""

    def register(function: Measurement) -> Measurement:
        if any(existing == name for _, existing, _ in _measurements):
            raise ValueError(f"Two measurements are called {name!r}.")
        _measurements.append((order, name, function))
        _measurements.sort(key=lambda item: (item[0], item[1]))
        return function

    return register


def discover() -> list[tuple[str, Measurement]]:
    """Import every module of benchmarks.measurements, then list what they registered."""
    from . import measurements as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [(name, function) for _, name, function in _measurements]
