-- Migration step two (after SetAsideTenantNameLayout.sql and the new tables' CREATE statements, before the
-- indexes': they are built once over the copied rows). Tenants are numbered in name order, so the old key
-- order (name, position) is the new one (number, position): SQLite reads the old table in its key order, with
-- no sort, and fills the new one from left to right.
INSERT INTO tenants (name)
SELECT DISTINCT tenant FROM events_by_tenant_name ORDER BY tenant;
INSERT INTO events (tenant_id, position, event_id, type, queue, time, data, audience, origin_client_id)
SELECT tenants.id, old.position, old.event_id, old.type, old.queue, old.time, old.data, old.audience, old.origin_client_id
FROM events_by_tenant_name AS old JOIN tenants ON tenants.name = old.tenant
ORDER BY old.tenant, old.position;
DROP TABLE events_by_tenant_name
