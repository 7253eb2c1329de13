"""Digihelper profiles and the list a coordinator filters by topic and language."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.helpdesk import services
from digibank.helpdesk.models import DigihelperProfile
from digibank.helpdesk.registry import TrainingItem, register_training_provider, trainings_for

from .conftest import topic, url

pytestmark = pytest.mark.django_db


def test_own_profile(client_for, digihelper, hub, location):
    client = client_for(digihelper)
    response = client.post(
        url(hub, "my_profile"),
        {
            "topics": [topic("itsme").pk],
            "languages": ["ar", "nl"],
            "locations": [location.pk],
            "availability": "Tuesday mornings",
        },
    )
    assert response.status_code == 302
    profile = DigihelperProfile.objects.get(membership__user=digihelper)
    assert sorted(row.language for row in profile.languages.all()) == ["ar", "nl"]
    assert "Tuesday mornings" in client.get(url(hub, "my_profile")).content.decode()


def test_find_arabic_itsme_helper(client_for, coordinator, make_user, hub, location):
    wanted = make_user(HubRole.DIGIHELPER, hub, full_name="Youssef Amrani")
    other = make_user(HubRole.DIGIHELPER, hub, full_name="Jos Peeters")
    services.profile_save(
        actor=coordinator,
        membership=Membership.objects.get(user=wanted),
        topics=[topic("itsme")],
        languages=["ar"],
        locations=[location],
        availability="",
    )
    services.profile_save(
        actor=coordinator,
        membership=Membership.objects.get(user=other),
        topics=[topic("itsme")],
        languages=["nl"],
        locations=[],
        availability="",
    )
    body = (
        client_for(coordinator)
        .get(url(hub, "volunteers"), {"topic": topic("itsme").pk, "language": "ar"})
        .content.decode()
    )
    assert "Youssef Amrani" in body
    assert "Jos Peeters" not in body


def test_list_query_count(
    client_for, coordinator, make_user, hub, location, django_assert_max_num_queries
):
    for index in range(30):
        user = make_user(HubRole.DIGIHELPER, hub)
        services.profile_save(
            actor=coordinator,
            membership=Membership.objects.get(user=user),
            topics=[topic("itsme"), topic("ebox")],
            languages=["nl", "fr"],
            locations=[location],
            availability=f"slot {index}",
        )
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(url(hub, "volunteers"))
    assert response.status_code == 200


def test_coordinator_edits_a_profile_digihelper_cannot(client_for, coordinator, digihelper, hub):
    membership = Membership.objects.get(user=digihelper)
    assert client_for(coordinator).get(url(hub, "volunteer", pk=membership.pk)).status_code == 200
    assert client_for(digihelper).get(url(hub, "volunteer", pk=membership.pk)).status_code == 403
    assert client_for(digihelper).get(url(hub, "volunteers")).status_code == 403


def test_other_hubs_location_refused(coordinator, digihelper, other_location):
    with pytest.raises(ValidationError):
        services.profile_save(
            actor=coordinator,
            membership=Membership.objects.get(user=digihelper),
            topics=[],
            languages=[],
            locations=[other_location],
            availability="",
        )


def test_training_hook(client_for, digihelper, hub):
    def provider(user, hub_):
        return [TrainingItem(title="Digihelper basics")] if user == digihelper else []

    register_training_provider(provider)
    try:
        assert trainings_for(digihelper, hub)[0].title == "Digihelper basics"
        assert (
            "Digihelper basics"
            in client_for(digihelper).get(url(hub, "my_profile")).content.decode()
        )
    finally:
        from digibank.helpdesk import registry

        registry._training_providers.remove(provider)
