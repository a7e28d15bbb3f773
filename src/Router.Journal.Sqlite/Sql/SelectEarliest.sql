SELECT coalesce(min(position), 0) FROM events WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant)
