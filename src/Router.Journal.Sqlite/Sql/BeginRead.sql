-- A read transaction of several statements on one snapshot (a queue page's bounds, then its rows). DEFERRED:
-- the snapshot is taken by the first read, and a read-only connection never asks for the write lock.
BEGIN DEFERRED
