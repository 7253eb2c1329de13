"""Search is served by the prefix indexes (DESIGN.md section 8), not by scanning a hub.
SQLite only: it shows the plan in a stable form. The planner needs statistics, so
bulk loads (demo data, benchmark) must run ANALYZE afterwards."""

from __future__ import annotations

import pytest
from django.db import connection

from digibank.people.keys import search_keys
from digibank.people.models import Participant
from digibank.people.queries import participant_search

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="query plans are checked on SQLite"
)


@pytest.mark.parametrize(
    ("query", "indexes"),
    [
        ("f12", {"participant_family", "participant_family_tail", "participant_given"}),
        ("g1 f1", {"participant_family", "participant_family_tail", "participant_given"}),
        ("0470 12", {"participant_phone", "participant_phone_rev"}),
        ("9000", {"participant_phone", "participant_phone_rev", "participant_postcode"}),
        ("g1@example.be", {"participant_email"}),
        ("", {"participant_recent_active"}),
    ],
)
def test_search_uses_the_prefix_indexes(hub, other_hub, query, indexes):
    rows = []
    for i in range(400):
        keys = search_keys(given_name=f"g{i}", family_name=f"f{i}", phone=f"04701{i:05d}")
        rows.append(
            Participant(
                hub=hub if i % 2 else other_hub,
                given_name=f"g{i}",
                family_name=f"f{i}",
                phone=f"04701{i:05d}",
                email=f"g{i}@example.be",
                postcode="9000",
                **keys,
            )
        )
    Participant.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        sql, params = participant_search(hub=hub, query=query)[:25].query.sql_with_params()
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    steps = [step for step in plan if "people_participant" in step]
    assert steps, plan
    assert all(step.startswith("SEARCH") for step in steps), plan
    used = {step.split("USING INDEX ")[1].split(" ")[0] for step in steps}
    assert used <= indexes, plan
    assert used & indexes, plan
