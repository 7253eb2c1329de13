"""Database triggers that refuse UPDATE and DELETE on the journal, beneath the model's
own refusal, so not even raw SQL can rewrite history."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON core_journalentry
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
    """CREATE TRIGGER journal_no_delete BEFORE DELETE ON core_journalentry
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
]
POSTGRESQL = [
    """CREATE FUNCTION journal_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the journal is append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER journal_no_change BEFORE UPDATE OR DELETE ON core_journalentry
       FOR EACH ROW EXECUTE FUNCTION journal_refuse_change()""",
    """CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON core_journalentry
       FOR EACH STATEMENT EXECUTE FUNCTION journal_refuse_change()""",
]
REVERSE = {
    "sqlite": ["DROP TRIGGER journal_no_update", "DROP TRIGGER journal_no_delete"],
    "postgresql": [
        "DROP TRIGGER journal_no_truncate ON core_journalentry",
        "DROP TRIGGER journal_no_change ON core_journalentry",
        "DROP FUNCTION journal_refuse_change()",
    ],
}


def create_triggers(apps, schema_editor):
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(
        schema_editor.connection.vendor, []
    ):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    for statement in REVERSE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
