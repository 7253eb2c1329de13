-- Two roles for one digibank database on PostgreSQL, created once by a superuser.
--
--   digibank_owner  owns the schema and every table: it runs `manage.py migrate`
--                   (and nothing else). Only the owner of a table can drop or disable
--                   its triggers, so only this role could undo the journal's
--                   append-only triggers.
--   digibank_app    what the web servers and task workers connect as: it reads and
--                   writes rows, never changes the schema, and may only add lines to
--                   the journal (grants.sql).
--
--   psql -v ON_ERROR_STOP=1 -f docs/postgresql/roles.sql
--
-- Choose the passwords (or use certificate/peer authentication) before running this.

CREATE ROLE digibank_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE digibank_app LOGIN PASSWORD 'change-me-app' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE digibank OWNER digibank_owner;
\connect digibank
ALTER SCHEMA public OWNER TO digibank_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO digibank_app;
-- Tables and sequences the owner creates later are usable by the app at once.
ALTER DEFAULT PRIVILEGES FOR ROLE digibank_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO digibank_app;
ALTER DEFAULT PRIVILEGES FOR ROLE digibank_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO digibank_app;
