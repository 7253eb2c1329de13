"""A POST-only action opened with GET (a re-sign-in, a bookmark, a reload) leads to the
page the action belongs to, with a message, and does nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from digibank.core.dead_ends import page_of_action
from digibank.people.models import Consent, Participant
from digibank.people.services import consent_record


@pytest.fixture
def consent(hub, staff):
    person = Participant.objects.create(hub=hub, given_name="Jan", family_name="Peeters")
    return consent_record(actor=staff, participant=person, purpose="photos")


def test_get_on_a_post_only_action_leads_to_its_page_with_a_message(
    client_for, staff, hub, consent
):
    client = client_for(staff)
    url = reverse(
        "people:consent_withdraw",
        kwargs={"hub": hub.slug, "pk": consent.participant_id, "consent_pk": consent.pk},
    )

    response = client.get(url, follow=True)

    person_page = reverse("people:detail", kwargs={"hub": hub.slug, "pk": consent.participant_id})
    assert response.redirect_chain[-1][0] == person_page
    assert response.status_code == 200
    assert "That button only works from its page" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # nothing was done
    assert Consent.objects.count() == 1


def test_htmx_and_other_methods_keep_their_405(client_for, staff, hub, consent):
    url = reverse(
        "people:consent_withdraw",
        kwargs={"hub": hub.slug, "pk": consent.participant_id, "consent_pk": consent.pk},
    )
    client = client_for(staff)
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 405
    assert client.put(url).status_code == 405


def test_page_of_action_is_the_nearest_known_shorter_path(hub):
    assert page_of_action(f"/h/{hub.slug}/people/12/consents/3/withdraw/") == (
        f"/h/{hub.slug}/people/12/"
    )
    assert page_of_action("/no/such/thing/") == "/"
