"""Partner pages: search and choose, or create in the same form; errors; permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from digibank.accounts.models import User
from digibank.accounts.roles import HubRole
from digibank.core.models import JournalEntry
from digibank.network.models import Hub, HubPartner, Organisation, OrganisationKind, PartnerType


def url(name: str, hub: Hub, **kwargs: Any) -> str:
    return reverse(f"network:{name}", kwargs={"hub": hub.slug, **kwargs})


@pytest.fixture
def recup(db: Any) -> Organisation:
    return Organisation.objects.create(
        name="Recup vzw", kind=OrganisationKind.CIVIL_SOCIETY, enterprise_number="0123456749"
    )


def test_partner_viewer_sees_partners_but_cannot_manage(
    hub: Hub,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    recup: Organisation,
) -> None:
    HubPartner.objects.create(hub=hub, organisation=recup, partner_type=PartnerType.CIVIL_SOCIETY)
    viewer = make_user(HubRole.PARTNER_VIEWER, hub)
    client = client_for(viewer)
    response = client.get(url("partners", hub))
    assert response.status_code == 200
    assert "Recup vzw" in response.text
    assert url("partner_add", hub) not in response.text
    assert client.get(url("partner_add", hub)).status_code == 403


def test_list_query_count_does_not_grow(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    from digibank.network.models import Municipality

    gent = Municipality.objects.get(nis_code="44021")
    for number in range(30):
        organisation = Organisation.objects.create(
            name=f"Partner {number:02d}", kind=OrganisationKind.COMPANY, municipality=gent
        )
        HubPartner.objects.create(hub=hub, organisation=organisation, partner_type="company")
    client = client_for(coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(url("partners", hub))
    assert "Partner 00" in response.text
    assert "Gent" in response.text


def test_search_finds_by_name_and_enterprise_number(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    client = client_for(coordinator)
    by_name = client.get(url("partner_add", hub), {"q": "recup"})
    assert f'value="{recup.pk}"' in by_name.text
    by_number = client.get(url("partner_add", hub), {"q": "BE 0123.456.749"})
    assert f'value="{recup.pk}"' in by_number.text
    nothing = client.get(url("partner_add", hub), {"q": "zzzz"})
    assert "No organisation found" in nothing.text


def test_add_existing_organisation(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    response = client_for(coordinator).post(
        url("partner_add", hub),
        {
            "q": "recup",
            "organisation": str(recup.pk),
            "partner_type": "civil_society",
            "role": "Herstel",
        },
    )
    assert response.status_code == 302
    partner = HubPartner.objects.get(hub=hub)
    assert (partner.organisation, partner.role) == (recup, "Herstel")


def test_existing_partner_gives_a_form_error_not_a_crash(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    HubPartner.objects.create(hub=hub, organisation=recup, partner_type="company")
    response = client_for(coordinator).post(
        url("partner_add", hub),
        {"q": "", "organisation": str(recup.pk), "partner_type": "company"},
    )
    assert response.status_code == 200
    assert "is already a partner of this hub" in response.text
    assert HubPartner.objects.count() == 1


def test_add_new_organisation_in_the_same_form(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).post(
        url("partner_add", hub),
        {
            "organisation": "new",
            "name": "Hogeschool Gent",
            "kind": "knowledge_institution",
            "enterprise_number": "0123.456.749",
            "street": "Valentin Vaerwyckweg 1",
            "postcode": "9000",
            "partner_type": "knowledge_institution",
        },
    )
    assert response.status_code == 302
    partner = HubPartner.objects.select_related("organisation").get(hub=hub)
    assert partner.organisation.name == "Hogeschool Gent"
    assert partner.organisation.municipality_id == "44021"


def test_new_organisation_errors(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    client = client_for(coordinator)
    response = client.post(
        url("partner_add", hub),
        {
            "organisation": "new",
            "name": "",
            "kind": "",
            "enterprise_number": "0123.456.748",
            "postcode": "0999",
            "partner_type": "company",
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert "Enter the name of the new organisation" in text
    assert "check number" in text
    assert "We do not know the postcode 0999" in text
    duplicate = client.post(
        url("partner_add", hub),
        {
            "organisation": "new",
            "name": "Dubbel",
            "kind": "company",
            "enterprise_number": "0123456749",
            "partner_type": "company",
        },
    )
    assert duplicate.status_code == 200
    assert "already has this enterprise number" in duplicate.text
    assert Organisation.objects.count() == 2  # recup and the hub's lead
    assert not HubPartner.objects.exists()


def test_choosing_existing_ignores_new_organisation_fields(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    response = client_for(coordinator).post(
        url("partner_add", hub),
        {
            "organisation": str(recup.pk),
            "enterprise_number": "nonsense",
            "postcode": "x",
            "partner_type": "company",
        },
    )
    assert response.status_code == 302


def test_unknown_organisation_id_is_a_form_error(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).post(
        url("partner_add", hub), {"organisation": "999999", "partner_type": "company"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text


def test_edit_and_remove_with_confirmation(
    hub: Hub, coordinator: User, client_for: Callable[[User], Client], recup: Organisation
) -> None:
    partner = HubPartner.objects.create(hub=hub, organisation=recup, partner_type="company")
    client = client_for(coordinator)
    response = client.post(
        url("partner_edit", hub, pk=partner.pk), {"partner_type": "civil_society", "role": "Lokaal"}
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.role == "Lokaal"
    confirm = client.get(url("partner_remove", hub, pk=partner.pk))
    assert "Yes, remove partner" in confirm.text
    assert client.post(url("partner_remove", hub, pk=partner.pk)).status_code == 302
    assert not HubPartner.objects.exists()
    assert JournalEntry.objects.filter(action="partner.remove", hub_id=hub.pk).exists()


def test_another_hubs_partner_is_404(
    hub: Hub,
    other_hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    recup: Organisation,
) -> None:
    foreign = HubPartner.objects.create(hub=other_hub, organisation=recup, partner_type="company")
    client = client_for(coordinator)
    assert client.get(url("partner_edit", hub, pk=foreign.pk)).status_code == 404
    assert client.post(url("partner_remove", hub, pk=foreign.pk)).status_code == 404
    assert HubPartner.objects.filter(pk=foreign.pk).exists()
