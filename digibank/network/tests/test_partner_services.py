"""Partners: an existing or a new organisation, never twice, removal journaled."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.network import services
from digibank.network.models import Hub, HubPartner, Organisation, OrganisationKind
from digibank.network.services import OrganisationValues


@pytest.fixture
def company(db: Any) -> Organisation:
    return Organisation.objects.create(
        name="Recup vzw", kind=OrganisationKind.CIVIL_SOCIETY, enterprise_number="0123456749"
    )


def test_add_existing_organisation(hub: Hub, coordinator: User, company: Organisation) -> None:
    partner = services.partner_add(
        actor=coordinator,
        hub=hub,
        organisation=company,
        partner_type="civil_society",
        role="Herstel",
    )
    assert partner.role == "Herstel"
    entry = JournalEntry.objects.get(action="partner.add")
    assert entry.hub_id == hub.pk
    assert entry.details["organisation_id"] == company.pk


def test_organisation_already_partner_gives_a_clear_error(
    hub: Hub, coordinator: User, company: Organisation
) -> None:
    services.partner_add(actor=coordinator, hub=hub, organisation=company, partner_type="company")
    with pytest.raises(ValidationError) as caught:
        services.partner_add(
            actor=coordinator, hub=hub, organisation=company, partner_type="company"
        )
    assert "already a partner" in caught.value.message_dict["organisation"][0]
    assert HubPartner.objects.count() == 1


def test_same_organisation_may_partner_several_hubs(
    hub: Hub, other_hub: Hub, coordinator: User, company: Organisation
) -> None:
    services.partner_add(actor=coordinator, hub=hub, organisation=company, partner_type="company")
    services.partner_add(
        actor=coordinator, hub=other_hub, organisation=company, partner_type="company"
    )
    assert HubPartner.objects.filter(organisation=company).count() == 2


def test_new_organisation_is_created_with_its_municipality(hub: Hub, coordinator: User) -> None:
    partner = services.partner_add_new_organisation(
        actor=coordinator,
        hub=hub,
        organisation=OrganisationValues(
            name="Hogeschool Gent",
            kind="knowledge_institution",
            enterprise_number="BE 0123.456.749",
            postcode="9000",
        ),
        partner_type="knowledge_institution",
    )
    organisation = partner.organisation
    assert organisation.enterprise_number == "0123456749"
    assert organisation.municipality is not None
    assert organisation.municipality.nis_code == "44021"
    actions = set(JournalEntry.objects.values_list("action", flat=True))
    assert {"organisation.create", "partner.add"} <= actions


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("enterprise_number", {"enterprise_number": "0123.456.748"}),
        ("postcode", {"postcode": "0999"}),
        ("name", {"name": " "}),
        ("kind", {"kind": "bank"}),
    ],
)
def test_new_organisation_errors_leave_nothing_behind(
    hub: Hub, coordinator: User, field: str, overrides: dict[str, str]
) -> None:
    fields = {"name": "Nieuw", "kind": "company", **overrides}
    with pytest.raises(ValidationError) as caught:
        services.partner_add_new_organisation(
            actor=coordinator,
            hub=hub,
            organisation=OrganisationValues(**fields),
            partner_type="company",
        )
    assert field in caught.value.message_dict
    assert not Organisation.objects.filter(name="Nieuw").exists()
    assert not HubPartner.objects.exists()
    assert not JournalEntry.objects.exists()


def test_enterprise_number_already_known_gives_a_clear_error(
    hub: Hub, coordinator: User, company: Organisation
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.organisation_create(
            actor=coordinator,
            values=OrganisationValues(
                name="Dubbel", kind="company", enterprise_number="0123.456.749"
            ),
        )
    assert "Recup vzw" in caught.value.message_dict["enterprise_number"][0]


def test_update_and_remove(hub: Hub, coordinator: User, company: Organisation) -> None:
    partner = services.partner_add(
        actor=coordinator, hub=hub, organisation=company, partner_type="company"
    )
    services.partner_update(
        actor=coordinator, partner=partner, partner_type="civil_society", role="Les"
    )
    partner.refresh_from_db()
    assert (partner.partner_type, partner.role) == ("civil_society", "Les")
    with pytest.raises(ValidationError):
        services.partner_update(actor=coordinator, partner=partner, partner_type="nonsense")
    services.partner_remove(actor=coordinator, partner=partner)
    assert not HubPartner.objects.exists()
    assert Organisation.objects.filter(pk=company.pk).exists()
    removed = JournalEntry.objects.get(action="partner.remove")
    assert removed.hub_id == hub.pk
    assert removed.details["organisation_id"] == company.pk
