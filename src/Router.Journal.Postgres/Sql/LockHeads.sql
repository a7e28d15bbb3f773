-- Positions across nodes (SPEC section 2, issue 7). The first statement of every group commit: it locks
-- the head row of each tenant in the group and returns the tenant's committed head, which the writer
-- continues from (creating the row, from the events table, the first time a tenant appends).
--
-- INVARIANT: no reader ever sees position N of a tenant before every position below N is visible.
-- Every appender of a tenant, on any node, holds this row lock from here until its COMMIT or ROLLBACK.
-- A second appender blocks on the row until the first one has ended, and then (READ COMMITTED) reads the
-- head the first one committed. So one tenant's positions are assigned in the order its transactions
-- commit, each transaction's positions directly above everything committed before it: gapless, no
-- position reused, and since PostgreSQL releases the row lock only after the commit is visible, any
-- snapshot that sees position N also sees every position below it. There is no sequence here on
-- purpose: a sequence hands out numbers before commit, so N+1 can commit (and be read) before N.
--
-- Rows are locked in one fixed order (tenant, byte order) on every node, so two group commits that
-- share tenants cannot deadlock.
INSERT INTO tenant_heads AS h (tenant, head)
SELECT t.tenant, (SELECT coalesce(max(e.position), 0) FROM events AS e WHERE e.tenant = t.tenant)
FROM unnest(@tenants::text[]) AS t (tenant)
ORDER BY t.tenant COLLATE "C"
ON CONFLICT (tenant) DO UPDATE SET head = h.head
RETURNING h.tenant, h.head
