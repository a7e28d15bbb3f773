-- Wake-ups for other nodes (PostgresJournalChangeFeed). Queued inside the transaction, delivered by
-- PostgreSQL only when it commits, and never for a rollback. The payload is just the tenant: a listener
-- re-reads by position, so nothing in a notification can be lost or reordered.
SELECT pg_notify(@channel, t) FROM unnest(@tenants::text[]) AS t
