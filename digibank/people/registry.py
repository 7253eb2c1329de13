"""Places where higher apps hook into people without people importing them.

Merge handlers: when two records of the same person are merged, every app moves its own
rows (loans, enrolments, help questions) from the merged record to the surviving one.
A handler runs inside the merge transaction, so a failing handler undoes the merge::

    def move_loans(source, target, actor):
        Loan.objects.filter(participant=source).update(participant=target)

    register_merge_handler(move_loans)

Anonymise fields: every model that refers to a person (directly, or through a model
that does, such as a loan's signature) declares its text fields: those anonymisation
erases, and those it keeps with the reason they say nothing about the person. People
erases the declared fields itself, in the anonymising transaction::

    register_anonymise_fields(
        Loan, erase=["goals_plan", "damage_note"], keep={"conditions": "the policy's text"}
    )
    register_anonymise_fields(LoanSignature, via="loan__participant", erase=["signer_name"])

A field with choices is a code from a fixed list and needs no declaration. A test
(tests/test_erasure.py) finds every such model and fails on any text field declared
nowhere. For work beyond blanking fields (files in storage), an app may also
register_anonymise_handler(handler(participant_ids)).

Anonymise blockers: why a person may not be anonymised yet (a device still on loan).
A blocker gets participant ids and returns {id: reason} for those it holds back; the
page shows the reason, and retention leaves them for a later run.

Contact sources: any service given to a person (a loan, a return, an enrolment,
attendance, an appointment, a help) counts as contact for retention. Each app declares
where that shows, as a model and a date field::

    register_contact_source(Loan, when="updated_at")

Retention only asks them about the people whose own `last_seen_at` is already past the
limit (a batch at a time, one indexed query per source), moves `last_seen_at` to the
newest contact found and leaves those people be. So 3 million participants cost
nothing extra each day: only the few hundred crossing the limit are looked up.

Participant sections: a higher app shows a small section on the participant's page
(current loans, skills progress) by registering provider(request, participant), which
returns a network.registry.DashboardPanel (template and context) or None when there is
nothing to show; it registers with the permission a member needs to see it (the one of
the pages it links to). Each provider should cost a fixed number of queries.

The timeline registry lives in `people.timeline`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import Model, QuerySet
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


@dataclass(frozen=True)
class AnonymiseFields:
    """What anonymising does to one model's text fields. `via` is the lookup from the
    model to the participant ("participant", "loan__participant", or "pk" for the
    participant itself); `keep` maps each kept text field to why it is not personal."""

    model: type[Model]
    via: str
    erase: tuple[str, ...]
    keep: Mapping[str, str]


_anonymise_fields: dict[type[Model], AnonymiseFields] = {}


def register_anonymise_fields(
    model: type[Model],
    *,
    erase: Iterable[str] = (),
    keep: Mapping[str, str] | None = None,
    via: str = "participant",
) -> None:
    _anonymise_fields[model] = AnonymiseFields(
        model=model, via=via, erase=tuple(erase), keep=dict(keep or {})
    )


def anonymise_fields() -> list[AnonymiseFields]:
    return list(_anonymise_fields.values())


# blocker(participant_ids) -> {participant id: why they may not be anonymised now}
AnonymiseBlocker = Callable[[list[int]], dict[int, str]]

_anonymise_blockers: list[AnonymiseBlocker] = []


def register_anonymise_blocker(blocker: AnonymiseBlocker) -> None:
    if blocker not in _anonymise_blockers:
        _anonymise_blockers.append(blocker)


def anonymise_blocked(participant_ids: list[int]) -> dict[int, list[str]]:
    """The people among `participant_ids` who may not be anonymised now, with every
    reason. One query per blocker."""
    blocked: dict[int, list[str]] = {}
    for blocker in _anonymise_blockers:
        for pk, reason in blocker(participant_ids).items():
            blocked.setdefault(pk, []).append(reason)
    return blocked


@dataclass(frozen=True)
class ContactSource:
    model: type[Model]
    when: str  # a date-time field: when the service was given or last changed
    via: str  # lookup from the model to the participant


_contact_sources: dict[tuple[type[Model], str], ContactSource] = {}


def register_contact_source(model: type[Model], *, when: str, via: str = "participant") -> None:
    _contact_sources[(model, when)] = ContactSource(model=model, when=when, via=via)


def contact_sources() -> list[ContactSource]:
    return list(_contact_sources.values())


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


# Anonymous services: how many times an app served someone who stayed anonymous, at a
# hub in [start, end). Shown next to the users reached, never counted in it.
AnonymousCount = Callable[[int, "datetime", "datetime"], int]

_anonymous_counts: list[AnonymousCount] = []


def register_anonymous_count(source: AnonymousCount) -> None:
    if source not in _anonymous_counts:
        _anonymous_counts.append(source)


def anonymous_counts() -> list[AnonymousCount]:
    return list(_anonymous_counts)


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
