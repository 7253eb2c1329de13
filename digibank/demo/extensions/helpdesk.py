"""Demo data of the help desk: help questions at the hubs' help points (anonymous and
for participants, most asked topics first, a few tallied ones still to complete today),
digihelper profiles and mandates. Help questions and their topics go through the bulk
loader with explicit ids, so the large scale writes its 10,000,000 helps (and their
topic rows) fast; everything depends only on the seed.

Small scales: a few hundred helps over the last weeks. Large scale: 10,000,000 helps
over two years, spread over the hubs by weight."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.helpdesk import rollups
from digibank.helpdesk.models import (
    DigihelperProfile,
    HelpDayCount,
    HelperLanguage,
    HelpQuestion,
    HelpTopic,
    Mandate,
    MandateKind,
)
from digibank.people.models import Participant

from ..bulk import BulkTable, indexes_deferred, next_id, reset_sequences

Output = Callable[[str], None]

# Helps per scale: (total, days back).
VOLUMES = {"tiny": (60, 14), "small": (420, 28), "large": (10_000_000, 730)}
LARGE_CHUNK = 50_000
# Most asked first: itsme, Jobbonus/Burgerprofiel, Tax-on-web.
TOPIC_WEIGHTS = {
    "itsme": 24,
    "burgerprofiel": 12,
    "taxes": 12,
    "eid": 7,
    "csam": 3,
    "ebox": 5,
    "health": 5,
    "banking": 6,
    "work": 4,
    "social_security": 2,
    "family": 3,
    "integration": 2,
    "housing": 2,
    "device_basics": 5,
    "email_accounts": 4,
    "security": 2,
    "smartphone": 4,
    "social_media": 2,
    "other": 1,
}
CHANNELS = (
    ("walk_in", 70),
    ("appointment", 15),
    ("phone", 8),
    ("home_visit", 2),
    ("mobile_point", 3),
    ("remote", 2),
)
AUTONOMY = (("for_them", 25), ("together", 55), ("themselves", 20))
OUTCOMES = (("solved", 70), ("partly", 20), ("referred", 10))
REFERRALS = ("Ziekenfonds", "OCMW", "FOD Financiën", "VDAB", "Bank", "Groeipakket")
NOTES = (
    "",
    "",
    "",
    "",
    "",
    "itsme op nieuwe gsm gezet",
    "Aangifte samen ingediend",
    "Komt volgende week terug",
    "eBox geactiveerd",
    "Brief van ziekenfonds uitgelegd",
)
AGE_BANDS = ("18-24", "25-44", "45-64", "65-79", "65-79", "80+", "")
GENDERS = ("woman", "woman", "man", "man", "x", "")
STATUSES = ("jobseeker", "employed", "retired", "retired", "student", "other", "")
LANGUAGES = ("nl", "fr", "en", "ar", "tr", "pl", "ro", "uk", "ru", "es", "fa")
# Participants of a hub the helps are drawn from (the first ones by id).
PARTICIPANT_SAMPLE = 20_000
# Regular visitors per hub, who get a share of the helps.
FREQUENT = 50

HELP_FIELDS = (
    "id",
    "hub",
    "location",
    "helper",
    "occurred_at",
    "channel",
    "duration_minutes",
    "autonomy",
    "outcome",
    "referred_to",
    "follow_up_needed",
    "note",
    "participant",
    "age_band",
    "gender",
    "status",
    "postcode",
    "is_complete",
    "created_at",
    "follow_up_due",
    "follow_up_assignee",
)


def _weighted(pairs: Any) -> tuple[list[Any], list[int]]:
    """Items and their cumulative weights (random.choices is much faster with those)."""
    items = list(pairs)
    return [item for item, _ in items], list(accumulate(weight for _, weight in items))


def seed(*, hubs: list[Any], scale: Any, seed: int, now: datetime, out: Output) -> None:
    rng = random.Random(f"{seed}:helpdesk")
    started = time.perf_counter()
    topics = {topic.code: topic.pk for topic in HelpTopic.objects.all()}
    topic_ids = [topics[code] for code in TOPIC_WEIGHTS if code in topics]
    topic_weights = [weight for code, weight in TOPIC_WEIGHTS.items() if code in topics]
    _profiles(hubs, rng, topic_ids)
    total, days = VOLUMES.get(scale.name, VOLUMES["small"])
    written = _helps(
        hubs,
        rng,
        now=now,
        total=total,
        days=days,
        bulk=scale.bulk,
        topic_ids=topic_ids,
        topic_weights=topic_weights,
    )
    mandates = _mandates(hubs, rng, now=now, per_hub=200 if scale.bulk else 4)
    seconds = time.perf_counter() - started
    out(
        f"  helpdesk: {written:,} help questions, {mandates:,} mandates "
        f"({seconds:.1f} s, {written / seconds if seconds else 0:,.0f} helps/s)"
    )


def _team(hub_seed: Any) -> list[int]:
    team = hub_seed.team
    return [
        user_id
        for role in (HubRole.DIGIHELPER, HubRole.DIGIHELPER, HubRole.STAFF, HubRole.COORDINATOR)
        for user_id in team.get(role, [])
    ]


def _profiles(hubs: list[Any], rng: random.Random, topic_ids: list[int]) -> None:
    for hub_seed in hubs:
        members = Membership.objects.filter(
            hub=hub_seed.hub, role__in=[HubRole.DIGIHELPER, HubRole.STAFF]
        ).order_by("pk")
        for membership in members:
            profile = DigihelperProfile.objects.create(
                hub=hub_seed.hub,
                membership=membership,
                availability=rng.choice(
                    [
                        "Dinsdagvoormiddag",
                        "Maandag en donderdag",
                        "Woensdagnamiddag",
                        "Vrijdag, niet in juli",
                        "",
                    ]
                ),
            )
            profile.topics.set(rng.sample(topic_ids, k=min(len(topic_ids), rng.randint(3, 7))))
            if hub_seed.locations:
                profile.locations.set(
                    rng.sample(hub_seed.locations, k=min(2, len(hub_seed.locations)))
                )
            spoken = {"nl", *rng.sample(LANGUAGES, k=rng.randint(0, 2))}
            HelperLanguage.objects.bulk_create(
                HelperLanguage(profile=profile, language=code) for code in sorted(spoken)
            )


def _helps(
    hubs: list[Any],
    rng: random.Random,
    *,
    now: datetime,
    total: int,
    days: int,
    bulk: bool,
    topic_ids: list[int],
    topic_weights: list[int],
) -> int:
    topic_cum = list(accumulate(topic_weights))
    pools = []
    for hub_seed in hubs:
        helpers = _team(hub_seed)
        if not hub_seed.locations or not helpers:
            continue
        participants = list(
            Participant.objects.filter(hub=hub_seed.hub, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:PARTICIPANT_SAMPLE]
        )
        postcodes = [postcode.code for postcode, _ in hub_seed.area.postcodes()[:30]] or [""]
        pools.append((hub_seed, helpers, participants, postcodes))
    if not pools or not topic_ids:
        return 0
    hub_weights = list(accumulate(pool[0].spec.weight for pool in pools))
    helps = BulkTable(HelpQuestion, HELP_FIELDS)
    links = BulkTable(HelpQuestion.topics.through, ("helpquestion", "helptopic"))
    first_id = next_id(HelpQuestion)
    channels, channel_w = _weighted(CHANNELS)
    autonomy, autonomy_w = _weighted(AUTONOMY)
    outcomes, outcome_w = _weighted(OUTCOMES)
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # The daily roll-up is counted while the rows are made and written in bulk after.
    tally = rollups.Tally()

    def rows() -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[int, int]]]]:
        batch: list[tuple[Any, ...]] = []
        batch_links: list[tuple[int, int]] = []
        random_ = rng.random
        for index in range(total):
            pk = first_id + index
            hub_seed, helpers, participants, postcodes = rng.choices(
                pools, cum_weights=hub_weights
            )[0]
            # The last day gets its share too, so the day view has today's log.
            day = int(random_() ** 1.3 * days)
            when = (
                today_start
                - timedelta(days=day)
                + timedelta(hours=9 + int(random_() * 8), minutes=int(random_() * 60))
            )
            # Wall-clock arithmetic in the local zone: the date is the local day.
            local_day = when.date()
            if when > now:
                when = now - timedelta(minutes=int(random_() * 60))
                local_day = timezone.localdate(when)
            person = None
            if participants and random_() < 0.45:
                # Regulars: the hub's first people come back often (long timelines).
                spread = FREQUENT if random_() < 0.05 else len(participants)
                person = participants[int(random_() * min(spread, len(participants)))]
            outcome = rng.choices(outcomes, cum_weights=outcome_w)[0]
            incomplete = day == 0 and random_() < 0.1
            follow_up = random_() < 0.08
            helper = helpers[int(random_() * len(helpers))]
            batch.append(
                (
                    pk,
                    hub_seed.hub.pk,
                    hub_seed.locations[int(random_() * len(hub_seed.locations))].pk,
                    helper,
                    when,
                    "walk_in" if incomplete else rng.choices(channels, cum_weights=channel_w)[0],
                    # A tally records only its topic: the rest is "not recorded".
                    None if incomplete else rng.choice((5, 10, 15, 15, 20, 30, 30, 45, 60)),
                    "" if incomplete else rng.choices(autonomy, cum_weights=autonomy_w)[0],
                    "" if incomplete else outcome,
                    rng.choice(REFERRALS) if outcome == "referred" and not incomplete else "",
                    follow_up,
                    "" if incomplete else NOTES[int(random_() * len(NOTES))],
                    None if incomplete else person,
                    "" if person or incomplete else AGE_BANDS[int(random_() * len(AGE_BANDS))],
                    "" if person or incomplete else GENDERS[int(random_() * len(GENDERS))],
                    "" if person or incomplete else STATUSES[int(random_() * len(STATUSES))],
                    "" if person or incomplete or random_() < 0.5 else rng.choice(postcodes),
                    not incomplete,
                    when,
                    (when + timedelta(days=7)).date() if follow_up else None,
                    helper if follow_up else None,
                )
            )
            first = rng.choices(topic_ids, cum_weights=topic_cum)[0]
            batch_links.append((pk, first))
            help_topics = [first]
            if random_() < 0.25:
                second = rng.choices(topic_ids, cum_weights=topic_cum)[0]
                if second != first:
                    batch_links.append((pk, second))
                    help_topics.append(second)
            row = batch[-1]
            tally.add(
                hub_id=row[1],
                day=local_day,
                topic_ids=help_topics,
                channel=row[5],
                outcome=row[8],
                anonymous=row[12] is None,
            )
            if len(batch) >= LARGE_CHUNK:
                yield batch, batch_links
                batch, batch_links = [], []
        if batch:
            yield batch, batch_links

    with ExitStack() as deferred:
        if bulk:
            deferred.enter_context(indexes_deferred(HelpQuestion))
            deferred.enter_context(indexes_deferred(HelpQuestion.topics.through))
        for batch, batch_links in rows():
            helps.write(batch)
            links.write(batch_links)
    reset_sequences([HelpQuestion, HelpQuestion.topics.through])
    HelpDayCount.objects.filter(hub_id__in=[pool[0].hub.pk for pool in pools]).delete()
    counters = BulkTable(HelpDayCount, ("hub", "day", "dimension", "key", "number"))
    rows_ = [(*key, number) for key, number in sorted(tally.counts.items())]
    for offset in range(0, len(rows_), LARGE_CHUNK):
        counters.write(rows_[offset : offset + LARGE_CHUNK])
    return helps.rows_written


def _mandates(hubs: list[Any], rng: random.Random, *, now: datetime, per_hub: int) -> int:
    today = timezone.localdate(now)
    rows = []
    for hub_seed in hubs:
        creators = _team(hub_seed)
        people = list(
            Participant.objects.filter(hub=hub_seed.hub, anonymised_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: per_hub * 3]
        )
        if not creators or not people:
            continue
        for person in rng.sample(people, k=min(per_hub, len(people))):
            starts = today - timedelta(days=rng.randint(0, 700))
            ends = starts + timedelta(days=730)
            if rng.random() < 0.3:
                ends = today + timedelta(days=rng.randint(1, 30))
            rows.append(
                (
                    hub_seed.hub.pk,
                    person,
                    rng.choice(
                        [
                            MandateKind.MYMINFIN,
                            MandateKind.BURGERPROFIEL,
                            MandateKind.BURGERPROFIEL,
                            MandateKind.OTHER,
                        ]
                    ),
                    rng.choice(["Dochter", "Zoon", "Buurvrouw", "Partner", "Bewindvoerder"]),
                    starts,
                    max(ends, starts),
                    "",
                    rng.choice(creators),
                    now,
                )
            )
    table = BulkTable(
        Mandate,
        (
            "hub",
            "participant",
            "kind",
            "holder_name",
            "starts_on",
            "ends_on",
            "note",
            "created_by",
            "created_at",
        ),
    )
    table.write(rows)
    return table.rows_written
