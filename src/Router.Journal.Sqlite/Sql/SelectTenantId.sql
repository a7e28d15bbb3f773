-- The writer's lookup of a tenant's number; no row until the tenant's first append (InsertTenant.sql).
SELECT id FROM tenants WHERE name = @tenant
