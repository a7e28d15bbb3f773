-- One savepoint per append request inside a group commit: a request that fails is undone alone.
-- Taken after LockHeads.sql: rolling back to a savepoint releases row locks taken after it.
SAVEPOINT append_request
