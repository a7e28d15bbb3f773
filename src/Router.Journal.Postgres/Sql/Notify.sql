-- Wake-ups for other nodes (PostgresJournalChangeFeed). Queued inside the transaction, delivered by
-- PostgreSQL only when it commits, and never for a rollback; one per tenant per group commit, however
-- many events. The payload is just the tenant: a listener re-reads by position, so nothing in a
-- notification can be lost or reordered. Cost: PostgreSQL serializes the commits of notifying
-- transactions database-wide; group commit keeps those few (one per group, not one per append).
SELECT pg_notify(@channel, t) FROM unnest(@tenants::text[]) AS t
