"""Migration 0003 loads the seven plans of the seed, and loading again changes nothing."""

from __future__ import annotations

from typing import Any

from digibank.network.models import Programme, Spearhead
from digibank.network.programme_seed import PROGRAMMES, load_programmes

SLUGS = [
    "digibanken",
    "lokale-besturen",
    "iedereen-digitaal",
    "digisprong",
    "edusprong",
    "inburgering",
    "bandbreedte",
]


def test_seven_plans_are_loaded(db: Any) -> None:
    assert sorted(Programme.objects.values_list("slug", flat=True)) == sorted(SLUGS)
    budgets = dict(Programme.objects.values_list("slug", "budget_cents"))
    assert budgets == {
        "digibanken": 50_000_000_00,
        "lokale-besturen": 50_000_000_00,
        "iedereen-digitaal": 250_000_00,
        "digisprong": 375_000_000_00,
        "edusprong": None,
        "inburgering": 1_900_000_00,
        "bandbreedte": 5_000_000_00,
    }


def test_plan_details_come_from_the_seed(db: Any) -> None:
    digibanken = Programme.objects.get(slug="digibanken")
    assert digibanken.policy_domain == "Werk en Sociale Economie"
    assert digibanken.minister == "Jo Brouns (CD&V)"
    assert digibanken.target_groups == "Volwassen bevolking"
    assert digibanken.contact_email == "hans.rymenams@vlaanderen.be"
    bandbreedte = Programme.objects.get(slug="bandbreedte")
    assert bandbreedte.minister == "Hilde Crevits (CD&V)"
    assert bandbreedte.policy_domain == "Welzijn"


def test_spearheads_are_ordered(db: Any) -> None:
    digisprong = Programme.objects.get(slug="digisprong")
    texts = list(digisprong.spearheads.order_by("position").values_list("text", flat=True))
    assert len(texts) == 4
    assert texts[0].startswith("Een toekomstgerichte en veilige ICT-infrastructuur")
    assert texts[3].startswith("Een kennis- en adviescentrum")
    assert list(digisprong.spearheads.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_loading_again_is_idempotent(db: Any) -> None:
    before = Spearhead.objects.count()
    Programme.objects.filter(slug="edusprong").update(name="changed by hand")
    Spearhead.objects.create(
        programme=Programme.objects.get(slug="edusprong"), position=99, text="extra"
    )
    assert load_programmes(Programme, Spearhead) == 7
    assert load_programmes(Programme, Spearhead) == 7
    assert Programme.objects.filter(slug__in=SLUGS).count() == 7
    assert Spearhead.objects.count() == before
    assert Programme.objects.get(slug="edusprong").name == "Edusprong"
    assert before == sum(len(entry["spearheads"]) for entry in PROGRAMMES)
