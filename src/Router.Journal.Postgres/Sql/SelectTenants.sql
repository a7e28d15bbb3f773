-- Every tenant with retained events, for the retention sweep.
SELECT DISTINCT tenant FROM events
