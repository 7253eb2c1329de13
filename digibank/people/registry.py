"""Places where higher apps hook into people without people importing them.

Merge handlers: when two records of the same person are merged, every app moves its own
rows (loans, enrolments, help questions) from the merged record to the surviving one.
A handler runs inside the merge transaction, so a failing handler undoes the merge::

    def move_loans(source, target, actor):
        Loan.objects.filter(participant=source).update(participant=target)

    register_merge_handler(move_loans)

Anonymise handlers: when records are anonymised (on request or by retention), every
app erases what it keeps about those people in free text (notes, names of trusted
persons). A handler gets the participant ids and runs inside the same transaction::

    def erase_notes(participant_ids):
        HelpQuestion.objects.filter(participant_id__in=participant_ids).update(note="")

    register_anonymise_handler(erase_notes)

Participant sections: a higher app shows a small section on the participant's page
(current loans, skills progress) by registering provider(request, participant), which
returns a network.registry.DashboardPanel (template and context) or None when there is
nothing to show; it registers with the permission a member needs to see it (the one of
the pages it links to). Each provider should cost a fixed number of queries.

The timeline registry lives in `people.timeline`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from digibank.network.registry import DashboardPanel

    from .models import Participant

# handler(source, target, actor): move rows of `source` (being merged) to `target`.
MergeHandler = Callable[["Participant", "Participant", Any], None]

_merge_handlers: list[MergeHandler] = []


def register_merge_handler(handler: MergeHandler) -> None:
    if handler not in _merge_handlers:
        _merge_handlers.append(handler)


def merge_handlers() -> list[MergeHandler]:
    return list(_merge_handlers)


SectionProvider = Callable[["HttpRequest", "Participant"], "DashboardPanel | None"]

_section_providers: list[tuple[int, SectionProvider]] = []
# provider -> the permission a member needs to see the section (absent: every reader).
_section_permissions: dict[SectionProvider, str] = {}


def register_participant_section(
    provider: SectionProvider, *, order: int = 100, permission: str | None = None
) -> None:
    if all(existing is not provider for _, existing in _section_providers):
        _section_providers.append((order, provider))
        _section_providers.sort(key=lambda item: item[0])
    if permission:
        _section_permissions[provider] = permission


def participant_sections(request: HttpRequest, participant: Participant) -> list[DashboardPanel]:
    """The sections the member may see (by the permission each registered with)."""
    permissions = request.membership.permissions  # type: ignore[attr-defined]
    sections = (
        provider(request, participant)
        for _, provider in _section_providers
        if _section_permissions.get(provider, "people.view") in permissions
    )
    return [section for section in sections if section is not None]


def provider_count() -> int:
    """How many apps add to the participant's page (each costs a fixed few queries)."""
    from .timeline import timeline_providers

    return len(_section_providers) + len(timeline_providers())


AnonymiseHandler = Callable[[list[int]], None]

_anonymise_handlers: list[AnonymiseHandler] = []


def register_anonymise_handler(handler: AnonymiseHandler) -> None:
    if handler not in _anonymise_handlers:
        _anonymise_handlers.append(handler)


def anonymise_handlers() -> list[AnonymiseHandler]:
    return list(_anonymise_handlers)


# Reach sources: how an app says which participants it served. A source returns a
# queryset of participant ids (values_list("participant_id", flat=True)) for one hub
# and a half-open time window [start, end). Funding unions them into one query to
# count "users reached" (see funding.reach).
ReachSource = Callable[[int, "datetime", "datetime"], "QuerySet[Any]"]

_reach_sources: list[ReachSource] = []


def register_reach_source(source: ReachSource) -> None:
    if source not in _reach_sources:
        _reach_sources.append(source)


def reach_sources() -> list[ReachSource]:
    return list(_reach_sources)


# Report figures: what an app can tell a funder about one hub in a period, for the
# pre-filled grant report (funding.queries.reports.live_figures). A provider gets the hub
# id and the half-open window [start, end) and returns a few figures, each at a bounded
# number of queries whatever the amount of data. Aggregates only: never personal data.
@dataclass(frozen=True)
class ReportFigure:
    key: str  # stable, e.g. "helpdesk.questions"
    label: str | Promise  # shown to people
    value: int | float
    # Rows of a table under the figure, e.g. help questions by topic.
    breakdown: Sequence[tuple[str, int | float]] = field(default_factory=list)
    unit: str = ""


ReportFigureProvider = Callable[[int, "datetime", "datetime"], list[ReportFigure]]

_report_figure_providers: list[ReportFigureProvider] = []


def register_report_figures(provider: ReportFigureProvider) -> None:
    if provider not in _report_figure_providers:
        _report_figure_providers.append(provider)


def report_figure_providers() -> list[ReportFigureProvider]:
    return list(_report_figure_providers)
