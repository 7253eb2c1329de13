"""Places where higher apps hook into people without people importing them.

Merge handlers: when two records of the same person are merged, every app moves its own
rows (loans, enrolments, help questions) from the merged record to the surviving one.
A handler runs inside the merge transaction, so a failing handler undoes the merge::

    def move_loans(source, target, actor):
        Loan.objects.filter(participant=source).update(participant=target)

    register_merge_handler(move_loans)

The timeline registry lives in `people.timeline`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Participant

# handler(source, target, actor): move rows of `source` (being merged) to `target`.
MergeHandler = Callable[["Participant", "Participant", Any], None]

_merge_handlers: list[MergeHandler] = []


def register_merge_handler(handler: MergeHandler) -> None:
    if handler not in _merge_handlers:
        _merge_handlers.append(handler)


def merge_handlers() -> list[MergeHandler]:
    return list(_merge_handlers)
