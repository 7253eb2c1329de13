"""Where demo hubs are and which municipalities and postcodes they serve, worked out from
the reference data (current municipalities and the coordinates of their postcodes)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.management.base import CommandError

from digibank.network.models import Municipality, Postcode, Region

from .scales import HubSpec

# Telephone zones of the provinces, for landline numbers.
PHONE_ZONES = {
    "Antwerpen": "03",
    "Oost-Vlaanderen": "09",
    "West-Vlaanderen": "050",
    "Vlaams-Brabant": "016",
    "Limburg": "011",
    "": "02",  # Brussels
}


@dataclass
class Place:
    municipality: Municipality
    latitude: float
    longitude: float
    postcodes: list[Postcode] = field(default_factory=list)


@dataclass
class Area:
    """A hub's service area: the centre first, then its neighbours."""

    centre: Place
    places: list[Place]

    @property
    def province(self) -> str:
        return self.centre.municipality.province_nl

    @property
    def phone_zone(self) -> str:
        return PHONE_ZONES.get(self.province, "02")

    def postcodes(self) -> list[tuple[Postcode, float]]:
        """Every postcode of the area with a weight. There is a postcode for every former
        municipality (deelgemeente) and several for city districts, so their number
        follows the population roughly; a postcode shared by several places is split
        between them. The centre, where the help points are, draws twice as many."""
        places_per_code: dict[str, int] = defaultdict(int)
        for place in self.places:
            for postcode in place.postcodes:
                places_per_code[postcode.code] += 1
        return [
            (postcode, (2.0 if place is self.centre else 1.0) / places_per_code[postcode.code])
            for place in self.places
            for postcode in place.postcodes
        ]


def _distance(a: Place, b: Place) -> float:
    # Equirectangular approximation: good enough inside Belgium.
    x = (b.longitude - a.longitude) * math.cos(math.radians((a.latitude + b.latitude) / 2))
    y = b.latitude - a.latitude
    return math.hypot(x, y)


def _by_distance(centre: Place, places: list[Place]) -> list[Place]:
    return sorted(places, key=lambda place: _distance(centre, place))


def current_places() -> dict[str, list[Place]]:
    """Current Flemish and Brussels municipalities with the centre of their postcodes,
    by region."""
    postcodes: dict[str, list[Postcode]] = defaultdict(list)
    for postcode in Postcode.objects.order_by("code", "place_name"):
        postcodes[postcode.municipality_id].append(postcode)
    places: dict[str, list[Place]] = defaultdict(list)
    municipalities = Municipality.objects.filter(
        valid_until__isnull=True, region__in=[Region.FLANDERS, Region.BRUSSELS]
    ).order_by("nis_code")
    for municipality in municipalities:
        own = postcodes.get(municipality.nis_code)
        if not own:
            continue
        latitude = sum(float(p.latitude) for p in own) / len(own)
        longitude = sum(float(p.longitude) for p in own) / len(own)
        places[municipality.region].append(Place(municipality, latitude, longitude, own))
    if not places[Region.FLANDERS]:
        raise CommandError(
            "No municipalities found: the reference data is missing. Run `manage.py migrate`."
        )
    return places


def service_areas(specs: tuple[HubSpec, ...], *, cover_region: bool) -> dict[str, Area]:
    """Each hub's area. Digibanken do not overlap: each municipality belongs to the
    nearest one. With `cover_region` every current municipality of Flanders and Brussels
    belongs to some digibank (as in the real network); otherwise each takes its `area`
    nearest free municipalities. Hubs of other programmes take their nearest ones."""
    places = current_places()
    by_name = {
        (region, place.municipality.name_nl): place
        for region, found in places.items()
        for place in found
    }

    def centre_of(spec: HubSpec) -> tuple[str, Place]:
        for region in (Region.FLANDERS, Region.BRUSSELS):
            if (region, spec.centre) in by_name:
                return region, by_name[(region, spec.centre)]
        raise CommandError(f"No current municipality named {spec.centre!r} for {spec.slug}.")

    centres = {spec.slug: centre_of(spec) for spec in specs}
    digibanken = [spec for spec in specs if spec.programme == "digibanken"]
    areas: dict[str, Area] = {}
    taken: set[str] = set()
    if cover_region:
        members: dict[str, list[Place]] = {spec.slug: [] for spec in digibanken}
        for region, found in places.items():
            candidates = [spec for spec in digibanken if centres[spec.slug][0] == region]
            if not candidates:
                continue
            for place in found:
                nearest = min(
                    candidates,
                    key=lambda spec: (_distance(centres[spec.slug][1], place), spec.slug),
                )
                members[nearest.slug].append(place)
        for spec in digibanken:
            centre = centres[spec.slug][1]
            ordered = _by_distance(centre, members[spec.slug])
            areas[spec.slug] = Area(centre, ordered)
            taken.update(p.municipality.nis_code for p in ordered)
    for spec in specs:
        if spec.slug in areas:
            continue
        region, centre = centres[spec.slug]
        own_programme = spec.programme == "digibanken"
        nearby = _by_distance(centre, places[region])
        chosen = [centre]
        for place in nearby:
            if len(chosen) >= spec.area:
                break
            if place is centre or (own_programme and place.municipality.nis_code in taken):
                continue
            chosen.append(place)
        if own_programme:
            taken.update(p.municipality.nis_code for p in chosen)
        areas[spec.slug] = Area(centre, chosen)
    return areas
