-- 0 (Position.Start) when the tenant has no events; otherwise one seek to the end of the tenant's key range.
SELECT coalesce(max(position), 0) FROM events WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant)
