"""The data migration that recomputes search keys finds 'Yılmaz' by 'yilmaz'."""

from importlib import import_module

from django.apps import apps

from digibank.people.models import Participant

refold = import_module("digibank.people.migrations.0003_refold_search_keys").refold


def test_old_keys_are_recomputed(make_participant):
    person = make_participant(given_name="Zeynep", family_name="Yılmaz")
    Participant.objects.filter(pk=person.pk).update(family_key="ylmaz", family_tail_key="ylmaz")
    refold(apps, None)
    person.refresh_from_db()
    assert (person.family_key, person.family_tail_key) == ("yilmaz", "yilmaz")


def test_letters_without_accent_marks_are_found_by_their_plain_spelling(make_participant, hub):
    from digibank.people.queries import participant_search

    person = make_participant(given_name="Łukasz", family_name="Yılmaz")
    assert list(participant_search(hub=hub, query="yilmaz")) == [person]
    assert list(participant_search(hub=hub, query="lukasz yil")) == [person]
