"""Transport: every Redis key and job name, queueing, the sweeper, events, sync scoring, and the
workers' reports of the model they hold. Redis carries work; the database keeps the record."""
