-- The journal: one row per event, keyed by (tenant, position) so a tenant's page is one index range scan.
-- The primary key is the last word on "a position is never used twice"; LockHeads.sql is what assigns them.
-- data and audience are bytea: the producer's UTF-8 JSON byte for byte (jsonb would reorder keys and
-- drop duplicates, json would refuse non-JSON bytes). time is timestamptz: microseconds, the precision
-- the journal seam promises. event_id is at most 128 characters (SPEC section 3): the router validates
-- it first, the CHECK is the last word.
CREATE TABLE IF NOT EXISTS events (
    tenant           text        NOT NULL,
    position         bigint      NOT NULL CHECK (position >= 1),
    event_id         text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 128),
    type             text        NOT NULL,
    queue            text        NULL,
    time             timestamptz NOT NULL,
    data             bytea       NOT NULL,
    audience         bytea       NULL,
    origin_client_id text        NULL,
    PRIMARY KEY (tenant, position)
)
