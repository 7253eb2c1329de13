"""Before a registration is saved, people who look the same are shown; nothing is saved
until the user opens the existing record or confirms it is a different person."""

from __future__ import annotations

import pytest

from digibank.core.journal import journal_for_subject
from digibank.people import services
from digibank.people.models import Participant

from .conftest import people_url, valid_form


@pytest.fixture
def existing(make_participant):
    return make_participant(
        given_name="Jan", family_name="Peeters", phone="0470 12 34 56", email="jan@example.be"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"given_name": "JAN", "family_name": "peeters", "phone": ""},
        {"given_name": "Jän", "family_name": "Peetërs", "phone": ""},
        {"given_name": "Piet", "family_name": "Maes", "phone": "+32 470 12 34 56"},
        {"given_name": "Piet", "family_name": "Maes", "phone": "", "email": "JAN@example.be"},
    ],
)
def test_a_look_alike_is_shown_and_nothing_is_saved(client_for, staff, hub, existing, overrides):
    response = client_for(staff).post(people_url(hub, "create"), valid_form(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert "This person may already be registered" in page
    assert people_url(hub, "detail", pk=existing.pk) in page
    assert 'name="different_person"' in page
    assert "This is a different person, save anyway" in page
    assert Participant.objects.count() == 1


def test_confirming_a_different_person_saves(client_for, staff, hub, existing):
    response = client_for(staff).post(
        people_url(hub, "create"), valid_form(phone="", different_person="yes")
    )
    assert response.status_code == 302
    created = Participant.objects.exclude(pk=existing.pk).get()
    entry = journal_for_subject(created).get(action="participant.create")
    assert entry.details["duplicate_confirmed"] is True


def test_no_warning_for_someone_else(client_for, staff, hub, existing):
    response = client_for(staff).post(
        people_url(hub, "create"), valid_form(given_name="Jan", family_name="Maes", phone="")
    )
    assert response.status_code == 302


def test_other_hubs_merged_and_anonymised_records_are_no_duplicates(
    client_for, staff, hub, other_hub, make_participant, coordinator
):
    make_participant(hub=other_hub, given_name="Jan", family_name="Peeters")
    gone = make_participant(given_name="Jan", family_name="Peeters")
    services.participant_anonymise(actor=coordinator, participant=gone)
    keep = make_participant(given_name="Els", family_name="Maes")
    merged = make_participant(given_name="Jan", family_name="Peeters")
    services.participant_merge(actor=coordinator, source=merged, target=keep)
    response = client_for(staff).post(people_url(hub, "create"), valid_form(phone=""))
    assert response.status_code == 302
