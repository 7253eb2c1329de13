"""Demo data of lending: a policy per hub, an open loan for every device the devices
demo put "on loan", earlier returned loans of the devices, and a few requests on the
waiting lists. Written with the bulk loader; depends only on the seed.

Tiny and small: one or two earlier loans per device. Large: about eleven per device, so
over 1,500,000 loans for the 150,000 devices."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.devices.models import Device
from digibank.lending.holdings import hold_open_records
from digibank.lending.models import DeviceRequest, LendingPolicy, Loan
from digibank.people.models import Participant

from ..bulk import BulkTable, indexes_deferred, reset_sequences

Output = Callable[[str], None]

ORDER = 50  # after devices (40)
PAST_LOANS = {"tiny": 1, "small": 2}
LARGE_PAST_LOANS = 11  # with the open loans: over 1,500,000 loans at 150,000 devices
CHUNK = 50_000
CONDITIONS = (
    "Neem goed zorg voor het toestel. Breng het op tijd terug, met de lader. "
    "Meld verlies, diefstal of schade meteen."
)
GOALS = (
    "Solliciteren en een cv maken",
    "Huiswerk en Smartschool",
    "Mijn Burgerprofiel en Tax-on-web leren gebruiken",
    "Online Nederlands oefenen",
    "",
)
LOAN_FIELDS = (
    "hub",
    "device",
    "participant",
    "kind",
    "started_at",
    "due_on",
    "renewals",
    "deposit_cents",
    "language",
    "conditions",
    "goals_plan",
    "signed_at",
    "signed_recorded_by",
    "lent_by",
    "returned_at",
    "returned_to",
    "powers_on",
    "accessories_back",
    "data_removed",
    "damage_note",
    "return_note",
    "outcome",
    "created_at",
    "updated_at",
)
REQUEST_FIELDS = (
    "hub",
    "participant",
    "kind",
    "needs",
    "needs_note",
    "status",
    "reasons",
    "requested_at",
    "urgency_points",
    "priority_at",
    "skip_reason",
    "created_by",
    "created_at",
    "updated_at",
)


def seed(*, hubs: list[Any], scale: Any, seed: int, now: datetime, out: Output) -> None:
    started = time.perf_counter()
    rng = random.Random(f"{seed}:lending")
    team_of: dict[int, list[int]] = {}
    people_of: dict[int, list[int]] = {}
    for hub_seed in hubs:
        team = [
            user_id
            for role in (HubRole.STAFF, HubRole.COORDINATOR)
            for user_id in hub_seed.team.get(role, [])
        ]
        people = list(
            Participant.objects.filter(hub=hub_seed.hub, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not team or not people:
            continue
        team_of[hub_seed.hub.pk] = team
        people_of[hub_seed.hub.pk] = people
        LendingPolicy.objects.update_or_create(
            hub=hub_seed.hub,
            defaults={
                "target_groups": ["jobseeker", "low_income", "pupil", "newcomer", "senior"],
                "required_evidence": ["increased_allowance"] if rng.random() < 0.3 else [],
                "max_concurrent_loans": 1,
                "default_loan_days": 90,
                "loan_days_by_kind": {"laptop": 180, "mobile_hotspot": 60},
                "max_renewals": 2,
                "conditions": CONDITIONS,
            },
        )
    if not team_of:
        return
    past_per_device = LARGE_PAST_LOANS if scale.bulk else PAST_LOANS.get(scale.name, 2)
    today = timezone.localdate(now)
    devices = (
        Device.objects.filter(hub_id__in=list(team_of))
        .order_by("pk")
        .values_list("pk", "hub_id", "status", "created_at", "status_changed_at")
    )
    loans = BulkTable(Loan, LOAN_FIELDS)

    def rows() -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for pk, hub_id, status, came_in, changed in devices.iterator(chunk_size=10_000):
            team, people = team_of[hub_id], people_of[hub_id]
            # Earlier loans, one after the other, all returned before the last change.
            span = max((changed - came_in).days, 1)
            count = past_per_device if status not in ("received", "wiping") else 0
            step = span / (count + 1)
            for n in range(count):
                start = came_in + timedelta(days=step * n + 1)
                length = max(int(step * 0.8), 1)
                end = start + timedelta(days=length)
                member = team[int(rng.random() * len(team))]
                batch.append(
                    _loan(rng, hub_id, pk, people, member, start, end, today, returned=True)
                )
            if status == "on_loan":
                member = team[int(rng.random() * len(team))]
                batch.append(_loan(rng, hub_id, pk, people, member, changed, None, today))
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    with ExitStack() as deferred:
        if scale.bulk:
            deferred.enter_context(indexes_deferred(Loan))
        for batch in rows():
            loans.write(batch)
    hold_open_records()  # the devices out, as the check-out service records them
    requests = BulkTable(DeviceRequest, REQUEST_FIELDS)
    request_rows = []
    for hub_id, people in people_of.items():
        for n in range(min(5, len(people))):
            asked = now - timedelta(days=3 * n + 1)
            request_rows.append(
                (
                    hub_id,
                    people[int(rng.random() * len(people))],
                    "laptop",
                    ["jobs"] if n % 2 else ["school"],
                    "",
                    "waiting",
                    ["Belongs to a group that may borrow: Jobseeker."],
                    asked,
                    0,
                    asked,
                    "",
                    team_of[hub_id][0],
                    asked,
                    asked,
                )
            )
    requests.write(request_rows)
    reset_sequences([Loan, DeviceRequest])
    seconds = time.perf_counter() - started
    out(
        f"  lending: {loans.rows_written:,} loans, {requests.rows_written:,} requests "
        f"({seconds:.1f} s)"
    )


def _loan(
    rng: random.Random,
    hub_id: int,
    device_id: int,
    people: list[int],
    member: int,
    start: datetime,
    end: datetime | None,
    today: Any,
    *,
    returned: bool = False,
) -> tuple[Any, ...]:
    person = people[int(rng.random() * len(people))]
    due = start.date() + timedelta(days=90)
    if not returned and rng.random() < 0.15:
        due = today - timedelta(days=int(rng.random() * 20) + 1)  # some are overdue
    ok = rng.random() > 0.1
    return (
        hub_id,
        device_id,
        person,
        "temporary",
        start,
        due,
        0,
        0,
        "nl",
        CONDITIONS,
        rng.choice(GOALS),
        start,
        member,
        member,
        end,
        member if returned else None,
        True if returned else None,
        ok if returned else None,
        True if returned else None,
        "" if ok or not returned else "Kras op het scherm",
        "",
        ("ready" if ok else "in_repair") if returned else "",
        start,
        end or start,
    )
