"""Registering a person: minimal data, the hub's required fields, clear errors, nothing
half-saved, consent at registration, search keys and journal in step."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.messages import get_messages

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people.consent import PRIVACY_NOTICE_VERSION
from digibank.people.models import Consent, ConsentPurpose, Participant

from .conftest import national_number, people_url, valid_form


def test_the_form_shows_every_field(client_for, staff, hub):
    response = client_for(staff).get(people_url(hub, "create"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in (
        "given_name",
        "family_name",
        "phone",
        "email",
        "birth_year",
        "gender",
        "postcode",
        "preferred_language",
        "target_groups",
        "consent",
    ):
        assert f'name="{name}"' in page
    assert "Register</button>" in page


def test_register_a_person(client_for, staff, hub):
    response = client_for(staff).post(
        people_url(hub, "create"),
        valid_form(target_groups=["senior", "low_income"], consent="on", email="Jan@Example.BE"),
    )
    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "detail", pk=participant.pk)
    assert participant.hub == hub
    assert participant.created_by == staff
    assert (participant.given_name, participant.family_name) == ("Jan", "Peeters")
    assert participant.email == "jan@example.be"
    assert participant.birth_year == 1956
    assert participant.municipality_id == "44021"  # derived from 9000
    assert (participant.given_key, participant.family_key) == ("jan", "peeters")
    assert participant.phone_digits == "0470123456"
    assert participant.phone_reversed == "6543210740"
    assert sorted(tg.group for tg in participant.target_groups.all()) == ["low_income", "senior"]
    consent = Consent.objects.get()
    assert consent.purpose == ConsentPurpose.REGISTRATION
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.recorded_by == staff
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Jan Peeters is registered."]


def test_everything_is_optional_by_default(client_for, digihelper, hub):
    response = client_for(digihelper).post(people_url(hub, "create"), {"preferred_language": "ar"})
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert participant.display_name == f"Person #{participant.pk}"
    assert not Consent.objects.exists()


def test_the_journal_names_fields_never_values(client_for, staff, hub):
    client_for(staff).post(people_url(hub, "create"), valid_form(consent="on"))
    participant = Participant.objects.get()
    entries = list(journal_for_subject(participant))
    assert {e.action for e in entries} == {"participant.create", "consent.record"}
    create = next(e for e in entries if e.action == "participant.create")
    assert create.actor == staff
    assert create.hub_id == hub.pk
    assert "given_name" in create.details["fields"]
    dumped = json.dumps([e.details for e in entries])
    for value in ("Jan", "Peeters", "0470", "1956", "9000"):
        assert value not in dumped


@pytest.mark.parametrize("field", ["given_name", "family_name", "email", "phone"])
def test_a_national_register_number_is_refused_anywhere(client_for, staff, hub, field):
    number = national_number()
    value = f"{number}@example.be" if field == "email" else f"85.07.30-033.{number[-2:]}"
    response = client_for(staff).post(people_url(hub, "create"), valid_form(**{field: value}))
    assert response.status_code == 200
    assert "We never store national register numbers" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "12345"}, "A phone number has 9 to 15 digits"),
        ({"phone": "bel me"}, "Use only digits"),
        ({"email": "jan.example.be"}, "Type an e-mail address like name@example.be."),
        ({"birth_year": "1899"}, "Type a year between 1900 and"),
        ({"birth_year": str(date.today().year + 1)}, "Type a year between 1900 and"),
        ({"birth_year": "fifty"}, "Type the year in digits"),
        ({"postcode": "9999"}, "This postcode does not exist in Belgium."),
        ({"postcode": "90"}, "Type the 4 digits of the postcode"),
        ({"gender": "robot"}, "Select a valid choice."),
        ({"target_groups": ["pirates"]}, "Select a valid choice."),
        ({"given_name": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client_for, staff, hub, overrides, message):
    response = client_for(staff).post(people_url(hub, "create"), valid_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Participant.objects.exists()


def test_the_hub_decides_which_fields_are_required(client_for, staff, hub):
    hub.required_participant_fields = ["phone", "birth_year"]
    hub.save()
    client = client_for(staff)
    response = client.post(people_url(hub, "create"), valid_form(phone="", birth_year=""))
    page = response.content.decode()
    assert "This hub needs the phone number." in page
    assert "This hub needs the year of birth." in page
    assert not Participant.objects.exists()
    assert client.post(people_url(hub, "create"), valid_form()).status_code == 302


def test_the_service_refuses_what_the_form_would(hub, staff):
    from django.core.exceptions import ValidationError

    from digibank.people import services

    with pytest.raises(ValidationError):
        services.participant_create(
            actor=staff, hub=hub, data={"given_name": f"Jan {national_number()}"}
        )
    with pytest.raises(ValidationError):
        services.participant_create(actor=staff, hub=hub, data={"postcode": "9999"})
    with pytest.raises(ValidationError):
        services.participant_create(actor=staff, hub=hub, data={"birth_year": "fifty"})
    with pytest.raises(ValidationError):
        services.participant_create(actor=staff, hub=hub, data={"phone": "12"})
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", [HubRole.TRAINER, HubRole.PARTNER_VIEWER])
def test_roles_without_people_edit_cannot_register(client_for, make_user, hub, role):
    client = client_for(make_user(role, hub))
    assert client.get(people_url(hub, "create")).status_code == 403
    assert client.post(people_url(hub, "create"), valid_form()).status_code == 403
    assert not Participant.objects.exists()
