-- The outbox records which running instance holds each lease, so that a process starting
-- after a crash takes back at once the rows its dead predecessor held instead of waiting
-- for their leases to run out; and when HR last put a failed row back in the queue, from
-- which its age is counted again.
ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN retried_at TEXT;

-- HR's view lists the failed rows, newest first.
CREATE INDEX outbox_state_updated ON outbox (state, updated_at);
