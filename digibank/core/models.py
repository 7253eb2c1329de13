"""Building blocks every domain app uses. `core` knows no domain: the journal refers to
hubs and subjects by id and label only."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a journal entry."""


class JournalQuerySet(models.QuerySet["JournalEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The journal is append-only.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("The journal is append-only.")


class JournalEntry(models.Model):
    """One line of the append-only audit journal, written by services inside their own
    transaction. It names what happened, never the personal data itself: the subject is
    referred to by type and id, so anonymising a person leaves the journal intact.
    Database triggers (see migrations) refuse UPDATE and DELETE beneath this model."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    hub_id = models.BigIntegerField(_("hub number"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64)
    subject_type = models.CharField(_("kind of record"), max_length=64, blank=True)
    subject_id = models.CharField(_("record number"), max_length=64, blank=True)
    # The person the line is about (a participant's id, no text), when the subject is
    # the person or one of their records: their journal page lists these lines.
    participant_id = models.BigIntegerField(_("person number"), null=True, blank=True)
    # Facts about the change that are not personal data (field names, ids, statuses).
    details = models.JSONField(default=dict, blank=True)

    objects = JournalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"], name="journal_subject"
            ),
            models.Index(fields=["hub_id", "-created_at"], name="journal_hub"),
            models.Index(fields=["participant_id", "-created_at"], name="journal_participant"),
        ]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}:{self.subject_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The journal is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("The journal is append-only.")


class SentMessage(models.Model):
    """A message that went out, by the key of its occasion: makes reminders idempotent
    (see core.messaging.send_once). Holds no content and no address."""

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=8)
    sent_at = models.DateTimeField(default=timezone.now)
    # Not sent: a message other than a service message, to a person who did not agree
    # to be contacted (see core.messaging). A later send with consent replaces the row.
    skipped = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")

    def __str__(self) -> str:
        return self.key


class HeldMessage(models.Model):
    """A message to a participant held back until the hub's message hours open (no
    SMS or e-mail at night; see core.messaging.send_once). Short-lived: the hourly task
    sends it at the next opening and deletes the row."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=8)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    participant_id = models.BigIntegerField(null=True, blank=True)
    hub_id = models.BigIntegerField(null=True, blank=True)
    send_after = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["send_after"], name="held_message_due")]
        verbose_name = _("held message")
        verbose_name_plural = _("held messages")

    def __str__(self) -> str:
        return self.key
