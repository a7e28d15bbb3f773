INSERT INTO events (tenant, position, event_id, type, queue, time, data, audience, origin_client_id)
VALUES (@tenant, @position, @event_id, @type, @queue, @time, @data, @audience, @origin_client_id)
