-- Every tenant with retained events, for the retention sweep: one seek of the primary key per tenant, not a
-- scan of every row (SELECT DISTINCT over events read the whole table, seconds on a journal of millions of
-- events, holding a snapshot that kept the WAL from starting over). A tenant whose events were all pruned
-- keeps its number but is not listed.
SELECT name FROM tenants
WHERE EXISTS (SELECT 1 FROM events WHERE events.tenant_id = tenants.id)
ORDER BY name
