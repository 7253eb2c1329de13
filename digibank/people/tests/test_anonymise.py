"""Anonymising a person: a confirmation that says what is erased and that it cannot be
undone; then names, phone, e-mail and postcode are gone for good, consents withdrawn,
and only what the figures need is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people import services
from digibank.people.queries import participant_search

from .conftest import people_url


@pytest.fixture
def jan(make_participant):
    return make_participant(
        given_name="Jan",
        family_name="Peeters",
        phone="0470 12 34 56",
        email="jan@example.be",
        birth_year=1956,
        gender="man",
        postcode="9000",
        preferred_language="fr",
        target_groups=("senior", "low_income"),
        consent_given=True,
    )


def test_the_confirmation_page_says_what_happens(client_for, staff, hub, jan):
    page = client_for(staff).get(people_url(hub, "anonymise", pk=jan.pk)).content.decode()
    for text in (
        "Anonymise Jan Peeters",
        "This cannot be undone.",
        "What we erase",
        "What we keep, only for the figures",
        'name="confirm"',
        "I understand that this cannot be undone",
        "Anonymise this person</button>",
    ):
        assert text in page, text


def test_without_the_tick_nothing_happens(client_for, staff, hub, jan):
    response = client_for(staff).post(people_url(hub, "anonymise", pk=jan.pk), {})
    assert response.status_code == 200
    assert "Tick the box to show you understand" in response.content.decode()
    jan.refresh_from_db()
    assert jan.anonymised_at is None
    assert jan.given_name == "Jan"


def test_anonymise(client_for, staff, hub, jan):
    response = client_for(staff).post(people_url(hub, "anonymise", pk=jan.pk), {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == people_url(hub, "detail", pk=jan.pk)
    jan.refresh_from_db()
    assert jan.anonymised_at is not None
    for field in (
        "given_name",
        "family_name",
        "phone",
        "email",
        "postcode",
        "given_key",
        "family_key",
        "family_tail_key",
        "phone_digits",
        "phone_reversed",
    ):
        assert getattr(jan, field) == "", field
    # Kept for the figures.
    assert (jan.birth_year, jan.gender, jan.municipality_id, jan.preferred_language) == (
        1956,
        "man",
        "44021",
        "fr",
    )
    assert sorted(tg.group for tg in jan.target_groups.all()) == ["low_income", "senior"]
    assert all(c.withdrawn_at is not None for c in jan.consents.all())
    entry = journal_for_subject(jan).get(action="participant.anonymise")
    assert entry.actor == staff
    assert entry.details == {"reason": "request"}
    assert not participant_search(hub=hub, query="peeters").exists()
    assert not participant_search(hub=hub, query="0470").exists()
    assert jan.display_name == f"Anonymised person #{jan.pk}"


def test_twice_is_refused(staff, hub, jan, client_for):
    services.participant_anonymise(actor=staff, participant=jan)
    with pytest.raises(ValidationError):
        services.participant_anonymise(actor=staff, participant=jan)
    response = client_for(staff).post(people_url(hub, "anonymise", pk=jan.pk), {"confirm": "on"})
    assert response.status_code == 302
    assert journal_for_subject(jan).filter(action="participant.anonymise").count() == 1


@pytest.mark.parametrize("role", [HubRole.DIGIHELPER, HubRole.TRAINER, HubRole.PARTNER_VIEWER])
def test_who_may_not_anonymise(client_for, make_user, hub, jan, role):
    client = client_for(make_user(role, hub))
    assert (
        client.post(people_url(hub, "anonymise", pk=jan.pk), {"confirm": "on"}).status_code == 403
    )
    jan.refresh_from_db()
    assert jan.anonymised_at is None
