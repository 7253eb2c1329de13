"""Writing and reading the audit journal. Services call `journal_write` inside their own
transaction, so a change and its journal line are saved together or not at all."""

from __future__ import annotations

from collections.abc import Mapping
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


def journal_write(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    hub_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> JournalEntry:
    return JournalEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        hub_id=hub_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        details=details or {},
    )


def journal_for_subject(subject: models.Model) -> models.QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).select_related("actor")


def journal_for_hub(hub_id: int) -> models.QuerySet[JournalEntry]:
    return JournalEntry.objects.filter(hub_id=hub_id).select_related("actor")
