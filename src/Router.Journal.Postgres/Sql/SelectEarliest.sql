SELECT coalesce(min(position), 0) FROM events WHERE tenant = @tenant
