"""The log form: defaults, the remembered help point, the refused note, person search
with and without JavaScript, a new person, editing, permissions."""

from __future__ import annotations

import pytest

from digibank.helpdesk.models import HelpQuestion

from .conftest import make_location, topic, url

pytestmark = pytest.mark.django_db


def _post(client, hub, **data):
    body = {
        "person_kind": "anonymous",
        "channel": "walk_in",
        "duration_minutes": "15",
        "autonomy": "together",
        "outcome": "solved",
        "preferred_language": "nl",
    }
    body.update(data)
    return client.post(url(hub, "log"), body)


def test_form_shows_safety_promise_and_defaults(client_for, digihelper, hub, location):
    response = client_for(digihelper).get(url(hub, "log"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "We never store passwords, PINs or codes" in body
    assert 'value="walk_in" ' in body or 'value="walk_in"' in body
    assert "itsme" in body


def test_anonymous_help_is_a_topic_and_save(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    response = _post(client, hub, location=location.pk, topics=[topic("itsme").pk])
    assert response.status_code == 302
    question = HelpQuestion.objects.get()
    assert question.participant is None
    assert question.location == location


def test_help_point_is_remembered(client_for, digihelper, hub, location):
    second = make_location(hub, "Digipunt Zuid")
    client = client_for(digihelper)
    _post(client, hub, location=second.pk, topics=[topic("ebox").pk])
    body = client.get(url(hub, "log")).content.decode()
    assert f'<option value="{second.pk}" selected>' in body


def test_refused_note_explained(client_for, digihelper, hub, location):
    response = _post(
        client_for(digihelper),
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        note="wachtwoord: Zomer2024",
    )
    assert response.status_code == 200
    assert "never store passwords, PINs or codes" in response.content.decode()
    assert 'id="id_note_error"' in response.content.decode()
    assert not HelpQuestion.objects.exists()


def test_missing_topic(client_for, digihelper, hub, location):
    response = _post(client_for(digihelper), hub, location=location.pk)
    assert "Choose at least one topic." in response.content.decode()


def test_person_search_htmx_and_fallback(client_for, digihelper, hub, location, participant):
    client = client_for(digihelper)
    response = client.get(url(hub, "person_search"), {"person_q": "idris"}, HTTP_HX_REQUEST="true")
    assert "Fatima El Idrissi" in response.content.decode()
    assert client.get(url(hub, "person_search"), {"person_q": "idris"}).status_code == 302
    # Without JavaScript: the Find button posts the form and shows the results.
    response = _post(
        client,
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="registered",
        person_q="fatima",
        find="1",
    )
    assert "Fatima El Idrissi" in response.content.decode()
    assert not HelpQuestion.objects.exists()
    response = _post(
        client,
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="registered",
        participant=participant.pk,
    )
    assert response.status_code == 302
    assert HelpQuestion.objects.get().participant == participant


def test_registered_needs_a_choice(client_for, digihelper, hub, location):
    response = _post(
        client_for(digihelper),
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="registered",
    )
    assert "Find the person and choose them" in response.content.decode()


def test_new_person(client_for, digihelper, hub, location):
    response = _post(
        client_for(digihelper),
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="new",
        given_name="Jeanine",
        family_name="Claes",
        phone="0486 11 22 33",
        consent="on",
        to_person="1",
    )
    question = HelpQuestion.objects.get()
    assert question.participant is not None
    assert question.participant.given_name == "Jeanine"
    assert response["Location"].endswith(f"/people/{question.participant_id}/")


def test_other_hubs_participant_is_refused(client_for, digihelper, hub, location, other_hub, staff):
    from digibank.people import services as people_services

    stranger = people_services.participant_create(
        actor=staff, hub=other_hub, data={"given_name": "Gudrun"}
    )
    response = _post(
        client_for(digihelper),
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="registered",
        participant=stranger.pk,
    )
    assert response.status_code == 200
    assert not HelpQuestion.objects.exists()


def test_edit_own_only(client_for, make_help, make_user, digihelper, coordinator, hub):
    from digibank.accounts.roles import HubRole

    question = make_help()
    other_helper = make_user(HubRole.DIGIHELPER, hub)
    assert client_for(other_helper).get(url(hub, "edit", pk=question.pk)).status_code == 404
    assert client_for(coordinator).get(url(hub, "edit", pk=question.pk)).status_code == 200
    assert client_for(digihelper).get(url(hub, "edit", pk=question.pk)).status_code == 200


def test_permissions(client_for, make_user, hub, location, officer):
    from digibank.accounts.roles import HubRole

    for role, allowed in (
        (HubRole.TRAINER, False),
        (HubRole.PARTNER_VIEWER, False),
        (HubRole.STAFF, True),
    ):
        client = client_for(make_user(role, hub))
        for name in ("log", "tally", "day", "my_profile"):
            status = client.get(url(hub, name)).status_code
            assert (status == 200) == allowed, (role, name, status)
    assert client_for(officer).get(url(hub, "log")).status_code == 404


def test_no_help_point(client_for, digihelper, hub):
    response = client_for(digihelper).get(url(hub, "log"))
    assert "no open help point" in response.content.decode()


def test_enter_in_the_search_box_searches(client_for, digihelper, hub, location, participant):
    response = _post(
        client_for(digihelper),
        hub,
        location=location.pk,
        topics=[topic("itsme").pk],
        person_kind="registered",
        person_q="el idr",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fatima El Idrissi" in body
    assert "There is a problem" not in body
    assert not HelpQuestion.objects.exists()


def test_edit_a_complete_help_returns_to_its_day(client_for, coordinator, hub, location, make_help):
    question = make_help()
    response = client_for(coordinator).post(
        url(hub, "edit", pk=question.pk),
        {
            "location": location.pk,
            "topics": [topic("ebox").pk],
            "person_kind": "anonymous",
            "channel": "walk_in",
            "duration_minutes": "30",
            "autonomy": "themselves",
            "outcome": "partly",
            "preferred_language": "nl",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(url(hub, "day"))
    question.refresh_from_db()
    assert question.duration_minutes == 30
