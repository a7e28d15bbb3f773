-- The new events of one request, as parallel arrays (one round trip however many events).
INSERT INTO events (tenant, position, event_id, type, queue, time, data, audience, origin_client_id)
SELECT @tenant, v.position, v.event_id, v.type, v.queue, v.time, v.data, v.audience, v.origin_client_id
FROM unnest(
    @positions::bigint[], @event_ids::text[], @types::text[], @queues::text[], @times::timestamptz[],
    @data::bytea[], @audiences::bytea[], @origin_client_ids::text[])
  AS v (position, event_id, type, queue, time, data, audience, origin_client_id)
