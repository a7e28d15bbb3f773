-- Column order is the one EventRow.Read expects, as in every SELECT of events.
SELECT position, event_id, type, queue, time, data, audience, origin_client_id
FROM events
WHERE tenant_id = @tenant_id AND event_id = @event_id
