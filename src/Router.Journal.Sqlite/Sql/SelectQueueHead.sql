SELECT coalesce(max(position), 0) FROM events WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND queue = @queue
