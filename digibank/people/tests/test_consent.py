"""Consent per purpose under a notice version, recorded by someone; withdrawing keeps
the row; one active consent per purpose."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_for_subject
from digibank.people import services
from digibank.people.consent import PRIVACY_NOTICE_VERSION
from digibank.people.models import Consent, ConsentPurpose

from .conftest import people_url


@pytest.fixture
def jan(make_participant):
    return make_participant(given_name="Jan", family_name="Peeters")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_record_consent(client_for, digihelper, hub, jan):
    response = client_for(digihelper).post(
        people_url(hub, "consent_add", pk=jan.pk), {"purpose": "contact"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.participant == jan
    assert consent.purpose == ConsentPurpose.CONTACT
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert consent.recorded_by == digihelper
    assert consent.withdrawn_at is None
    assert messages_of(response) == ["Consent recorded: Contacting me by phone, SMS or e-mail."]
    entry = journal_for_subject(jan).get(action="consent.record")
    assert entry.details["consent_id"] == consent.pk


def test_the_same_purpose_twice_is_explained(client_for, staff, hub, jan):
    client = client_for(staff)
    client.post(people_url(hub, "consent_add", pk=jan.pk), {"purpose": "contact"})
    response = client.post(people_url(hub, "consent_add", pk=jan.pk), {"purpose": "contact"})
    assert response.status_code == 200
    assert "This consent is already recorded" in response.content.decode()
    assert Consent.objects.count() == 1


def test_the_detail_page_offers_only_purposes_not_yet_given(client_for, staff, hub, jan):
    services.consent_record(actor=staff, participant=jan, purpose=ConsentPurpose.CONTACT)
    page = client_for(staff).get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    assert 'name="purpose" value="contact"' not in page
    assert 'name="purpose" value="photos"' in page


def test_a_missing_or_unknown_purpose_is_explained(client_for, staff, hub, jan):
    client = client_for(staff)
    for data in ({}, {"purpose": "selling"}):
        response = client.post(people_url(hub, "consent_add", pk=jan.pk), data)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert not Consent.objects.exists()


def test_withdraw_keeps_the_row(client_for, staff, hub, jan):
    consent = services.consent_record(actor=staff, participant=jan, purpose="photos")
    client = client_for(staff)
    url = people_url(hub, "consent_withdraw", pk=jan.pk, consent_pk=consent.pk)
    response = client.post(url)
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert messages_of(response) == ["Consent withdrawn: Photos for the hub's communication."]
    again = client.post(url)
    assert messages_of(again)[-1] == "This consent was already withdrawn."
    # A new consent for the same purpose is a new row.
    services.consent_record(actor=staff, participant=jan, purpose="photos")
    assert Consent.objects.filter(purpose="photos").count() == 2
    page = client.get(people_url(hub, "detail", pk=jan.pk)).content.decode()
    assert "1 withdrawn consent" in page


def test_withdraw_needs_a_post_and_the_right_person(client_for, staff, hub, jan, make_participant):
    consent = services.consent_record(actor=staff, participant=jan, purpose="photos")
    other = make_participant(given_name="Els")
    client = client_for(staff)
    assert (
        client.get(
            people_url(hub, "consent_withdraw", pk=jan.pk, consent_pk=consent.pk)
        ).status_code
        == 302
    )
    assert (
        client.post(
            people_url(hub, "consent_withdraw", pk=other.pk, consent_pk=consent.pk)
        ).status_code
        == 404
    )
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_the_service_guards_the_rules(staff, jan):
    services.consent_record(actor=staff, participant=jan, purpose="contact")
    with pytest.raises(ValidationError):
        services.consent_record(actor=staff, participant=jan, purpose="contact")
    with pytest.raises(ValidationError):
        services.consent_record(actor=staff, participant=jan, purpose="nonsense")


def test_trainers_may_not_record_consent(client_for, make_user, hub, jan):
    client = client_for(make_user(HubRole.TRAINER, hub))
    assert (
        client.post(people_url(hub, "consent_add", pk=jan.pk), {"purpose": "contact"}).status_code
        == 403
    )
