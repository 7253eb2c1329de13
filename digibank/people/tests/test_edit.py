"""Changing a person's details: same rules as registering, search keys follow, the
journal names the changed fields only, and last seen moves to now."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people import services
from digibank.people.models import Participant
from digibank.people.queries import participant_search

from .conftest import national_number, people_url, valid_form


@pytest.fixture
def jan(make_participant):
    jan = make_participant(
        given_name="Jan",
        family_name="Peeters",
        phone="0470 12 34 56",
        birth_year=1956,
        gender="man",
        postcode="9000",
        target_groups=("senior",),
    )
    Participant.objects.filter(pk=jan.pk).update(last_seen_at=timezone.now() - timedelta(days=400))
    return jan


def test_the_form_starts_with_the_current_details(client_for, staff, hub, jan):
    page = client_for(staff).get(people_url(hub, "edit", pk=jan.pk)).content.decode()
    assert 'value="Peeters"' in page
    assert 'value="0470 12 34 56"' in page
    assert 'value="senior" id="id_target_groups_5" checked' in page or "checked" in page
    assert "Save changes</button>" in page


def test_changing_details(client_for, staff, hub, jan):
    response = client_for(staff).post(
        people_url(hub, "edit", pk=jan.pk),
        valid_form(phone="0499 88 77 66", target_groups=["senior", "jobseeker"]),
    )
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "detail", pk=jan.pk)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The changes are saved."]
    jan.refresh_from_db()
    assert jan.phone == "0499 88 77 66"
    assert jan.phone_digits == "0499887766"
    assert timezone.now() - jan.last_seen_at < timedelta(minutes=1)
    assert list(participant_search(hub=hub, query="0499")) == [jan]
    assert list(participant_search(hub=hub, query="0470")) == []
    entry = journal_for_subject(jan).get(action="participant.update")
    assert entry.details == {"fields": ["phone", "target_groups"]}
    assert "0499" not in json.dumps(entry.details)


def test_nothing_changed_writes_no_change_entry(client_for, staff, hub, jan):
    response = client_for(staff).post(people_url(hub, "edit", pk=jan.pk), valid_form())
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Nothing was changed."]
    assert not journal_for_subject(jan).filter(action="participant.update").exists()


def test_a_name_change_moves_the_search_keys(client_for, staff, hub, jan):
    client_for(staff).post(
        people_url(hub, "edit", pk=jan.pk), valid_form(family_name="Van den Broeck")
    )
    assert list(participant_search(hub=hub, query="broeck")) == [jan]
    assert list(participant_search(hub=hub, query="peeters")) == []


def test_bad_input_changes_nothing(client_for, staff, hub, jan):
    client = client_for(staff)
    for overrides in (
        {"family_name": f"Peeters {national_number()}"},
        {"phone": "0470"},
        {"postcode": "0000"},
    ):
        response = client.post(people_url(hub, "edit", pk=jan.pk), valid_form(**overrides))
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    jan.refresh_from_db()
    assert (jan.family_name, jan.phone, jan.postcode) == ("Peeters", "0470 12 34 56", "9000")
    assert not journal_for_subject(jan).filter(action="participant.update").exists()


def test_an_anonymised_record_cannot_be_edited(client_for, staff, hub, jan):
    services.participant_anonymise(actor=staff, participant=jan)
    client = client_for(staff)
    response = client.post(people_url(hub, "edit", pk=jan.pk), valid_form())
    assert response.status_code == 302
    jan.refresh_from_db()
    assert jan.given_name == ""


def test_who_may_edit(client_for, make_user, hub, other_hub, jan):
    assert (
        client_for(make_user(HubRole.TRAINER, hub))
        .get(people_url(hub, "edit", pk=jan.pk))
        .status_code
        == 403
    )
    assert (
        client_for(make_user(HubRole.STAFF, other_hub))
        .get(people_url(other_hub, "edit", pk=jan.pk))
        .status_code
        == 404
    )
    assert (
        client_for(make_user(HubRole.DIGIHELPER, hub))
        .get(people_url(hub, "edit", pk=jan.pk))
        .status_code
        == 200
    )
