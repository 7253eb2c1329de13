"""The benchmark's measurements still run against the pages as they are (a smoke test on
tiny data; the benchmark itself is `make bench`)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from benchmarks.registry import Bench, discover, percentile, signed_in_client
from benchmarks.run import pick_hub_and_user, table

pytestmark = pytest.mark.django_db


def test_every_measurement_runs_and_gets_answers(settings: Any) -> None:
    settings.ENFORCE_TWO_FACTOR = True  # as in production, where the benchmark runs
    call_command("demo_data", scale="tiny", seed=3, stdout=StringIO())
    hub, user = pick_hub_and_user()
    client = signed_in_client(user)
    bench = Bench(
        scale="tiny",
        seed=3,
        requests=6,
        warmup=1,
        client=client,
        hub=hub,
        user=user,
        reconnect=False,
    )
    results = [function(bench).as_dict() for _, function in discover()]
    names = [result["name"] for result in results]
    assert {"people.search", "people.detail", "hub.dashboard"} <= set(names)
    for result in results:
        assert result["p95_ms"] >= result["p50_ms"] > 0
        assert result["queries"] > 0
        assert result["rows"] > 0
    assert not [note for note in bench.notes if "responses" in note], bench.notes
    assert "people.search" in table(results)


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([7.0], 95) == 7
