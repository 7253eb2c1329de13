"""A participant's timeline, filled by every app that knows something about the person.

Lower apps never import higher ones: lending, learning or helpdesk register a provider in
their AppConfig.ready()::

    from digibank.people.timeline import TimelineItem, register_timeline_provider

    def loans_timeline(participant, limit):
        return [TimelineItem(when=loan.started_at, title=_("Laptop lent"), url=...)
                for loan in Loan.objects.filter(participant=participant)[:limit]]

    register_timeline_provider(loans_timeline, permission="lending.lend")

`permission` is what a member needs to see the provider's items (the permission of the
pages its items link to): a trainer sees no loans or help-desk visits on a person's page.
A provider returns at most `limit` items, newest first, with one query (or a fixed few),
so the participant page's query count does not grow with the history.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import Participant


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    title: str | Promise
    detail: str | Promise = ""
    url: str = ""


TimelineProvider = Callable[["Participant", int], list[TimelineItem]]

_providers: list[TimelineProvider] = []
# provider -> the permission a member needs to see its items (absent: every reader).
_permissions: dict[TimelineProvider, str] = {}


def register_timeline_provider(
    provider: TimelineProvider, *, permission: str | None = None
) -> None:
    if provider not in _providers:
        _providers.append(provider)
    if permission:
        _permissions[provider] = permission


def timeline_for(
    participant: Participant, *, limit: int = 20, permissions: Collection[str] | None = None
) -> list[TimelineItem]:
    """The `limit` newest items from every provider the member may see (all of them when
    `permissions` is None, for code that is not showing a page), newest first."""
    items: list[TimelineItem] = []
    for provider in _providers:
        needed = _permissions.get(provider)
        if permissions is not None and needed is not None and needed not in permissions:
            continue
        items.extend(provider(participant, limit))
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


def timeline_providers() -> list[TimelineProvider]:
    return list(_providers)
