-- After a connection broke with COMMIT in flight: is one event of that transaction stored, at its position?
SELECT position FROM events WHERE tenant = @tenant AND event_id = @event_id
