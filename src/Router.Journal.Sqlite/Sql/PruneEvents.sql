-- Retention: delete one chunk of a tenant's expired events, oldest first. An event expires when it is
-- older than @cutoff (UTC ticks) or when @keep newer events exist. The newest event (@head) is never
-- deleted, so the head, and with it the next position, survives any pruning: positions are never reused.
-- Chunks keep each write transaction short, so appends waiting behind it are delayed by milliseconds.
DELETE FROM events
WHERE tenant = @tenant
  AND position IN (
    SELECT position FROM events
    WHERE tenant = @tenant
      AND position < @head
      AND (time < @cutoff OR position <= @head - @keep)
    ORDER BY position
    LIMIT @chunk)
