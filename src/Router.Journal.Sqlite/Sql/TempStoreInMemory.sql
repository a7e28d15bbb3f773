-- The writer's savepoint (statement) journals and any temporary b-tree stay in memory. Per connection.
-- Without it SQLite spills a savepoint journal past 64 KiB to a temp file, created and unlinked per transaction.
PRAGMA temp_store = MEMORY
