-- A tenant's number, given on its first append inside the group's transaction: a request or group rolled back
-- takes the number back with its events (the writer caches a tenant only after its request committed). The
-- next free integer; a committed number is never reused, since tenants rows are never deleted.
INSERT INTO tenants (name) VALUES (@tenant)
RETURNING id
