"""Writing and reading the audit journal. Services call `journal_write` inside their own
transaction, so a change and its journal line are saved together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise

from .models import JournalEntry

# Human labels for journal actions, registered by each app (action code -> label).
ACTION_LABELS: dict[str, str | Promise] = {}


def register_actions(labels: Mapping[str, str | Promise]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str | Promise:
    return ACTION_LABELS.get(action, action)


# Which person a subject is or belongs to (people registers it: core knows no domain).
PersonOf = Callable[[models.Model], "int | None"]
_person_of: list[PersonOf] = []


def register_person_of(finder: PersonOf) -> None:
    if finder not in _person_of:
        _person_of.append(finder)


def person_of(subject: models.Model) -> int | None:
    """The id of the person `subject` is or belongs to, or None."""
    for finder in _person_of:
        if (found := finder(subject)) is not None:
            return found
    return None


def _person_id(subject: models.Model | None, participant: Any) -> int | None:
    if participant is not None:
        return int(participant if isinstance(participant, int) else participant.pk)
    return person_of(subject) if subject is not None else None


def journal_write(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    hub_id: int | None = None,
    details: dict[str, Any] | None = None,
    participant: Any = None,
) -> JournalEntry:
    """Write one line. The line is about a person when `participant` (a record or id) is
    given or the subject is the person or one of their records (see register_person_of):
    their journal page lists it."""
    return JournalEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        hub_id=hub_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        participant_id=_person_id(subject, participant),
        details=details or {},
    )


def journal_for_participant(participant_id: int) -> models.QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(participant_id=participant_id).select_related("actor")


def journal_for_subject(subject: models.Model) -> models.QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).select_related("actor")


def journal_for_hub(hub_id: int) -> models.QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(hub_id=hub_id).select_related("actor")
