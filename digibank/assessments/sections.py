"""The skills section on a participant's page (people.registry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from digibank.network.registry import DashboardPanel

from . import queries
from .chart import progress_chart

if TYPE_CHECKING:
    from django.http import HttpRequest

    from digibank.people.models import Participant


def participant_section(request: HttpRequest, participant: Participant) -> DashboardPanel | None:
    """Progress per area (chart and table) when the person has self-assessments; two
    queries. Only for roles that take self-assessments."""
    if "assessments.take" not in request.membership.permissions:  # type: ignore[attr-defined]
        return None
    progress = queries.participant_progress(participant)
    if not progress.has_figures:
        return None
    return DashboardPanel(
        template="assessments/includes/participant_section.html",
        context={
            "skills_participant": participant,
            "skills_progress": progress,
            "skills_chart": progress_chart(progress.areas),
        },
    )
