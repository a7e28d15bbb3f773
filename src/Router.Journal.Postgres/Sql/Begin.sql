-- READ COMMITTED (the default): every statement sees what committed before it started, so once the
-- writer holds a tenant's head row (LockHeads.sql) its duplicate lookups see every earlier append.
BEGIN
