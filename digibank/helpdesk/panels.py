"""What the help desk shows on other apps' pages: a dashboard panel with today's helps by
topic and mandates ending soon, and aggregate figures per hub for programme pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel

from . import queries

HELPS_THIS_YEAR = _("Help questions this year")
HELPS_TOTAL = _("Help questions (total)")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    membership = getattr(request, "membership", None)
    hub = getattr(request, "hub", None)
    if membership is None or hub is None or "helpdesk.log" not in membership.permissions:
        return None
    today = timezone.localdate()
    can_manage = "helpdesk.manage" in membership.permissions
    return DashboardPanel(
        template="helpdesk/dashboard_panel.html",
        context={
            "helpdesk_hub_slug": hub.slug,
            "helpdesk_today": queries.helps_on(hub=hub, day=today),
            "helpdesk_totals": queries.hub_topic_totals(hub=hub, day=today)[:6],
            "helpdesk_can_manage": can_manage,
            "helpdesk_follow_ups": queries.follow_up_counts(hub=hub, today=today),
            "helpdesk_mandates_ending": (
                queries.mandates_ending(hub=hub, today=today).count() if can_manage else 0
            ),
        },
    )


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    ids = list(hub_ids)
    now = timezone.localtime()
    start = timezone.make_aware(datetime(now.year, 1, 1))
    helps = queries.helps_per_hub(ids, since=start)
    return {
        hub_id: {
            HELPS_THIS_YEAR: helps.get(hub_id, (0, 0))[0],
            HELPS_TOTAL: helps.get(hub_id, (0, 0))[1],
        }
        for hub_id in ids
    }
