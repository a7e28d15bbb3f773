-- The last statement before COMMIT: each tenant's head row gets the highest position the group assigned it.
UPDATE tenant_heads AS h
SET head = v.head
FROM unnest(@tenants::text[], @heads::bigint[]) AS v (tenant, head)
WHERE h.tenant = v.tenant
