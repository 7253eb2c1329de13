"""Platform admins manage programmes, organisations and hubs in the admin site; every
change there is journaled; nobody else gets in."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from digibank.accounts.models import User
from digibank.core.models import JournalEntry
from digibank.network.models import Organisation, OrganisationKind


def test_platform_admin_adds_an_organisation_and_it_is_journaled(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        "/admin/network/organisation/add/",
        {
            "name": "vzw Digitaal Kortrijk",
            "kind": OrganisationKind.CIVIL_SOCIETY,
            "enterprise_number": "0212345668",
            "street": "",
            "postcode": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="vzw Digitaal Kortrijk")
    entry = JournalEntry.objects.get(action="admin.add")
    assert (entry.actor, entry.subject_id) == (admin, str(organisation.pk))


def test_admin_refuses_a_wrong_enterprise_number(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_user(is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        "/admin/network/organisation/add/",
        {"name": "Bad", "kind": OrganisationKind.COMPANY, "enterprise_number": "0212345669"},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Bad").exists()


def test_reference_data_and_journal_are_read_only(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/network/municipality/").status_code == 200
    assert client.get("/admin/network/municipality/add/").status_code == 403
    assert client.get("/admin/core/journalentry/add/").status_code == 403


def test_hub_staff_cannot_use_the_admin_site(
    coordinator: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(coordinator).get("/admin/network/hub/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_has_no_participant_pages(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/people/participant/").status_code == 404
