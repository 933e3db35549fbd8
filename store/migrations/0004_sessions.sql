-- Session windows, check-in prompts and answers, pulse surveys and follow-up flags; outbox
-- rows can be withdrawn and can rewrite an earlier message in place.
-- Times are UTC text of one fixed width (2006-01-02T15:04:05.000000000Z), NULL when unset.

-- When a person went quiet (three check-in prompts in a row unanswered): no more prompts
-- until they answer, and HR follows up.
ALTER TABLE participants ADD COLUMN quiet_since TEXT;

-- Each active pair waits for the end of its window next_window, at next_due_at, when both
-- people are asked for a check-in. stalled_since is the first of the windows in a row
-- without a reported session once the pair has stalled; 0 while it meets.
ALTER TABLE pairs ADD COLUMN next_window   INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pairs ADD COLUMN next_due_at   TEXT;
ALTER TABLE pairs ADD COLUMN stalled_since INTEGER NOT NULL DEFAULT 0;

UPDATE pairs SET next_due_at = strftime('%Y-%m-%dT%H:%M:%S', created_at,
    CASE cadence WHEN 'weekly' THEN '+7 days' WHEN 'monthly' THEN '+28 days' ELSE '+14 days' END)
    || '.000000000Z';

-- The sweep finds pairs with a check-in due by this index alone, however long the history.
CREATE INDEX pairs_due ON pairs (status, next_due_at);

-- One check-in request per person, pair and window: created when the window ends, then
-- prompted (or skipped), nudged once, answered or missed at its deadline.
CREATE TABLE checkin_prompts (
    pair_id     INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    user_id     TEXT    NOT NULL CHECK (user_id <> ''),
    win         INTEGER NOT NULL CHECK (win >= 1),
    state       TEXT    NOT NULL CHECK (state IN ('prompted', 'nudged', 'answered', 'missed', 'skipped')),
    skip_reason TEXT    NOT NULL DEFAULT '',
    due_at      TEXT    NOT NULL,
    nudge_at    TEXT    NOT NULL,
    deadline_at TEXT    NOT NULL,
    prompted_at TEXT,
    nudged_at   TEXT,
    answered_at TEXT,
    PRIMARY KEY (pair_id, user_id, win)
) STRICT, WITHOUT ROWID;

CREATE INDEX checkin_prompts_nudge ON checkin_prompts (state, nudge_at);
CREATE INDEX checkin_prompts_deadline ON checkin_prompts (state, deadline_at);
CREATE INDEX checkin_prompts_user ON checkin_prompts (user_id, due_at);
-- The weekly summary counts the windows that ended in a week from this index alone.
CREATE INDEX checkin_prompts_due ON checkin_prompts (due_at, pair_id, win, state, skip_reason);

-- One answer per person, pair and window; answering again replaces it. private_note is
-- for HR admins only and is never exported.
CREATE TABLE checkins (
    pair_id       INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    user_id       TEXT    NOT NULL CHECK (user_id <> ''),
    win           INTEGER NOT NULL CHECK (win >= 1),
    role          TEXT    NOT NULL CHECK (role IN ('mentor', 'mentee')),
    met           TEXT    NOT NULL CHECK (met IN ('yes', 'rescheduled', 'not_yet')),
    met_on        TEXT,
    rating        INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    burden        INTEGER NOT NULL DEFAULT 0 CHECK (burden BETWEEN 0 AND 5),
    hard_to_speak INTEGER NOT NULL DEFAULT 0 CHECK (hard_to_speak IN (0, 1)),
    topics        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(topics)),
    topics_free   TEXT    NOT NULL DEFAULT '',
    learned       TEXT    NOT NULL DEFAULT '',
    private_note  TEXT    NOT NULL DEFAULT '',
    contact_hr    INTEGER NOT NULL DEFAULT 0 CHECK (contact_hr IN (0, 1)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (pair_id, user_id, win)
) STRICT, WITHOUT ROWID;

-- The weekly summary reads a week's burden answers from this index alone.
CREATE INDEX checkins_updated ON checkins (updated_at, burden, user_id);
-- Whether a pair's window had a session, whoever of the two answered.
CREATE INDEX checkins_window ON checkins (pair_id, win, met);

-- A pulse survey sent to one person for one date (the slot's date in the programme's
-- time zone), and the answers tapped on it, one per question.
CREATE TABLE pulses (
    user_id TEXT NOT NULL CHECK (user_id <> ''),
    date    TEXT NOT NULL CHECK (length(date) = 10),
    role    TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
) STRICT, WITHOUT ROWID;

CREATE INDEX pulses_date ON pulses (date);

CREATE TABLE pulse_answers (
    user_id     TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    question    TEXT    NOT NULL CHECK (question IN ('mood', 'safety', 'burden')),
    value       INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, date, question),
    FOREIGN KEY (user_id, date) REFERENCES pulses (user_id, date) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The weekly summary reads a week's answers from this index alone.
CREATE INDEX pulse_answers_date ON pulse_answers (date, question, value, user_id);

-- The figures of each week whose summary was published, as published: later weeks'
-- trends show them as they were, and they need no recomputing. Aggregates only: they name
-- nobody, and stay when a person's data is erased.
CREATE TABLE week_figures (
    week_end   TEXT NOT NULL PRIMARY KEY,
    week_start TEXT NOT NULL,
    figures    TEXT NOT NULL CHECK (json_valid(figures)),
    saved_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Private follow-up flags for HR admins, one per cause, subject and window (key).
CREATE TABLE flags (
    id         INTEGER NOT NULL PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE CHECK (key <> ''),
    cause      TEXT    NOT NULL,
    user_id    TEXT    NOT NULL CHECK (user_id <> ''),
    pair_id    INTEGER NOT NULL DEFAULT 0,      -- 0 when not about a pair
    detail     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
    created_at TEXT    NOT NULL,
    handled_by TEXT    NOT NULL DEFAULT '',
    handled_at TEXT
) STRICT;

CREATE INDEX flags_open ON flags (handled_by, id);
CREATE INDEX flags_created ON flags (created_at);
CREATE INDEX flags_handled ON flags (handled_at);
CREATE INDEX flags_user ON flags (user_id);

-- The outbox gains a 'cancelled' state (a prompt withdrawn when its person paused, left or
-- answered before it went out) and a replaces column: the key of an earlier message that
-- this row rewrites in place. SQLite cannot alter a CHECK, so the table is rebuilt.
CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    key              TEXT    NOT NULL UNIQUE CHECK (key <> ''),
    kind             TEXT    NOT NULL CHECK (kind <> ''),
    user_ids         TEXT    NOT NULL DEFAULT '[]'
                     CHECK (json_valid(user_ids) AND json_type(user_ids) = 'array'),
    channel          TEXT    NOT NULL DEFAULT '',
    data             TEXT    NOT NULL DEFAULT 'null' CHECK (json_valid(data)),
    not_before       TEXT,
    replaces         TEXT    NOT NULL DEFAULT '',    -- key of the message this one rewrites
    state            TEXT    NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL DEFAULT '',
    lease_until      TEXT,
    uncertain        INTEGER NOT NULL DEFAULT 0 CHECK (uncertain IN (0, 1)),
    claimed_at       TEXT,
    first_claimed_at TEXT,
    last_error       TEXT    NOT NULL DEFAULT '',
    sent_channel     TEXT    NOT NULL DEFAULT '',
    sent_ts          TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    sent_at          TEXT,
    CHECK ((channel <> '') <> (user_ids <> '[]'))
) STRICT;

INSERT INTO outbox_new (id, key, kind, user_ids, channel, data, not_before, state, attempts,
    next_attempt_at, lease_until, uncertain, claimed_at, first_claimed_at, last_error,
    sent_channel, sent_ts, created_at, updated_at, sent_at)
SELECT id, key, kind, user_ids, channel, data, not_before, state, attempts,
    next_attempt_at, lease_until, uncertain, claimed_at, first_claimed_at, last_error,
    sent_channel, sent_ts, created_at, updated_at, sent_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_state_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_state_lease ON outbox (state, lease_until);
-- Withdrawing a person's queued prompts looks them up by kind among the pending rows.
CREATE INDEX outbox_pending_kind ON outbox (state, kind);

-- Programme cycles: a name, a purpose, guidelines, dates (days in the programme's time
-- zone, YYYY-MM-DD) and the cadence proposed to people who join during it.
CREATE TABLE cycles (
    id              INTEGER NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL CHECK (name <> ''),
    purpose         TEXT    NOT NULL DEFAULT '',
    guidelines      TEXT    NOT NULL DEFAULT '',
    starts_on       TEXT    NOT NULL CHECK (length(starts_on) = 10),
    ends_on         TEXT    NOT NULL CHECK (length(ends_on) = 10 AND ends_on > starts_on),
    default_cadence TEXT    NOT NULL CHECK (default_cadence IN ('weekly', 'biweekly', 'monthly')),
    created_by      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

-- What was done once for a cycle: the review prompt, the survey, the report.
CREATE TABLE cycle_milestones (
    cycle_id  INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    milestone TEXT    NOT NULL CHECK (milestone IN ('review', 'survey', 'report')),
    done_at   TEXT    NOT NULL,
    PRIMARY KEY (cycle_id, milestone)
) STRICT, WITHOUT ROWID;

-- Self-ratings of confidence, 1 to 5: at opt-in (phase 'start', cycle 0) and in a
-- cycle's end survey (phase 'end'). Subject is a topic ID, or 'lead' for a mentor.
CREATE TABLE self_ratings (
    user_id     TEXT    NOT NULL CHECK (user_id <> ''),
    subject     TEXT    NOT NULL CHECK (subject <> ''),
    phase       TEXT    NOT NULL CHECK (phase IN ('start', 'end')),
    cycle_id    INTEGER NOT NULL DEFAULT 0,
    value       INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, subject, phase, cycle_id)
) STRICT, WITHOUT ROWID;

-- Answers to a cycle's end survey. reflection (what I learned / how I grew) is never
-- published; join_again is 0 to 10, -1 when not answered.
CREATE TABLE cycle_surveys (
    cycle_id    INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    user_id     TEXT    NOT NULL CHECK (user_id <> ''),
    role        TEXT    NOT NULL CHECK (role IN ('mentor', 'mentee')),
    reflection  TEXT    NOT NULL DEFAULT '',
    join_again  INTEGER NOT NULL DEFAULT -1 CHECK (join_again BETWEEN -1 AND 10),
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (cycle_id, user_id)
) STRICT, WITHOUT ROWID;
