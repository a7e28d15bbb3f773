-- Retention by age: the first of a tenant's events below @head that is not older than @cutoff. Events are
-- stamped by the router as they are appended, so the expired ones are a prefix: this walks the primary key
-- from the tenant's earliest event and stops at the first one it keeps, so a sweep that deletes nothing
-- reads one row, not every retained event.
SELECT position FROM events
WHERE tenant = @tenant AND position < @head AND time >= @cutoff
ORDER BY position
LIMIT 1
