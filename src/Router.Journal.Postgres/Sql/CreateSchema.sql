-- {schema} is the configured schema, validated as a lowercase identifier and quoted by the journal.
CREATE SCHEMA IF NOT EXISTS {schema}
