"""What lending shows on other apps' pages: the hub dashboard, the participant's page
and timeline, and aggregate figures per hub."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from digibank.network.registry import DashboardPanel
from digibank.people.models import Participant
from digibank.people.timeline import TimelineItem

from . import queries, reminders
from .models import Loan, LoanKind

LOANS_FIGURE = _("Loans")


def _can_lend(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.has_perm("lending.lend")


def dashboard_panel(request: HttpRequest) -> DashboardPanel | None:
    """Loans due this week and overdue loans, for those who lend."""
    hub = getattr(request, "hub", None)
    if hub is None or not _can_lend(request):
        return None
    today = timezone.localdate()
    week_start = queries.start_of_week(today)
    due, overdue = queries.due_and_overdue(
        hub=hub, today=today, start=max(today, week_start), end=week_start + timedelta(days=6)
    )
    return DashboardPanel(
        template="lending/dashboard_panel.html",
        context={
            "lending_hub_slug": hub.slug,
            "lending_due_this_week": due,
            "lending_overdue": overdue,
            "lending_organisations_overdue": reminders.overdue_organisation_loans(
                hub=hub, today=today
            ).count(),
            "lending_can_escalate": request.membership.has_perm("lending.manage"),  # type: ignore[attr-defined]
        },
    )


def participant_section(request: HttpRequest, participant: Participant) -> DashboardPanel | None:
    """The person's current loans on their page (one query)."""
    if not _can_lend(request):
        return None
    loans = list(
        Loan.objects.filter(participant=participant, returned_at__isnull=True)
        .exclude(kind=LoanKind.GIFT)
        .select_related("device")
        .order_by("-started_at")[:10]
    )
    return DashboardPanel(
        template="lending/participant_section.html",
        context={"lending_participant": participant, "lending_loans": loans},
    )


def loans_timeline(participant: Participant, limit: int) -> list[TimelineItem]:
    loans = (
        Loan.objects.filter(participant=participant)
        .select_related("device", "hub")
        .order_by("-started_at", "-id")[:limit]
    )
    items: list[TimelineItem] = []
    for loan in loans:
        url = reverse("lending:loan", kwargs={"hub": loan.hub.slug, "pk": loan.pk})
        detail = f"{loan.device.tag} {loan.device.get_kind_display()}"
        items.append(
            TimelineItem(
                when=loan.started_at, title=loan.get_kind_display(), detail=detail, url=url
            )
        )
        if loan.returned_at is not None:
            items.append(
                TimelineItem(
                    when=loan.returned_at, title=_("Device returned"), detail=detail, url=url
                )
            )
    return items


def hub_figures(hub_ids: Iterable[int]) -> dict[int, dict[str | Promise, int]]:
    ids = list(hub_ids)
    loans = queries.loans_per_hub(ids)
    return {hub_id: {LOANS_FIGURE: loans.get(hub_id, 0)} for hub_id in ids}
