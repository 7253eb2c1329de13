"""What the learning app shows on other apps' pages: a panel on the hub dashboard and
aggregate figures per hub for programme pages (never personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel

from . import queries

ENROLMENTS_FIGURE = _("Course enrolments")
HOURS_FIGURE = _("Training hours attended")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    """Sessions meeting this week and their free seats, for roles that see learning."""
    membership = getattr(request, "membership", None)
    hub = getattr(request, "hub", None)
    if membership is None or hub is None or "learning.view" not in membership.permissions:
        return None
    figures = queries.week_figures(hub=hub)
    return DashboardPanel(
        template="learning/dashboard_panel.html",
        context={
            "learning_hub_slug": hub.slug,
            "learning_sessions_this_week": figures["sessions"],
            "learning_free_seats": figures["free_seats"],
            "learning_meetings": queries.meetings_this_week(hub=hub),
            # A trainer sees their own meetings of today first.
            "learning_my_today": queries.trainer_meetings_today(hub=hub, user=request.user)
            if "learning.teach" in membership.permissions
            else [],
        },
    )


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Per hub: people enrolled in courses and training hours attended. One query each."""
    ids = list(hub_ids)
    enrolments = queries.enrolments_per_hub(ids)
    hours = queries.training_hours_per_hub(ids)
    return {
        hub_id: {
            ENROLMENTS_FIGURE: enrolments.get(hub_id, 0),
            HOURS_FIGURE: hours.get(hub_id, 0),
        }
        for hub_id in ids
    }
