-- What the app role may do, run by digibank_owner after every `manage.py migrate`
-- (it is idempotent):
--
--   DATABASE_URL=postgres://digibank_owner@db/digibank manage.py migrate
--   psql "postgres://digibank_owner@db/digibank" -v ON_ERROR_STOP=1 -f docs/postgresql/grants.sql
--
-- Rows: read and write every table (no TRUNCATE, no schema changes, no triggers).
-- The journal: read and add lines only. Together with the triggers of
-- core/migrations/0002_journal_append_only.py, a compromised app can neither rewrite
-- nor remove the audit trail, nor drop the triggers that guard it (only the owner can).

GRANT USAGE ON SCHEMA public TO digibank_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO digibank_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO digibank_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM digibank_app;
REVOKE UPDATE, DELETE ON core_journalentry FROM digibank_app;
