-- Retention: delete one chunk of a tenant's expired events, oldest first. An event expires when it is
-- older than @cutoff or when @keep newer events exist. Positions come from tenant_heads, so pruning can
-- never make one reused; the newest event (@head) is kept anyway so a tenant's head and earliest stay
-- readable from events alone. Chunks keep each transaction short next to concurrent appends and reads.
DELETE FROM events
WHERE tenant = @tenant
  AND position IN (
    SELECT position FROM events
    WHERE tenant = @tenant
      AND position < @head
      AND (time < @cutoff OR position <= @head - @keep)
    ORDER BY position
    LIMIT @chunk)
