"""What the appointments app shows elsewhere: a dashboard panel, aggregate figures per
hub (never personal data) and items on a participant's timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel
from digibank.people.models import Participant
from digibank.people.timeline import TimelineItem

from . import queries
from .models import Appointment

APPOINTMENTS_FIGURE = _("Appointments")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    """Appointments today and people waiting now, for roles that book."""
    membership = getattr(request, "membership", None)
    hub = getattr(request, "hub", None)
    if membership is None or hub is None or "appointments.book" not in membership.permissions:
        return None
    return DashboardPanel(
        template="appointments/dashboard_panel.html",
        context={
            "appointments_hub_slug": hub.slug,
            "appointments_today": queries.appointments_today_count(hub),
            "appointments_waiting": queries.waiting_now_count(hub),
        },
    )


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    """Appointments booked per hub (cancelled ones left out): one query."""
    ids = list(hub_ids)
    totals = queries.appointments_per_hub(ids)
    return {hub_id: {APPOINTMENTS_FIGURE: totals.get(hub_id, 0)} for hub_id in ids}


def appointments_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    """A participant's appointments, newest first (one query)."""
    rows = (
        Appointment.objects.filter(participant=participant)
        .select_related("location", "hub")
        .order_by("-starts_at", "-pk")[:limit]
    )
    items = []
    for row in rows:
        local = timezone.localtime(row.starts_at)
        items.append(
            TimelineItem(
                when=row.starts_at,
                title=_("Appointment at %(place)s") % {"place": row.location.name},
                detail=f"{local:%d-%m-%Y %H:%M} · {row.get_topic_display()} · "
                f"{row.get_status_display()}",
                url=reverse("appointments:detail", kwargs={"hub": row.hub.slug, "pk": row.pk}),
            )
        )
    return items
