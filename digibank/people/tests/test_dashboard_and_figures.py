"""What people shows elsewhere: a dashboard panel for roles that may see people, and
aggregate figures per hub for programme pages (numbers only, one query per figure)."""

from __future__ import annotations

from datetime import timedelta

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from digibank.accounts.models import Membership
from digibank.accounts.roles import HubRole
from digibank.network import registry
from digibank.people import panels
from digibank.people.models import AnonymousVisitor, Participant


def request_for(user, hub):
    request = RequestFactory().get("/")
    request.user = user
    request.hub = hub  # type: ignore[attr-defined]
    request.membership = Membership.objects.get(user=user, hub=hub)  # type: ignore[attr-defined]
    return request


def test_the_panel_is_registered():
    assert any(provider is panels.dashboard_panel for _, provider in registry._dashboard_providers)
    assert panels.hub_figures in registry._hub_figures_providers


def test_the_panel_counts_and_offers_search(hub, staff, make_participant):
    make_participant(given_name="Nieuw")
    old = make_participant(given_name="Oud")
    Participant.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    AnonymousVisitor.objects.create(hub=hub, recorded_by=staff)
    AnonymousVisitor.objects.create(
        hub=hub, recorded_by=staff, visited_on=timezone.localdate() - timedelta(days=1)
    )
    request = request_for(staff, hub)
    panel = panels.dashboard_panel(request)
    assert panel is not None
    assert panel.context["people_registered_this_week"] == 1
    assert panel.context["people_visitors_today"] == 1
    html = render_to_string(panel.template, panel.context, request=request)
    assert 'action="/h/gent/people/"' in html
    assert 'name="q"' in html
    assert "/h/gent/people/new/" in html


def test_no_register_button_without_people_edit(hub, make_user):
    trainer = make_user(HubRole.TRAINER, hub)
    request = request_for(trainer, hub)
    panel = panels.dashboard_panel(request)
    assert panel is not None
    html = render_to_string(panel.template, panel.context, request=request)
    assert "/h/gent/people/new/" not in html


def test_no_panel_without_people_view(hub, make_user):
    partner = make_user(HubRole.PARTNER_VIEWER, hub)
    assert panels.dashboard_panel(request_for(partner, hub)) is None
    assert panels.dashboard_panel(RequestFactory().get("/")) is None


def test_hub_figures_are_aggregates_in_one_query_each(
    hub, other_hub, staff, coordinator, make_participant, make_user, django_assert_num_queries
):
    from digibank.people import services

    for name in ("A", "B", "C"):
        make_participant(given_name=name)
    first = Participant.objects.get(given_name="A")
    duplicate = make_participant(given_name="A")
    services.participant_merge(actor=coordinator, source=duplicate, target=first)
    make_participant(hub=other_hub, given_name="D", actor=make_user(HubRole.STAFF, other_hub))
    AnonymousVisitor.objects.create(hub=hub, recorded_by=staff)
    with django_assert_num_queries(2):
        figures = panels.hub_figures([hub.pk, other_hub.pk, 999])
    assert figures == {
        hub.pk: {panels.PARTICIPANTS_FIGURE: 3, panels.VISITORS_FIGURE: 1},
        other_hub.pk: {panels.PARTICIPANTS_FIGURE: 1, panels.VISITORS_FIGURE: 0},
        999: {panels.PARTICIPANTS_FIGURE: 0, panels.VISITORS_FIGURE: 0},
    }
    assert all(isinstance(value, int) for row in figures.values() for value in row.values())
