-- The change feed's subscription. {channel} is the schema's channel (<schema>_events), built from the
-- validated schema name, so it needs no quoting. Notifications are sent by Notify.sql.
LISTEN {channel}
