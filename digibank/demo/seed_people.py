"""Participants with their target groups, consents and journal lines, made in chunks that
each have their own random stream (so the output depends on the seed only, not on batch
sizes), and written with the bulk loader."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from digibank.core.models import JournalEntry
from digibank.core.text import fold
from digibank.people.consent import PRIVACY_NOTICE_VERSION
from digibank.people.keys import search_keys
from digibank.people.models import (
    AnonymousVisitor,
    Consent,
    Participant,
    ParticipantTargetGroup,
)

from .bulk import BulkTable
from .names import MAIL_DOMAINS, MOBILE_PREFIXES, ORIGINS, Origin

CHUNK = 10_000

PARTICIPANT_FIELDS = (
    "id",
    "hub_id",
    "given_name",
    "family_name",
    "phone",
    "email",
    "birth_year",
    "gender",
    "postcode",
    "municipality_id",
    "preferred_language",
    "given_key",
    "family_key",
    "family_tail_key",
    "phone_digits",
    "phone_reversed",
    "created_at",
    "updated_at",
    "last_seen_at",
    "anonymised_at",
    "created_by_id",
)
TARGET_GROUP_FIELDS = ("participant_id", "group")
CONSENT_FIELDS = (
    "participant_id",
    "purpose",
    "notice_version",
    "given_at",
    "withdrawn_at",
    "recorded_by_id",
)
JOURNAL_FIELDS = (
    "created_at",
    "actor_id",
    "hub_id",
    "action",
    "subject_type",
    "subject_id",
    "details",
)
VISITOR_FIELDS = (
    "hub_id",
    "location_id",
    "visited_on",
    "age_band",
    "gender",
    "status",
    "postcode",
    "recorded_by_id",
    "created_at",
)

# Who comes to a digibank: many seniors, working-age people, some young people.
AGE_BANDS = ((12, 17, 5), (18, 24, 8), (25, 44, 22), (45, 64, 27), (65, 79, 28), (80, 96, 10))
# Cities draw more people of other backgrounds; Brussels more French speakers.
CITY_MIX = {"antwerpen", "gent", "brussel", "genk", "mechelen", "digisprong-genk", "vilvoorde"}


@dataclass
class HubPool:
    """What the generator draws from for one hub."""

    hub_id: int
    slug: str
    weight: float
    phone_zone: str
    # (postcode, municipality NIS code) with cumulative weights.
    postcodes: list[tuple[str, str]]
    postcode_weights: list[float]
    # Users who register people (coordinator, staff, digihelpers).
    registrars: list[int]
    location_ids: list[int]
    origin_weights: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        weights = []
        for origin in ORIGINS:
            weight = origin.weight
            if origin.key != "flemish" and self.slug in CITY_MIX:
                weight *= 2.5
            if self.slug == "brussel" and origin.key in {"francophone", "congolese"}:
                weight *= 4
            weights.append(weight)
        self.origin_weights = list(accumulate(weights))


@dataclass
class Chunk:
    participants: list[tuple[Any, ...]]
    target_groups: list[tuple[Any, ...]]
    consents: list[tuple[Any, ...]]
    journal: list[tuple[Any, ...]]


def _phone(rng: random.Random, zone: str, senior: bool) -> str:
    if rng.random() < (0.35 if senior else 0.08):
        # A landline: "09 223 45 67" or "050 12 34 56".
        if len(zone) == 2:
            return f"{zone} {rng.randint(200, 899)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
        return f"{zone} {rng.randint(20, 89)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    prefix = rng.choice(MOBILE_PREFIXES)
    a, b, c = rng.randint(10, 99), rng.randint(10, 99), rng.randint(10, 99)
    style = rng.random()
    if style < 0.6:
        return f"{prefix} {a} {b} {c}"
    if style < 0.75:
        return f"{prefix}{a}{b}{c}"
    if style < 0.9:
        return f"+32 {prefix[1:]} {a} {b} {c}"
    return f"{prefix}/{a}.{b}.{c}"


def _target_groups(rng: random.Random, age: int | None, origin: Origin) -> list[str]:
    groups = []
    if age is not None:
        if age >= 65 and rng.random() < 0.7:
            groups.append("senior")
        if age <= 18 and rng.random() < 0.8:
            groups.append("pupil")
        if 16 <= age <= 25 and rng.random() < 0.3:
            groups.append("youth")
        if 18 <= age <= 64 and rng.random() < 0.25:
            groups.append("jobseeker")
    if rng.random() < origin.newcomer_share:
        groups.append("newcomer")
    if rng.random() < 0.3:
        groups.append("low_income")
    if rng.random() < 0.06:
        groups.append("disability")
    if rng.random() < (0.2 if origin.newcomer_share > 0.5 else 0.06):
        groups.append("low_literacy")
    if not groups and rng.random() < 0.05:
        groups.append("other")
    return groups


def _language(origin: Origin, roll: float) -> str:
    total = sum(weight for _, weight in origin.languages)
    point = roll * total
    for code, weight in origin.languages:
        point -= weight
        if point < 0:
            return code
    return origin.languages[-1][0]


class PeopleGenerator:
    """Makes `total` participants spread over the hubs by weight, registered over the
    last two and a half years in id order."""

    def __init__(
        self, *, pools: list[HubPool], total: int, seed: int, now: datetime, first_id: int
    ) -> None:
        self.pools = pools
        self.hub_weights = list(accumulate(pool.weight for pool in pools))
        self.total = total
        self.seed = seed
        self.now = now
        self.start = now - timedelta(days=900)
        self.first_id = first_id
        self.keys_cache: dict[tuple[str, str], dict[str, Any]] = {}

    def chunks(self) -> Iterator[Chunk]:
        for number, offset in enumerate(range(0, self.total, CHUNK)):
            yield self.chunk(number, offset, min(CHUNK, self.total - offset))

    def chunk(self, number: int, offset: int, size: int) -> Chunk:
        rng = random.Random(f"{self.seed}:participants:{number}")
        random_ = rng.random
        randint = rng.randint
        choice = rng.choice
        now, start, total = self.now, self.start, self.total
        pools, hub_weights = self.pools, self.hub_weights
        hub_total = hub_weights[-1]
        span = (now - start).total_seconds()
        this_year = now.year
        ages = [(low, high) for low, high, _ in AGE_BANDS]
        age_weights = list(accumulate(weight for _, _, weight in AGE_BANDS))
        participants: list[tuple[Any, ...]] = []
        target_groups: list[tuple[Any, ...]] = []
        consents: list[tuple[Any, ...]] = []
        journal: list[tuple[Any, ...]] = []
        for index in range(offset, offset + size):
            pk = self.first_id + index
            pool = pools[bisect(hub_weights, random_() * hub_total)]
            origin = ORIGINS[bisect(pool.origin_weights, random_() * pool.origin_weights[-1])]
            created = start + timedelta(seconds=span * (index + random_()) / total)
            registrar = choice(pool.registrars)
            roll = random_()
            gender = (
                "woman" if roll < 0.55 else "man" if roll < 0.985 else "x" if roll < 0.99 else ""
            )
            if gender == "woman" or (gender in ("x", "") and random_() < 0.5):
                given = choice(origin.women)
            else:
                given = choice(origin.men)
            family = choice(origin.family)
            if random_() < 0.92:
                low, high = ages[bisect(age_weights, random_() * age_weights[-1])]
                age: int | None = randint(low, high)
                birth_year: int | None = this_year - age  # type: ignore[operator]
            else:
                age = birth_year = None
            senior = age is not None and age >= 65
            phone = _phone(rng, pool.phone_zone, senior) if random_() < 0.88 else ""
            email = ""
            if random_() < (0.15 if senior else 0.4):
                local = self._keys(given, family)["email"]
                email = f"{local}{randint(1, 99) if random_() < 0.5 else ''}@{choice(MAIL_DOMAINS)}"
            weights = pool.postcode_weights
            postcode, municipality = pool.postcodes[bisect(weights, random_() * weights[-1])]
            language = _language(origin, random_())
            last_seen = created + timedelta(seconds=(now - created).total_seconds() * random_())
            anonymised = None
            if random_() < 0.015:
                anonymised = last_seen + (now - last_seen) * random_()
            if anonymised is None:
                keys = self._keys(given, family)
                phone_keys = search_keys(given_name="", family_name="", phone=phone)
                row_keys = (
                    keys["given_key"],
                    keys["family_key"],
                    keys["family_tail_key"],
                    phone_keys["phone_digits"],
                    phone_keys["phone_reversed"],
                )
                filled = [
                    name
                    for name, value in (
                        ("given_name", given),
                        ("family_name", family),
                        ("phone", phone),
                        ("email", email),
                        ("birth_year", birth_year),
                        ("gender", gender),
                        ("postcode", postcode),
                    )
                    if value
                ]
            else:
                # Anonymised as people.services does: names, contact and postcode erased.
                given = family = phone = email = postcode = ""
                row_keys = ("", "", "", "", "")
                filled = []
            participants.append(
                (
                    pk,
                    pool.hub_id,
                    given,
                    family,
                    phone,
                    email,
                    birth_year,
                    gender,
                    postcode,
                    municipality,
                    language,
                    *row_keys,
                    created,
                    anonymised or last_seen,
                    last_seen,
                    anonymised,
                    registrar,
                )
            )
            journal.append(
                (
                    created,
                    registrar,
                    pool.hub_id,
                    "participant.create",
                    "people.participant",
                    str(pk),
                    {"fields": filled},
                )
            )
            for group in _target_groups(rng, age, origin):
                target_groups.append((pk, group))
            if anonymised is None and random_() < 0.9:
                version = PRIVACY_NOTICE_VERSION if created.year >= 2025 else "2023-1"
                consents.append((pk, "registration", version, created, None, registrar))
                if random_() < 0.55:
                    withdrawn = None
                    if random_() < 0.05:
                        withdrawn = created + (now - created) * random_()
                    consents.append((pk, "contact", version, created, withdrawn, registrar))
                if random_() < 0.15:
                    consents.append((pk, "share_partners", version, created, None, registrar))
                if random_() < 0.05:
                    consents.append((pk, "photos", version, created, None, registrar))
        return Chunk(participants, target_groups, consents, journal)

    def _keys(self, given: str, family: str) -> dict[str, Any]:
        # Names repeat a lot: fold each pair once.
        found = self.keys_cache.get((given, family))
        if found is None:
            found = search_keys(given_name=given, family_name=family, phone="")
            found["email"] = f"{fold(given)}.{fold(family)}".replace(" ", "")
            self.keys_cache[(given, family)] = found
        return found


@dataclass
class PeopleLoad:
    participants: BulkTable
    target_groups: BulkTable
    consents: BulkTable
    journal: BulkTable

    @classmethod
    def create(cls) -> PeopleLoad:
        return cls(
            participants=BulkTable(Participant, PARTICIPANT_FIELDS),
            target_groups=BulkTable(ParticipantTargetGroup, TARGET_GROUP_FIELDS),
            consents=BulkTable(Consent, CONSENT_FIELDS),
            journal=BulkTable(JournalEntry, JOURNAL_FIELDS),
        )

    def tables(self) -> list[tuple[str, BulkTable]]:
        return [
            ("participants", self.participants),
            ("target groups", self.target_groups),
            ("consents", self.consents),
            ("journal", self.journal),
        ]

    def write(self, chunk: Chunk) -> None:
        self.participants.write(chunk.participants)
        self.target_groups.write(chunk.target_groups)
        self.consents.write(chunk.consents)
        self.journal.write(chunk.journal)


def visitor_rows(
    *, pool: HubPool, count: int, rng: random.Random, now: datetime
) -> list[tuple[Any, ...]]:
    """Anonymous visitors of the last three months: only what counts for the figures."""
    rows = []
    for _ in range(count):
        when = now - timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
        rows.append(
            (
                pool.hub_id,
                rng.choice(pool.location_ids) if pool.location_ids else None,
                when.date(),
                rng.choice(["18-24", "25-44", "45-64", "65-79", "65-79", "80+", ""]),
                rng.choice(["woman", "woman", "man", "man", "x", ""]),
                rng.choice(["jobseeker", "employed", "retired", "retired", "student", "other", ""]),
                rng.choices(pool.postcodes, cum_weights=pool.postcode_weights)[0][0],
                rng.choice(pool.registrars),
                when,
            )
        )
    return rows


def visitor_table() -> BulkTable:
    return BulkTable(AnonymousVisitor, VISITOR_FIELDS)


Progress = Callable[[str], None]
