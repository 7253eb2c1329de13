"""Background work of the people app, run by Django's task framework."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from .services import participants_anonymise_inactive

RETENTION_BATCH_SIZE = 500


@task
def anonymise_inactive_participants() -> int:
    """Retention: anonymise everyone not seen for settings.PARTICIPANT_RETENTION, in
    batches, journaled without an actor. Returns how many records were anonymised.
    Schedule it daily (for example `anonymise_inactive_participants.enqueue()`)."""
    return participants_anonymise_inactive(
        actor=None,
        before=timezone.now() - settings.PARTICIPANT_RETENTION,
        batch_size=RETENTION_BATCH_SIZE,
    )
