-- Every tenant with retained events, for the retention sweep. A loose index scan: one seek of the primary
-- key per tenant (the next name above the last), not a scan of every row. SELECT DISTINCT read the whole
-- table, seconds on a journal of millions of events, holding a snapshot that kept the WAL from starting over.
WITH RECURSIVE tenants(name) AS (
    SELECT (SELECT min(tenant) FROM events)
    UNION ALL
    SELECT (SELECT min(tenant) FROM events WHERE tenant > tenants.name) FROM tenants WHERE tenants.name IS NOT NULL
)
SELECT name FROM tenants WHERE name IS NOT NULL
