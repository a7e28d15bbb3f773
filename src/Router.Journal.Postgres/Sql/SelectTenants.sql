-- Every tenant with retained events, for the retention sweep. tenant_heads has one row per tenant that ever
-- appended (LockHeads.sql), and pruning always keeps a tenant's newest event, so a head above 0 means events.
-- SELECT DISTINCT tenant FROM events read every row of the journal, every minute.
SELECT tenant FROM tenant_heads WHERE head > 0
