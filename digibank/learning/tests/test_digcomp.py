"""The DigComp 2.2 reference data: 21 competences in five areas, in three languages."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.utils import translation

from digibank.learning.digcomp import AREAS, COMPETENCES, Competence, ProficiencyLevel, level_band


@pytest.mark.django_db
def test_the_21_competences_are_loaded_in_three_languages() -> None:
    competences = list(Competence.objects.all())
    assert [c.code for c in competences] == [row[0] for row in COMPETENCES]
    assert len(competences) == 21
    assert {c.area for c in competences} == set(AREAS) == {1, 2, 3, 4, 5}
    assert all(c.name_nl and c.name_fr and c.name_en for c in competences)


def test_the_migration_holds_the_same_data_as_the_module() -> None:
    migration = importlib.import_module("digibank.learning.migrations.0002_digcomp_competences")
    assert migration.COMPETENCES == COMPETENCES


@pytest.mark.django_db
def test_name_follows_the_current_language_with_dutch_for_others() -> None:
    competence = Competence.objects.get(code="4.1")
    with translation.override("fr"):
        assert competence.name == "Protéger les appareils"
    with translation.override("en"):
        assert competence.name == "Protecting devices"
    with translation.override("nl"):
        assert competence.name == "Beschermen van apparaten"
    assert competence.name_in("ar") == "Beschermen van apparaten"


def test_levels_and_bands() -> None:
    assert ProficiencyLevel.values == list(range(1, 9))
    assert str(level_band(2)) == "Foundation"
    assert str(level_band(4)) == "Intermediate"
    assert str(level_band(6)) == "Advanced"
    assert str(level_band(8)) == "Highly specialised"


@pytest.mark.django_db
def test_admin_lists_competences(admin_client: Client) -> None:
    response = admin_client.get("/admin/learning/competence/")
    assert response.status_code == 200
    assert "Netiquette" in response.content.decode()
