-- One page of one queue read as a range of the tenant's primary key, (@after, @last], skipping other queues'
-- rows. Run in the same read transaction as SelectQueuePageBounds.sql, which found @last: that snapshot holds
-- exactly its count of the queue's rows in the range (no holes, see SelectEvents.sql). The unary + keeps the
-- planner off the queue index, whose per-row table lookups are what this statement avoids.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events
WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND position > @after AND position <= @last AND +queue = @queue
ORDER BY position
