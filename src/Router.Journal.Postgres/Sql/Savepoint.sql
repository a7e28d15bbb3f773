-- Taken before inserting: around the whole group's insert, or in the fallback around each request's, so
-- that an event PostgreSQL refuses is undone without losing the transaction. Taken after LockHeads.sql,
-- because rolling back to a savepoint releases the row locks taken after it.
SAVEPOINT append_request
