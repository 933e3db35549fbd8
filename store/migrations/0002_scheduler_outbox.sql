-- Scheduled job runs, the outbox of messages owed to Slack, and the DM channel cache.
-- Times are UTC text of one fixed width (2006-01-02T15:04:05.000000000Z), NULL when unset.

-- One row per job and slot: the scheduler claims a slot here before any side effect, so
-- no slot runs twice, whatever restarts, overlaps or DST repeats happen. A slot is the
-- scheduled instant (the first instant the programme's clocks show the slot's wall time).
CREATE TABLE job_runs (
    job         TEXT NOT NULL CHECK (job <> ''),
    slot        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('claimed', 'done', 'failed', 'skipped')),
    claimed_at  TEXT,
    finished_at TEXT,
    error       TEXT NOT NULL DEFAULT '', -- why it failed or was skipped
    owner       TEXT NOT NULL DEFAULT '', -- the scheduler instance that claimed it
    PRIMARY KEY (job, slot)
) STRICT, WITHOUT ROWID;

-- Every message produced by scheduled work or a use case, keyed for idempotency. A
-- sender claims due rows (state 'sending' under a lease), posts them and marks them
-- sent or failed; a 'sending' row whose lease ran out was left by a crash, and its fate
-- is unknown until the sender has looked for it in Slack.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    key              TEXT    NOT NULL UNIQUE CHECK (key <> ''),
    kind             TEXT    NOT NULL CHECK (kind <> ''),
    user_ids         TEXT    NOT NULL DEFAULT '[]'   -- JSON array of Slack user IDs
                     CHECK (json_valid(user_ids) AND json_type(user_ids) = 'array'),
    channel          TEXT    NOT NULL DEFAULT '',    -- a channel ID instead of user_ids
    data             TEXT    NOT NULL DEFAULT 'null' CHECK (json_valid(data)),
    not_before       TEXT,
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,     -- claims so far; the current claim's token
    next_attempt_at  TEXT    NOT NULL DEFAULT '',    -- due from then; '' sorts first: due at once
    lease_until      TEXT,                           -- while 'sending'
    uncertain        INTEGER NOT NULL DEFAULT 0 CHECK (uncertain IN (0, 1)), -- may have been posted
    claimed_at       TEXT,
    first_claimed_at TEXT,                           -- bounds the search for an earlier post
    last_error       TEXT    NOT NULL DEFAULT '',
    sent_channel     TEXT    NOT NULL DEFAULT '',
    sent_ts          TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    sent_at          TEXT,
    CHECK ((channel <> '') <> (user_ids <> '[]'))    -- exactly one kind of recipient
) STRICT;

-- The sender's claim reads pending rows by due time and 'sending' rows by lease.
CREATE INDEX outbox_state_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_state_lease ON outbox (state, lease_until);

-- DM and group DM channel IDs from conversations.open (Tier 3), so each set of people is
-- opened once. users_key is the sorted user IDs joined with ",".
CREATE TABLE dm_channels (
    users_key  TEXT NOT NULL PRIMARY KEY CHECK (users_key <> ''),
    channel_id TEXT NOT NULL CHECK (channel_id <> ''),
    updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
