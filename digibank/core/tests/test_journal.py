from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.utils import DatabaseError

from digibank.core.journal import journal_for_subject, journal_write
from digibank.core.models import AppendOnlyError, JournalEntry


@pytest.fixture
def entry(db, coordinator, hub):
    return journal_write(actor=coordinator, action="hub.test", subject=hub, hub_id=hub.id)


def test_journal_write_names_actor_subject_and_hub(entry, coordinator, hub):
    assert entry.actor == coordinator
    assert (entry.subject_type, entry.subject_id, entry.hub_id) == (
        "network.hub",
        str(hub.id),
        hub.id,
    )
    assert list(journal_for_subject(hub)) == [entry]


def test_model_refuses_update_and_delete(entry):
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE core_journalentry SET action = 'rewritten'", "DELETE FROM core_journalentry"],
)
def test_database_refuses_raw_update_and_delete(entry, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert JournalEntry.objects.get(pk=entry.pk).action == "hub.test"


def test_anonymous_actor_is_stored_as_none(db):
    from django.contrib.auth.models import AnonymousUser

    assert journal_write(actor=AnonymousUser(), action="system.task").actor is None


INSERT_LINE = (
    "INTO core_journalentry (id, created_at, action, subject_type, subject_id, details)"
    " VALUES (%s, '2000-01-01', %s, '', '', '{}')"
)


def _replace_statement() -> str:
    """Rewrite an existing line in one statement: SQLite's INSERT OR REPLACE deletes the
    old row without firing the DELETE trigger; PostgreSQL's upsert updates it."""
    if connection.vendor == "sqlite":
        return "INSERT OR REPLACE " + INSERT_LINE
    return "INSERT " + INSERT_LINE + " ON CONFLICT (id) DO UPDATE SET action = EXCLUDED.action"


def test_database_refuses_replacing_a_line_with_the_same_id(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_replace_statement(), [entry.pk, "rewritten"])
    assert JournalEntry.objects.get(pk=entry.pk).action == "hub.test"


def test_database_still_takes_new_lines_after_the_replace_guard(entry):
    """The insert trigger only refuses taken ids: an explicit new id and a generated one
    are both written."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT " + INSERT_LINE, [entry.pk + 1000, "hub.raw"])
    assert JournalEntry.objects.filter(pk=entry.pk + 1000, action="hub.raw").exists()
    assert journal_write(actor=None, action="hub.after").pk


APP_ROLE_GRANTS = Path(settings.BASE_DIR) / "docs" / "postgresql" / "grants.sql"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE core_journalentry SET action = 'rewritten'",
        "DELETE FROM core_journalentry",
        "TRUNCATE core_journalentry",
        "DROP TRIGGER journal_no_change ON core_journalentry",
        "ALTER TABLE core_journalentry DISABLE TRIGGER ALL",
    ],
)
def test_the_app_role_of_the_docs_adds_lines_but_cannot_undo_them(entry, statement):
    """PostgreSQL run as docs/postgresql/grants.sql says: the app's role writes lines,
    and can neither rewrite nor remove them, nor drop the triggers that guard them.
    (The role is created inside the test's transaction and rolled back with it.)"""
    if connection.vendor != "postgresql":
        pytest.skip("roles and grants are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'digibank_app')"
            " THEN CREATE ROLE digibank_app NOLOGIN; END IF; END $$"
        )
        cursor.execute(APP_ROLE_GRANTS.read_text())
        cursor.execute("SET ROLE digibank_app")
        try:
            assert journal_write(actor=None, action="hub.as_app").pk
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
    assert JournalEntry.objects.get(pk=entry.pk).action == "hub.test"
