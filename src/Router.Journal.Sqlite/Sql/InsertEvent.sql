INSERT INTO events (tenant_id, position, event_id, type, queue, time, data, audience, origin_client_id)
VALUES (@tenant_id, @position, @event_id, @type, @queue, @time, @data, @audience, @origin_client_id)
