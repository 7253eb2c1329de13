"""Programme pages: only programmes the user follows, aggregates only, no links into
hubs the user is not a member of, and no way into /h/<hub>/ pages for officers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.functional import Promise

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.network import registry
from digibank.network.models import Hub, Location, Organisation, OrganisationKind, Programme


def detail_url(programme: Programme) -> str:
    return reverse("programmes:detail", kwargs={"programme": programme.slug})


def test_list_requires_login(client: Client, db: Any) -> None:
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_officer_sees_only_their_programmes(
    programme: Programme,
    other_programme: Programme,
    officer: User,
    hub: Hub,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(officer)
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
    assert programme.name in response.text
    assert "€ 50,000,000" in response.text  # grouped as in English
    assert other_programme.name not in response.text
    assert client.get(detail_url(other_programme)).status_code == 404
    assert client.get(reverse("programmes:detail", kwargs={"programme": "nope"})).status_code == 404


def test_detail_shows_the_plan_and_its_hubs_as_aggregates(
    db: Any,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    digisprong = Programme.objects.get(slug="digisprong")
    officer = make_user(programme=digisprong)
    lead = Organisation.objects.create(name="Scholengroep X", kind=OrganisationKind.SCHOOL)
    hub = Hub.objects.create(
        name="Digisprong Gent",
        slug="ds-gent",
        programme=digisprong,
        lead_organisation=lead,
        starts_on=date(2024, 9, 1),
        ends_on=date(2026, 6, 30),
    )
    make_location(hub)
    make_location(hub)
    make_location(hub, is_active=False)
    make_user(HubRole.STAFF, hub, full_name="Secret Person")

    def figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
        return {hub_id: {"Participants": 42} for hub_id in hub_ids}

    monkeypatch.setattr(registry, "_hub_figures_providers", [figures])
    response = client_for(officer).get(detail_url(digisprong))
    assert response.status_code == 200
    text = response.text
    assert "Onderwijs en Vorming" in text
    assert "Ben Weyts (N-VA)" in text
    assert "€ 375,000,000" in text
    assert text.index("Een toekomstgerichte") < text.index("Een kennis- en adviescentrum")
    assert "Digisprong Gent" in text
    assert "Scholengroep X" in text
    assert '<td class="number">2</td>' in text  # open help points
    assert ">Participants</th>" in text
    assert '<td class="number">42</td>' in text
    assert "Secret Person" not in text
    assert reverse("network:dashboard", kwargs={"hub": hub.slug}) not in text
    # Not a member: no way into the hub's pages.
    client = client_for(officer)
    for name in ("dashboard", "locations", "partners", "members", "journal", "settings"):
        assert client.get(reverse(f"network:{name}", kwargs={"hub": hub.slug})).status_code == 404


def test_edusprong_has_no_budget(
    db: Any, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    edusprong = Programme.objects.get(slug="edusprong")
    response = client_for(make_user(programme=edusprong)).get(detail_url(edusprong))
    assert "Not known" in response.text


def test_member_of_a_hub_gets_a_link_to_it(
    programme: Programme, hub: Hub, officer: User, client_for: Callable[[User], Client]
) -> None:
    Membership.objects.create(user=officer, hub=hub, role=HubRole.PARTNER_VIEWER)
    response = client_for(officer).get(detail_url(programme))
    assert reverse("network:dashboard", kwargs={"hub": hub.slug}) in response.text


def test_platform_admin_sees_all_seven(
    db: Any, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_user(is_staff=True)
    response = client_for(admin).get(reverse("programmes:list"))
    for slug in (
        "digibanken",
        "lokale-besturen",
        "iedereen-digitaal",
        "digisprong",
        "edusprong",
        "inburgering",
        "bandbreedte",
    ):
        assert detail_url(Programme.objects.get(slug=slug)) in response.text


def test_hub_staff_without_programme_role_gets_404(
    programme: Programme, staff: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(staff).get(detail_url(programme)).status_code == 404


def test_detail_queries_do_not_grow_with_hubs(
    programme: Programme,
    officer: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    django_assert_max_num_queries: Any,
) -> None:
    lead = Organisation.objects.create(name="Lead", kind=OrganisationKind.LOCAL_GOVERNMENT)
    for number in range(30):
        hub = Hub.objects.create(
            name=f"Hub {number:02d}",
            slug=f"hub-{number}",
            programme=programme,
            lead_organisation=Organisation.objects.create(name=f"Lead {number}", kind="company"),
            starts_on=date(2025, 1, 1),
        )
        make_location(hub)
        Membership.objects.create(user=officer, hub=hub, role=HubRole.PARTNER_VIEWER)
    assert lead.pk
    client = client_for(officer)
    # session, user, programme, role check, spearheads, count, page, memberships, and
    # the figures registered by other apps (one or two queries each, never per hub).
    with django_assert_max_num_queries(9 + 2 * registry.hub_figures_provider_count()):
        response = client.get(detail_url(programme))
    assert response.status_code == 200
    assert "Hub 00" in response.text
    with django_assert_max_num_queries(6):
        assert client.get(reverse("programmes:list")).status_code == 200


def test_budget_is_grouped_the_dutch_way_in_dutch(
    client_for: Callable[[User], Client], officer: User, programme: Programme, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "nl"
    response = client_for(officer).get(detail_url(programme))
    assert "€ 50.000.000" in response.text
