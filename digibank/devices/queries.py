"""Reading devices: lookups by tag, the filtered inventory, a device's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from digibank.core.journal import action_label, journal_for_subject
from digibank.network.models import Hub

from .models import DataWipe, Device, Repair, normalise_tag


def device_by_tag(*, hub: Hub, tag: str) -> Device | None:
    """The hub's device with this asset tag (typed or scanned; spaces, dashes, case and a
    scanned device URL are forgiven), or None."""
    clean = normalise_tag(tag)
    if not clean:
        return None
    return Device.objects.select_related("location").filter(hub=hub, tag=clean).first()


def device_list(
    *,
    hub: Hub,
    kind: str = "",
    status: str = "",
    location: int | None = None,
    query: str = "",
) -> QuerySet[Device]:
    """The hub's devices, newest first, filtered."""
    qs = Device.objects.filter(hub=hub)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if location:
        qs = qs.filter(location_id=location)
    query = query.strip()
    if query:
        tag = normalise_tag(query)
        cond = (
            Q(serial_number=query)
            | Q(serial_number=query.upper())
            | Q(make__icontains=query)
            | Q(model__icontains=query)
        )
        if tag:
            cond |= Q(tag=tag)
        qs = qs.filter(cond)
    return qs.select_related("location").order_by("-id")


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    kind: str  # "journal", "wipe" or "repair"
    label: Any
    actor: str
    item: Any


HISTORY_LIMIT = 100


def device_history(device: Device, limit: int = HISTORY_LIMIT) -> list[HistoryLine]:
    """Journal lines, wipes and repairs of a device, newest first (three queries)."""
    lines: list[HistoryLine] = []
    for entry in journal_for_subject(device)[:limit]:
        label = action_label(entry.action)
        lines.append(
            HistoryLine(
                entry.created_at,
                "journal",
                label,
                entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else "",
                entry,
            )
        )
    for wipe in DataWipe.objects.filter(device=device).select_related("operator")[:limit]:
        lines.append(
            HistoryLine(
                wipe.created_at, "wipe", wipe.get_method_display(), _name(wipe.operator), wipe
            )
        )
    for repair in Repair.objects.filter(device=device).select_related("repaired_by")[:limit]:
        who = _name(repair.repaired_by) if repair.repaired_by else repair.trainee_name
        lines.append(HistoryLine(repair.created_at, "repair", repair.problem, who, repair))
    lines.sort(key=lambda line: line.when, reverse=True)
    return lines[:limit]


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
