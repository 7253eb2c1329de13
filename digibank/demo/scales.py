"""How much demo data each scale makes, and the hubs it makes them in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HubSpec:
    slug: str
    name: str
    # Dutch name of the current municipality the hub is centred on.
    centre: str
    lead_name: str
    lead_kind: str  # network.models.OrganisationKind value
    programme: str = "digibanken"
    # Relative size: share of the participants.
    weight: float = 1.0
    # Municipalities in the service area (the centre included) at small scale.
    area: int = 4


@dataclass(frozen=True)
class Scale:
    name: str
    hubs: tuple[HubSpec, ...]
    participants: int
    locations: tuple[int, int]  # help points per hub, min and max
    team: tuple[int, int]  # volunteers (digihelpers) per hub, min and max
    visitors_per_hub: tuple[int, int]
    # Large data sets use the bulk loader and cover all of Flanders with service areas.
    bulk: bool = False
    # One "participant.created" journal line per participant (bulk scales only).
    journal_per_participant: bool = False


SMALL_HUBS: tuple[HubSpec, ...] = (
    HubSpec("gent", "Digibank Gent", "Gent", "OCMW Gent", "local_government", weight=8, area=5),
    HubSpec(
        "antwerpen",
        "Digibank Antwerpen",
        "Antwerpen",
        "vzw Digipunt Antwerpen",
        "civil_society",
        weight=10,
        area=6,
    ),
    HubSpec(
        "kortrijk",
        "Digibank Zuid-West-Vlaanderen",
        "Kortrijk",
        "vzw Digipunt Kortrijk",
        "civil_society",
        weight=3,
        area=5,
    ),
    HubSpec(
        "hasselt",
        "Digibank Hasselt",
        "Hasselt",
        "vzw Digitale Brug Hasselt",
        "civil_society",
        weight=3,
        area=4,
    ),
    HubSpec("leuven", "Digibank Leuven", "Leuven", "OCMW Leuven", "local_government", weight=4),
    HubSpec(
        "brussel",
        "Digibank Brussel",
        "Brussel",
        "vzw Digidak Brussel",
        "civil_society",
        weight=6,
        area=6,
    ),
    HubSpec(
        "mechelen",
        "Digitaal Mechelen",
        "Mechelen",
        "Stad Mechelen",
        "local_government",
        programme="lokale-besturen",
        weight=3,
        area=3,
    ),
    HubSpec(
        "digisprong-genk",
        "Digisprong Scholengroep Genk",
        "Genk",
        "Scholengroep Genk",
        "school",
        programme="digisprong",
        weight=2,
        area=2,
    ),
)

# The other digibanken of Flanders, by centre, size and kind of lead organisation.
_MORE: tuple[tuple[str, float, str], ...] = (
    ("Brugge", 4, "local_government"),
    ("Oostende", 3, "civil_society"),
    ("Aalst", 3, "local_government"),
    ("Sint-Niklaas", 3, "civil_society"),
    ("Genk", 3, "local_government"),
    ("Roeselare", 2, "civil_society"),
    ("Turnhout", 2, "local_government"),
    ("Lier", 1.5, "civil_society"),
    ("Geel", 1.5, "local_government"),
    ("Mol", 1.2, "civil_society"),
    ("Herentals", 1, "local_government"),
    ("Boom", 1, "civil_society"),
    ("Heist-op-den-Berg", 1, "local_government"),
    ("Brasschaat", 1.2, "civil_society"),
    ("Hoogstraten", 0.6, "local_government"),
    ("Willebroek", 1, "civil_society"),
    ("Dendermonde", 1.5, "local_government"),
    ("Lokeren", 1.2, "civil_society"),
    ("Oudenaarde", 1, "local_government"),
    ("Ninove", 1, "civil_society"),
    ("Eeklo", 1, "local_government"),
    ("Geraardsbergen", 1, "civil_society"),
    ("Wetteren", 0.8, "local_government"),
    ("Ronse", 1, "civil_society"),
    ("Deinze", 1, "local_government"),
    ("Zottegem", 0.8, "civil_society"),
    ("Beveren-Kruibeke-Zwijndrecht", 1.5, "local_government"),
    ("Ieper", 1.2, "local_government"),
    ("Waregem", 1, "civil_society"),
    ("Menen", 1, "local_government"),
    ("Torhout", 0.8, "civil_society"),
    ("Tielt", 0.8, "local_government"),
    ("Poperinge", 0.6, "civil_society"),
    ("Diksmuide", 0.6, "local_government"),
    ("Knokke-Heist", 0.8, "civil_society"),
    ("Izegem", 0.8, "local_government"),
    ("Vilvoorde", 1.5, "civil_society"),
    ("Halle", 1.2, "local_government"),
    ("Tienen", 1, "civil_society"),
    ("Aarschot", 0.8, "local_government"),
    ("Diest", 0.8, "civil_society"),
    ("Dilbeek", 1, "local_government"),
    ("Sint-Truiden", 1.5, "civil_society"),
    ("Tongeren-Borgloon", 1, "local_government"),
    ("Beringen", 1, "civil_society"),
    ("Lommel", 1, "local_government"),
    ("Maasmechelen", 1, "civil_society"),
)


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _more_hubs() -> tuple[HubSpec, ...]:
    leads = {
        "local_government": ("OCMW {city}", "Stad {city}", "Welzijnsvereniging {city}"),
        "civil_society": (
            "vzw Digipunt {city}",
            "vzw Digitale Brug {city}",
            "vzw Samen Digitaal {city}",
        ),
    }
    specs = []
    for index, (centre, weight, kind) in enumerate(_MORE):
        templates = leads[kind]
        specs.append(
            HubSpec(
                slug=_slug(centre),
                name=f"Digibank {centre}",
                centre=centre,
                lead_name=templates[index % len(templates)].format(city=centre),
                lead_kind=kind,
                weight=weight,
            )
        )
    return tuple(specs)


SCALES: dict[str, Scale] = {
    # For the test suite: three hubs in three provinces, a handful of people.
    "tiny": Scale(
        name="tiny",
        hubs=SMALL_HUBS[:3],
        participants=45,
        locations=(2, 3),
        team=(2, 3),
        visitors_per_hub=(2, 3),
    ),
    # `make demo`: a few hundred people in eight hubs; a few seconds.
    "small": Scale(
        name="small",
        hubs=SMALL_HUBS,
        participants=360,
        locations=(2, 5),
        team=(3, 8),
        visitors_per_hub=(4, 12),
    ),
    # The benchmark: 1,000,000 people in the digibanken of all of Flanders.
    "large": Scale(
        name="large",
        hubs=SMALL_HUBS + _more_hubs(),
        participants=1_000_000,
        locations=(5, 12),
        team=(8, 20),
        visitors_per_hub=(150, 400),
        bulk=True,
        journal_per_participant=True,
    ),
}
