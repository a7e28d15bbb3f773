-- The journal: one row per event, clustered by (tenant_id, position) so a tenant's page is one range scan.
-- tenant_id is the tenant's number in tenants (CreateTenantsTable.sql).
-- The primary key is what finally guarantees that a position is never used twice for a tenant: the
-- writer's head cache could only be wrong if something else wrote to the file, and then the insert fails
-- instead of reusing a position. STRICT keeps every column its declared type (data stays a BLOB).
-- time holds UTC ticks (100 ns units since 0001-01-01), so a DateTimeOffset's instant round-trips exactly.
-- event_id is at most 128 characters (SPEC section 3); the router validates it first, the CHECK is the last word.
CREATE TABLE IF NOT EXISTS events (
    tenant_id        INTEGER NOT NULL,
    position         INTEGER NOT NULL CHECK (position >= 1),
    event_id         TEXT    NOT NULL CHECK (length(event_id) BETWEEN 1 AND 128),
    type             TEXT    NOT NULL,
    queue            TEXT    NULL,
    time             INTEGER NOT NULL,
    data             BLOB    NOT NULL,
    audience         BLOB    NULL,
    origin_client_id TEXT    NULL,
    PRIMARY KEY (tenant_id, position)
) STRICT, WITHOUT ROWID
