-- 1 when the file holds the first layout (events keyed by the tenant's name), which needs migrating.
SELECT count(*) FROM pragma_table_info('events') WHERE name = 'tenant'
