-- Migration from the first layout (user_version 0: events keyed by the tenant's name) to tenant numbers
-- (user_version 1), step one: the old table is renamed and its indexes dropped, so the current layout's
-- CREATE statements can make the new ones under the same names. CopyFromTenantNameLayout.sql follows. All of
-- it runs inside the opening transaction: a migration stopped half-way leaves the file as it was.
DROP INDEX IF EXISTS events_tenant_event_id;
DROP INDEX IF EXISTS events_tenant_queue_position;
ALTER TABLE events RENAME TO events_by_tenant_name
