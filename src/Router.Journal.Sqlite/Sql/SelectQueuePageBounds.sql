-- How far one page of a queue reaches: how many of the queue's next @limit events there are, and the last
-- one's position, read from the queue index alone (it covers position: no table lookup). When the queue is
-- dense in that stretch of the tenant's journal, EventPageStatement reads the page as one primary-key range
-- (SelectQueueEventsInRange.sql) instead of one table lookup per row (SelectQueueEvents.sql).
SELECT count(*), max(position)
FROM (
    SELECT position
    FROM events INDEXED BY events_tenant_queue_position
    WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND queue = @queue AND position > @after
    ORDER BY position
    LIMIT @limit
)
