-- Retention: delete one chunk of a tenant's events at or below @upto, oldest first. The caller computes
-- @upto from both limits (SelectFirstUnexpired.sql for age, @head - max-events for count) and keeps it below
-- the head, so the head, and with it the next position, survives any pruning: positions are never reused.
-- Chunks keep each write transaction short, so appends waiting behind it are delayed by milliseconds.
DELETE FROM events
WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant)
  AND position IN (
    SELECT position FROM events
    WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant)
      AND position <= @upto
    ORDER BY position
    LIMIT @chunk)
