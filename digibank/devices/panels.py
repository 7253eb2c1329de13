"""What the device bank shows on other apps' pages: a dashboard panel and aggregate
figures per hub for programme pages."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel

from .models import Device, DeviceStatus

DEVICES_FIGURE = _("Devices")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    """Devices ready, on loan and in repair (one query)."""
    membership = getattr(request, "membership", None)
    hub = getattr(request, "hub", None)
    if membership is None or hub is None or "devices.view" not in membership.permissions:
        return None
    # Only the three statuses, grouped: an index-only scan of three short ranges of the
    # (hub, status) index instead of every device of the hub.
    wanted = (DeviceStatus.READY, DeviceStatus.ON_LOAN, DeviceStatus.IN_REPAIR)
    counts = dict(
        Device.objects.filter(hub=hub, status__in=wanted)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return DashboardPanel(
        template="devices/dashboard_panel.html",
        context={
            "devices_hub_slug": hub.slug,
            "devices_ready": counts.get(DeviceStatus.READY, 0),
            "devices_on_loan": counts.get(DeviceStatus.ON_LOAN, 0),
            "devices_in_repair": counts.get(DeviceStatus.IN_REPAIR, 0),
            "devices_can_manage": "devices.manage" in membership.permissions,
        },
    )


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Per hub: devices in the inventory (not retired). One query for all hubs."""
    ids = list(hub_ids)
    rows = (
        Device.objects.filter(hub_id__in=ids)
        .exclude(status=DeviceStatus.RETIRED)
        .values("hub_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals = {row["hub_id"]: row["n"] for row in rows}
    return {hub_id: {DEVICES_FIGURE: totals.get(hub_id, 0)} for hub_id in ids}
