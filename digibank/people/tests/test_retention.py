"""Retention: people not seen for settings.PARTICIPANT_RETENTION are anonymised by a
background task, in batches, journaled without an actor."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from digibank.core.journal import journal_for_subject
from digibank.people import services, tasks
from digibank.people.models import Participant


def age(participant, days_over: int) -> None:
    Participant.objects.filter(pk=participant.pk).update(
        last_seen_at=timezone.now() - settings.PARTICIPANT_RETENTION - timedelta(days=days_over)
    )


def test_old_records_are_anonymised_recent_ones_kept(make_participant, staff, coordinator):
    old = make_participant(given_name="Oud", family_name="Peeters", consent_given=True)
    recent = make_participant(given_name="Nieuw", family_name="Peeters")
    survivor = make_participant(given_name="Els")
    merged = make_participant(given_name="Els")
    services.participant_merge(actor=coordinator, source=merged, target=survivor)
    for participant in (old, merged):
        age(participant, 1)
    age(recent, -1)  # one day before the limit

    assert tasks.anonymise_inactive_participants.call() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.given_name == ""
    assert all(c.withdrawn_at for c in old.consents.all())
    assert recent.anonymised_at is None
    assert recent.given_name == "Nieuw"
    entry = journal_for_subject(old).get(action="participant.anonymise")
    assert entry.actor is None
    assert entry.details == {"reason": "retention"}
    # Nothing left to do the second time.
    assert tasks.anonymise_inactive_participants.call() == 0


def test_batches(make_participant, monkeypatch):
    people = [make_participant(given_name=f"P{i}") for i in range(7)]
    for participant in people:
        age(participant, 10)
    monkeypatch.setattr(tasks, "RETENTION_BATCH_SIZE", 3)
    assert tasks.anonymise_inactive_participants.call() == 7
    assert not Participant.objects.filter(anonymised_at__isnull=True).exists()


def test_the_task_can_be_enqueued(db):
    result = tasks.anonymise_inactive_participants.enqueue()
    assert result.return_value == 0
