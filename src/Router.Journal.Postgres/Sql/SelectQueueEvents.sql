-- One page of one queue of a tenant, in tenant position order. Same snapshot argument as SelectEvents.sql.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events
WHERE tenant = @tenant AND queue = @queue AND position > @after
ORDER BY position
LIMIT @limit
