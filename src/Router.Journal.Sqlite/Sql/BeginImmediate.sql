-- IMMEDIATE takes the write lock at once, so the head and duplicate lookups that follow see the state
-- the group's inserts will commit on top of.
BEGIN IMMEDIATE
