-- The events of the group whose ids are already stored, one query for the whole group (after LockHeads.sql,
-- so no other node can add one of these ids before this transaction ends). Column order is the one
-- EventRow.Read expects after the leading tenant.
SELECT e.tenant, e.position, e.event_id, e.type, e.queue, e.time, e.data, e.audience, e.origin_client_id
FROM events AS e
JOIN unnest(@tenants::text[], @event_ids::text[]) AS k (tenant, event_id)
  ON e.tenant = k.tenant AND e.event_id = k.event_id
