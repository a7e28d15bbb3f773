-- Retention: delete one chunk of a tenant's events at or below @upto, oldest first. The caller computes
-- @upto from both limits (SelectFirstUnexpired.sql for age, @head - max-events for count) and keeps it below
-- the head, so the head survives any pruning and LockHeads.sql can always rebuild it from the events table.
-- The subquery is a range of the primary key; chunks keep each transaction short next to appends and reads.
DELETE FROM events
WHERE tenant = @tenant
  AND position IN (
    SELECT position FROM events
    WHERE tenant = @tenant
      AND position <= @upto
    ORDER BY position
    LIMIT @chunk)
