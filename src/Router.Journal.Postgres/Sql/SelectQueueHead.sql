SELECT coalesce(max(position), 0) FROM events WHERE tenant = @tenant AND queue = @queue
