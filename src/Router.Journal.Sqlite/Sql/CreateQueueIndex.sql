-- Queue pages (SelectQueueEvents.sql) and queue heads (SelectQueueHead.sql) walk this index in position
-- order. Tenant-level events (queue IS NULL) are never looked up by queue, so they are left out of it.
CREATE INDEX IF NOT EXISTS events_tenant_queue_position ON events (tenant_id, queue, position) WHERE queue IS NOT NULL
