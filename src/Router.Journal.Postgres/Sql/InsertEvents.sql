-- New events, as parallel arrays: one round trip for a whole group commit, whatever its size and tenants.
INSERT INTO events (tenant, position, event_id, type, queue, time, data, audience, origin_client_id)
SELECT v.tenant, v.position, v.event_id, v.type, v.queue, v.time, v.data, v.audience, v.origin_client_id
FROM unnest(
    @tenants::text[], @positions::bigint[], @event_ids::text[], @types::text[], @queues::text[],
    @times::timestamptz[], @data::bytea[], @audiences::bytea[], @origin_client_ids::text[])
  AS v (tenant, position, event_id, type, queue, time, data, audience, origin_client_id)
