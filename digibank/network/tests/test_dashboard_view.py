"""The Today page: help points open today, team size, recent journal for coordinators,
panels registered by other apps, hub switcher; bounded queries."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from digibank.accounts.models import Membership, User
from digibank.accounts.roles import HubRole
from digibank.core.journal import journal_write
from digibank.network import registry
from digibank.network.models import Hub, Location, OpeningException
from digibank.network.queries import local_today


def dashboard_url(hub: Hub) -> str:
    return reverse("network:dashboard", kwargs={"hub": hub.slug})


@pytest.fixture
def panel_template(settings: Any, tmp_path: Path) -> str:
    (tmp_path / "test_panel.html").write_text(
        '<section class="panel"><h2>{{ heading }}</h2><p>{{ count }} / {{ panel.context.count }} · {{ request.hub.slug }}</p></section>'
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    return "test_panel.html"


@pytest.fixture
def registered_panels(monkeypatch: pytest.MonkeyPatch, panel_template: str) -> None:
    monkeypatch.setattr(registry, "_dashboard_providers", [])

    def participants_panel(request: HttpRequest) -> registry.DashboardPanel | None:
        if "people.view" not in request.membership.permissions:  # type: ignore[attr-defined]
            return None
        return registry.DashboardPanel(
            panel_template, {"heading": "Registered this week", "count": 7}
        )

    registry.register_dashboard_panel(participants_panel)


def test_dashboard_shows_todays_essentials(
    hub: Hub,
    coordinator: User,
    staff: User,
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
) -> None:
    weekday = local_today().weekday()
    make_location(hub, name="Bibliotheek", weekdays=(weekday,))
    make_location(hub, name="Elke andere dag", weekdays=((weekday + 3) % 7,))
    closed = make_location(hub, name="Gesloten vandaag", weekdays=(weekday,))
    OpeningException.objects.create(location=closed, date=local_today(), is_closed=True)
    journal_write(actor=coordinator, action="location.create", subject=closed, hub_id=hub.pk)

    response = client_for(coordinator).get(dashboard_url(hub))
    assert response.status_code == 200
    text = response.text
    assert "Bibliotheek" in text
    assert "09:00–12:00" in text
    assert "13:00–16:30" in text
    assert "Elke andere dag" not in text
    assert '<span class="stat">2</span>' in text  # coordinator and staff
    assert "Help point added" in text  # recent journal for coordinators
    assert "?switch=1" not in text

    staff_view = client_for(staff).get(dashboard_url(hub)).text
    assert "Help point added" not in staff_view
    assert reverse("network:journal", kwargs={"hub": hub.slug}) not in staff_view


def test_switch_link_when_member_of_several_hubs(
    hub: Hub, other_hub: Hub, coordinator: User, client_for: Callable[[User], Client]
) -> None:
    Membership.objects.create(user=coordinator, hub=other_hub, role=HubRole.STAFF)
    response = client_for(coordinator).get(dashboard_url(hub))
    assert f"{reverse('core:home')}?switch=1" in response.text


def test_registered_panels_are_rendered_for_whom_they_choose(
    hub: Hub,
    staff: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    registered_panels: None,
) -> None:
    response = client_for(staff).get(dashboard_url(hub))
    assert "Registered this week" in response.text
    assert "7 / 7 · gent" in response.text
    viewer = make_user(HubRole.PARTNER_VIEWER, hub)
    assert "Registered this week" not in client_for(viewer).get(dashboard_url(hub)).text


def test_dashboard_queries_do_not_grow_with_data(
    hub: Hub,
    coordinator: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    make_location: Callable[..., Location],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(coordinator)
    weekday = local_today().weekday()

    def add_rows(count: int) -> None:
        for _ in range(count):
            location = make_location(hub, weekdays=(weekday,))
            member = make_user(HubRole.DIGIHELPER, hub)
            journal_write(actor=member, action="location.update", subject=location, hub_id=hub.pk)
            journal_write(
                actor=coordinator,
                action="member.invite",
                subject=member.memberships.get(),
                hub_id=hub.pk,
            )

    add_rows(1)
    client.get(dashboard_url(hub))
    with CaptureQueriesContext(connection) as few:
        client.get(dashboard_url(hub))
    add_rows(30)
    with django_assert_max_num_queries(len(few)):
        response = client.get(dashboard_url(hub))
    assert response.status_code == 200
    assert '<span class="stat">32</span>' in response.text


def test_dashboard_own_queries_are_few(
    hub: Hub,
    coordinator: User,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    monkeypatch.setattr(registry, "_dashboard_providers", [])
    client = client_for(coordinator)
    with django_assert_max_num_queries(13):
        assert client.get(dashboard_url(hub)).status_code == 200


def test_officer_without_membership_gets_404(
    hub: Hub, officer: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(officer).get(dashboard_url(hub)).status_code == 404
