"""SQLite's `INSERT OR REPLACE` with an existing id deletes the old line and writes a new
one without firing the DELETE trigger (recursive triggers are off), so history could be
rewritten after all. This trigger refuses an insert whose id is already taken.
PostgreSQL has no such statement (`ON CONFLICT DO UPDATE` fires the UPDATE trigger)."""

from django.db import migrations

SQLITE_CREATE = """CREATE TRIGGER journal_no_replace BEFORE INSERT ON core_journalentry
   WHEN EXISTS (SELECT 1 FROM core_journalentry WHERE id = NEW.id)
   BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"""
SQLITE_DROP = "DROP TRIGGER journal_no_replace"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_journal_participant")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
