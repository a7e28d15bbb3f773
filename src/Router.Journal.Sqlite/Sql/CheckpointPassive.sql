-- Copies committed WAL frames no reader still needs into the database file. Never waits for readers or the
-- writer and never blocks them; returns (busy, frames in the WAL, frames copied).
PRAGMA wal_checkpoint(PASSIVE)
