-- One row per tenant holding its highest committed position. The row is the per-tenant lock that every
-- appender, on every node, takes before it assigns positions (LockHeads.sql).
CREATE TABLE IF NOT EXISTS tenant_heads (
    tenant text   PRIMARY KEY,
    head   bigint NOT NULL CHECK (head >= 0)
)
