-- Checked before CreateSchema.sql: CREATE SCHEMA IF NOT EXISTS still needs the CREATE privilege on the
-- database, which a journal user given a ready-made schema need not have.
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = @schema)
