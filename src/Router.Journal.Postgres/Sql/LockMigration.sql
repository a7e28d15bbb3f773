-- Nodes starting together take turns creating the schema: concurrent CREATE TABLE IF NOT EXISTS of one
-- table can still fail on the catalog's unique index. Held until the migration transaction ends.
SELECT pg_advisory_xact_lock(hashtextextended(@lock, 0))
