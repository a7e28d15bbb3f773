-- One page of one queue of a tenant, in tenant position order. Same snapshot argument as SelectEvents.sql:
-- no holes. INDEXED BY because without ANALYZE statistics SQLite prefers walking the tenant's whole key
-- range from @after and filtering on queue, which reads every event of a busy tenant to find a quiet
-- queue's few; the queue index finds exactly the page, whatever the mix.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events INDEXED BY events_tenant_queue_position
WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND queue = @queue AND position > @after
ORDER BY position
LIMIT @limit
