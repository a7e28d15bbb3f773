-- Tenants by number: every row of events and of its two indexes starts with the tenant, and an integer of a
-- byte or two instead of a name of up to 64 characters makes the rows shorter and each B-tree comparison a
-- number's (batches of 100 from 64 publishers: ~228k -> ~290k events/s; bench/RESULTS.md, session 16).
-- Numbers are given once, when a tenant first appends, and never change or go to another name. The UNIQUE
-- index turns a name into its number in one seek.
CREATE TABLE IF NOT EXISTS tenants (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
) STRICT
