-- Readers never block the writer and the writer never blocks readers; a commit is one append to the
-- WAL file. The mode is stored in the database file, so it holds for every later connection. Returns
-- the mode now in force, which the journal checks ('wal').
PRAGMA journal_mode = WAL
