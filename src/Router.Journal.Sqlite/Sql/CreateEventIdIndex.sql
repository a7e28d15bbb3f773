-- Idempotency (SPEC section 3): an event id is unique per tenant. The writer looks an id up before it
-- inserts (SelectEventById.sql); this index serves that lookup and makes the rule hold regardless.
CREATE UNIQUE INDEX IF NOT EXISTS events_tenant_event_id ON events (tenant_id, event_id)
