-- One page of a tenant's journal. No hole can show up here: one statement reads one snapshot, and
-- LockHeads.sql makes positions commit in order, so position N is never visible before those below it.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events
WHERE tenant = @tenant AND position > @after
ORDER BY position
LIMIT @limit
