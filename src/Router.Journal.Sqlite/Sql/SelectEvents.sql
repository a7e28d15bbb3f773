-- One page of a tenant's journal. No hole can show up here: the single writer assigns positions inside
-- its transaction and a reader's snapshot holds whole commits only, so position N is never visible
-- before every position below it.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events
WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND position > @after
ORDER BY position
LIMIT @limit
