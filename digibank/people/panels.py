"""What the people app shows on other apps' pages: a panel on the hub dashboard and
aggregate figures per hub for programme pages (never personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel

from . import queries

PARTICIPANTS_FIGURE = _("Participants")
VISITORS_FIGURE = _("Anonymous visitors")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    """Today's essentials about people: a quick search, the register button and two
    counts. Nothing for roles without access to personal data."""
    membership = getattr(request, "membership", None)
    hub = getattr(request, "hub", None)
    if membership is None or hub is None or "people.view" not in membership.permissions:
        return None
    return DashboardPanel(
        template="people/dashboard_panel.html",
        context={
            "people_hub_slug": hub.slug,
            "people_registered_this_week": queries.registered_since(
                hub=hub, since=queries.start_of_week()
            ),
            "people_visitors_today": queries.visitors_on(hub=hub, day=timezone.localdate()),
            "people_can_edit": "people.edit" in membership.permissions,
        },
    )


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Per hub: participants reached and anonymous visitors. One query per figure."""
    ids = list(hub_ids)
    participants = queries.participants_per_hub(ids)
    visitors = queries.visitors_per_hub(ids)
    return {
        hub_id: {
            PARTICIPANTS_FIGURE: participants.get(hub_id, 0),
            VISITORS_FIGURE: visitors.get(hub_id, 0),
        }
        for hub_id in ids
    }
