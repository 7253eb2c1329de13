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
returns a network.registry.DashboardPanel (template and context) or None when the
member's role may not see it. Each provider should cost a fixed number of queries.

The timeline registry lives in `people.timeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

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


def register_participant_section(provider: SectionProvider, *, order: int = 100) -> None:
    if all(existing is not provider for _, existing in _section_providers):
        _section_providers.append((order, provider))
        _section_providers.sort(key=lambda item: item[0])


def participant_sections(request: HttpRequest, participant: Participant) -> list[DashboardPanel]:
    sections = (provider(request, participant) for _, provider in _section_providers)
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
