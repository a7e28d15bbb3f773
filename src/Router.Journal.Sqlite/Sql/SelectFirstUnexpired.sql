-- Retention by age: the first of a tenant's events below @head that is not older than @cutoff (UTC ticks).
-- Events are stamped by the router as they are appended, so their times rise with their positions and the
-- expired ones are a prefix: this walks the primary key from the tenant's earliest event and stops at the
-- first one it keeps, so a sweep that deletes nothing reads one row, not every retained event.
SELECT position FROM events
WHERE tenant_id = (SELECT id FROM tenants WHERE name = @tenant) AND position < @head AND time >= @cutoff
ORDER BY position
LIMIT 1
