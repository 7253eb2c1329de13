"""Every people page, for every role: the right permission or 403; another hub's
records 404; signed-out visitors go to the sign-in page."""

from __future__ import annotations

import pytest

from digibank.accounts.roles import HUB_PERMISSIONS, HubRole
from digibank.people import services

from .conftest import people_url

# URL name -> permission needed.
PAGES = {
    "list": "people.view",
    "create": "people.edit",
    "detail": "people.view",
    "edit": "people.edit",
    "journal": "journal.view",
    "consent_add": "people.edit",
    "anonymise": "people.anonymise",
    "merge": "people.merge",
    "visitors": "people.view",
    "visitor_create": "people.edit",
}
WITH_PK = {"detail", "edit", "journal", "consent_add", "anonymise", "merge"}


@pytest.fixture
def jan(make_participant):
    return make_participant(given_name="Jan", family_name="Peeters", consent_given=True)


def url_for(hub, name, jan):
    return people_url(hub, name, pk=jan.pk) if name in WITH_PK else people_url(hub, name)


@pytest.mark.parametrize("role", list(HubRole))
def test_each_role_gets_what_its_permissions_allow(client_for, make_user, hub, jan, role):
    client = client_for(make_user(role, hub))
    for name, permission in PAGES.items():
        expected = 200 if permission in HUB_PERMISSIONS[role] else 403
        assert client.get(url_for(hub, name, jan)).status_code == expected, (role, name)


def test_another_hubs_records_are_not_found(client_for, make_user, hub, other_hub, jan, staff):
    consent = jan.consents.get()
    outsider = client_for(make_user(HubRole.COORDINATOR, other_hub))
    for name in WITH_PK:
        # Through the own hub's address and through the other hub's address.
        assert outsider.get(people_url(other_hub, name, pk=jan.pk)).status_code == 404, name
        assert outsider.get(people_url(hub, name, pk=jan.pk)).status_code == 404, name
    assert (
        outsider.post(
            people_url(other_hub, "consent_withdraw", pk=jan.pk, consent_pk=consent.pk)
        ).status_code
        == 404
    )
    assert (
        outsider.post(people_url(other_hub, "anonymise", pk=jan.pk), {"confirm": "on"}).status_code
        == 404
    )
    jan.refresh_from_db()
    assert jan.anonymised_at is None


def test_programme_officers_see_no_people(client_for, officer, hub, jan):
    client = client_for(officer)
    for name in PAGES:
        assert client.get(url_for(hub, name, jan)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, hub, jan):
    for name in PAGES:
        response = client.get(url_for(hub, name, jan))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_pages_of_merged_records_lead_to_the_survivor(
    client_for, coordinator, hub, jan, make_participant
):
    duplicate = make_participant(given_name="Jan", family_name="Peeters")
    services.participant_merge(actor=coordinator, source=duplicate, target=jan)
    client = client_for(coordinator)
    for name in ("detail", "edit", "consent_add", "anonymise", "merge"):
        response = client.get(people_url(hub, name, pk=duplicate.pk))
        assert response.status_code == 302, name
        assert response["Location"] == people_url(hub, "detail", pk=jan.pk)
