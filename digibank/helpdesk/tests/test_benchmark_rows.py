"""The help desk's benchmark rows run on the tiny demo data set and get answers; the
demo extension makes helps, profiles and mandates."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from benchmarks.measurements import helpdesk as rows
from benchmarks.registry import Bench
from benchmarks.run import pick_hub_and_user
from digibank.helpdesk.models import DigihelperProfile, HelpQuestion, Mandate

pytestmark = pytest.mark.django_db


def test_demo_and_benchmark_rows(client: Client) -> None:
    call_command("demo_data", scale="tiny", seed=3, stdout=StringIO())
    assert HelpQuestion.objects.count() == 60
    assert HelpQuestion.objects.filter(participant__isnull=False).exists()
    assert DigihelperProfile.objects.exists()
    assert Mandate.objects.exists()
    hub, user = pick_hub_and_user()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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
    before = HelpQuestion.objects.count()
    from benchmarks.measurements.appointments import appointments_finish_to_log

    for measure in (
        rows.helpdesk_log,
        rows.helpdesk_day_view,
        rows.people_timeline,
        rows.helpdesk_followups,
        appointments_finish_to_log,
    ):
        result = measure(bench).as_dict()
        assert result["p95_ms"] >= result["p50_ms"] > 0, result
        assert result["queries"] > 0
    assert not [note for note in bench.notes if "responses" in note], bench.notes
    assert HelpQuestion.objects.count() == before, "the logged helps are removed"
