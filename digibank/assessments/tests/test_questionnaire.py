"""The questionnaire is data: 16 statements over the five DigComp areas in three
languages, and rewriting a rated statement keeps the old sentence for old answers."""

from __future__ import annotations

from django.utils import translation

from digibank.assessments import services
from digibank.assessments.models import Answer, Rating, Statement
from digibank.core.models import JournalEntry

from .conftest import all_ratings


def test_loaded_in_three_languages(statements):
    assert len(statements) == 16
    per_area = {area: sum(1 for s in statements if s.area == area) for area in range(1, 6)}
    assert all(3 <= count <= 4 for count in per_area.values()), per_area
    for statement in statements:
        assert statement.text_en.startswith("I can")
        assert statement.text_nl.startswith("Ik kan")
        assert statement.text_fr.startswith("Je peux")


def test_text_follows_the_language(statements):
    statement = statements[0]
    with translation.override("fr"):
        assert statement.text == statement.text_fr
    with translation.override("nl"):
        assert statement.text == statement.text_nl
    with translation.override("de"):
        assert statement.text == statement.text_en


def test_scale_is_the_eu_self_test():
    assert [label for _, label in Rating.choices] == [
        "I don't know how to do this",
        "I can do it with help",
        "I can do it on my own",
        "I can do it easily and confidently",
        "I can guide others",
    ]


def test_rewriting_an_unrated_statement_changes_it_in_place(statements, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    statement = statements[0]
    statement.text_en = "I can look things up online."
    saved = services.statement_save(actor=admin, statement=statement, changed=["text_en"])
    assert saved.pk == statements[0].pk
    assert Statement.objects.get(pk=saved.pk).text_en == "I can look things up online."
    assert JournalEntry.objects.filter(action="assessments.statement_change").exists()


def test_rewriting_a_rated_statement_keeps_the_old_sentence(
    statements, participant, hub, staff, make_user
):
    assessment = services.assessment_record(
        actor=staff,
        hub=hub,
        participant=participant,
        moment="before",
        ratings=all_ratings(statements),
    )
    admin = make_user(is_staff=True, is_superuser=True)
    old_pk, old_text = statements[0].pk, statements[0].text_en
    statement = Statement.objects.get(pk=old_pk)
    statement.text_en = "I can look things up online."
    new = services.statement_save(actor=admin, statement=statement, changed=["text_en"])

    assert new.pk != old_pk
    assert new.replaces_id == old_pk
    assert new.active
    old = Statement.objects.get(pk=old_pk)
    assert old.text_en == old_text
    assert not old.active
    answer = Answer.objects.get(assessment=assessment, statement_id=old_pk)
    assert answer.statement.text_en == old_text
    # The questionnaire now asks the new sentence, in the same place.
    current = services.active_statements()
    assert new in current
    assert old not in current
    assert len(current) == 16
    assert JournalEntry.objects.filter(action="assessments.statement_revise").exists()


def test_admin_rewrite_goes_through_the_service(
    client, statements, participant, hub, staff, make_user
):
    services.assessment_record(
        actor=staff,
        hub=hub,
        participant=participant,
        moment="before",
        ratings=all_ratings(statements),
    )
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    statement = statements[1]
    response = client.post(
        f"/admin/assessments/statement/{statement.pk}/change/",
        {
            "area": statement.area,
            "position": statement.position,
            "text_nl": statement.text_nl,
            "text_fr": statement.text_fr,
            "text_en": "I can tell if a website is honest.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Statement.objects.get(pk=statement.pk).text_en == statement.text_en
    assert Statement.objects.filter(replaces=statement, text_en__contains="honest").exists()
