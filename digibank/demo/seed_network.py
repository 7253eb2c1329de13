"""Demo programmes, organisations, hubs, partners and help points (through the ORM: a
few hundred rows at most)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

from digibank.network.models import (
    Hub,
    HubPartner,
    HubStatus,
    Location,
    OpeningException,
    OpeningHours,
    Organisation,
    Programme,
)

from .geography import Area
from .names import ACCESSIBILITY_NOTES, HOLIDAYS, LOCATION_NAMES, PARTNERS, STREETS
from .scales import HubSpec, Scale

# The seven plans of Vlaamse Veerkracht: minimal rows when the data migration that
# loads them in full has not run.
PROGRAMMES: dict[str, tuple[str, str]] = {
    "digibanken": ("Digibanken", "Werk en Sociale Economie"),
    "lokale-besturen": ("Digitale inclusie in lokale besturen", "Binnenlands Bestuur"),
    "iedereen-digitaal": ("Iedereen Digitaal", "Media en Jeugd"),
    "digisprong": ("Digisprong", "Onderwijs"),
    "edusprong": ("Edusprong", "Onderwijs"),
    "inburgering": ("Digitale inclusie in inburgering", "Integratie en Inburgering"),
    "bandbreedte": ("Bandbreedte", "Welzijn"),
}


def ensure_programmes() -> dict[str, Programme]:
    programmes = {}
    for slug, (name, domain) in PROGRAMMES.items():
        programmes[slug], _ = Programme.objects.get_or_create(
            slug=slug, defaults={"name": name, "policy_domain": domain}
        )
    return programmes


class EnterpriseNumbers:
    """Valid, unique Belgian enterprise numbers: ten digits starting with 0 or 1, the last
    two being 97 minus the first eight modulo 97."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set(
            Organisation.objects.exclude(enterprise_number="").values_list(
                "enterprise_number", flat=True
            )
        )

    def __call__(self) -> str:
        while True:
            first = f"{self.rng.choice('01')}{self.rng.randrange(2_000_000, 9_999_999):07d}"
            number = f"{first}{97 - int(first) % 97:02d}"
            if number not in self.used:
                self.used.add(number)
                return number


def enterprise_number_is_valid(number: str) -> bool:
    return (
        len(number) == 10
        and number.isdigit()
        and number[0] in "01"
        and 97 - int(number[:8]) % 97 == int(number[8:])
    )


@dataclass
class HubSeed:
    """A hub made for the demo, with what the people loader needs to know about it."""

    spec: HubSpec
    hub: Hub
    area: Area
    locations: list[Location]
    # User ids of the hub's team by role.
    team: dict[str, list[int]] = field(default_factory=dict)


def _street(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 180)}"


WEEKLY_PATTERNS: tuple[tuple[tuple[int, time, time], ...], ...] = (
    (
        (0, time(9), time(12)),
        (2, time(9), time(12)),
        (2, time(13, 30), time(16, 30)),
        (4, time(9), time(12)),
    ),
    (
        (1, time(13, 30), time(16, 30)),
        (3, time(9), time(12)),
        (3, time(17), time(19)),
        (5, time(10), time(12)),
    ),
    ((0, time(13), time(16)), (1, time(9), time(12)), (3, time(13), time(16))),
    (
        (0, time(9), time(16)),
        (1, time(9), time(16)),
        (2, time(9), time(12)),
        (3, time(9), time(16)),
        (4, time(9), time(12)),
    ),
)


def _holidays_ahead(today: date, count: int) -> list[tuple[date, str]]:
    upcoming = []
    for year in (today.year, today.year + 1):
        for month, day, reason in HOLIDAYS:
            when = date(year, month, day)
            if when >= today:
                upcoming.append((when, reason))
    return sorted(upcoming)[:count]


def _partners(rng: random.Random) -> list[tuple[str, str, str, str]]:
    """Two to four partners, each of another partner type."""
    types = sorted({partner[1] for partner in PARTNERS})
    chosen = rng.sample(types, rng.randint(2, min(4, len(types))))
    return [rng.choice([p for p in PARTNERS if p[1] == kind]) for kind in chosen]


def create_hubs(*, scale: Scale, areas: dict[str, Area], seed: int, today: date) -> list[HubSeed]:
    programmes = ensure_programmes()
    rng = random.Random(f"{seed}:network")
    numbers = EnterpriseNumbers(rng)
    seeds: list[HubSeed] = []
    partner_orgs: dict[str, Organisation] = {}
    for spec in scale.hubs:
        area = areas[spec.slug]
        centre = area.centre
        main_postcode = centre.postcodes[0]
        lead = Organisation.objects.create(
            name=spec.lead_name,
            kind=spec.lead_kind,
            enterprise_number=numbers(),
            street=_street(rng),
            postcode=main_postcode.code,
            municipality=centre.municipality,
            website=f"https://{spec.slug}.digibank.example/",
        )
        started = date(2022, 9, 1) + timedelta(days=30 * rng.randrange(0, 9))
        hub = Hub.objects.create(
            name=spec.name,
            slug=spec.slug,
            programme=programmes[spec.programme],
            lead_organisation=lead,
            starts_on=started,
            ends_on=date(2026, 12, 31),
            status=HubStatus.ACTIVE,
            email=f"info@{spec.slug}.digibank.example",
            phone=f"{area.phone_zone} {rng.randint(200, 899)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        )
        hub.service_area.set([place.municipality for place in area.places])
        city = centre.municipality.name_nl
        for kind, partner_type, template, role in _partners(rng):
            name = template.format(city=city)
            organisation = partner_orgs.get(name)
            if organisation is None:
                organisation = Organisation.objects.create(
                    name=name,
                    kind=kind,
                    enterprise_number=numbers(),
                    street=_street(rng),
                    postcode=main_postcode.code,
                    municipality=centre.municipality,
                )
                partner_orgs[name] = organisation
            HubPartner.objects.create(
                hub=hub, organisation=organisation, partner_type=partner_type, role=role
            )
        seeds.append(HubSeed(spec, hub, area, _create_locations(hub, area, scale, rng, today)))
    return seeds


def _create_locations(
    hub: Hub, area: Area, scale: Scale, rng: random.Random, today: date
) -> list[Location]:
    count = rng.randint(*scale.locations)
    # The first help points are in the centre, the others spread over the area.
    places = [area.centre] + [rng.choice(area.places) for _ in range(count - 1)]
    names: set[str] = set()
    locations = []
    for index, place in enumerate(places):
        postcode = rng.choice(place.postcodes)
        for _ in range(10):
            kind, template = rng.choice(LOCATION_NAMES)
            name = template.format(place=place.municipality.name_nl)
            if name not in names:
                break
        else:
            kind, name = "help_point", f"Digipunt {place.municipality.name_nl} {index + 1}"
        names.add(name)
        jitter = Decimal(rng.randint(-400, 400)) / Decimal(100_000)
        location = Location.objects.create(
            hub=hub,
            name=name,
            kind=kind,
            street=_street(rng),
            postcode=postcode.code,
            municipality=place.municipality,
            latitude=postcode.latitude + jitter,
            longitude=postcode.longitude - jitter,
            phone=hub.phone,
            offers_lending=index == 0 or rng.random() < 0.4,
            offers_training=rng.random() < 0.6,
            offers_help_desk=True,
            is_mobile=index > 0 and rng.random() < 0.1,
            offers_home_visits=rng.random() < 0.2,
            accessibility_notes=rng.choice(ACCESSIBILITY_NOTES),
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=location, weekday=weekday, opens_at=opens, closes_at=closes)
            for weekday, opens, closes in rng.choice(WEEKLY_PATTERNS)
        )
        exceptions = [
            OpeningException(location=location, date=when, is_closed=True, reason=reason)
            for when, reason in _holidays_ahead(today, 2)
        ]
        shorter = today + timedelta(days=rng.randint(3, 40))
        if rng.random() < 0.3 and shorter not in {e.date for e in exceptions}:
            exceptions.append(
                OpeningException(
                    location=location,
                    date=shorter,
                    is_closed=False,
                    opens_at=time(9),
                    closes_at=time(11),
                    reason="Personeelsvergadering: korter open",
                )
            )
        OpeningException.objects.bulk_create(exceptions)
        locations.append(location)
    return locations
