-- Participants, each person's language choice, and the Slack events already handled.
-- Times are UTC text of one fixed width (2006-01-02T15:04:05.000000000Z), NULL when unset.

-- One row per person who has joined. A person who leaves keeps a row with status 'left'
-- until they ask for erasure, which deletes it.
CREATE TABLE participants (
    user_id        TEXT    NOT NULL PRIMARY KEY CHECK (user_id <> ''),
    display_name   TEXT    NOT NULL DEFAULT '',
    tz             TEXT    NOT NULL DEFAULT '',  -- IANA zone, e.g. Asia/Tokyo
    tz_offset      INTEGER NOT NULL DEFAULT 0,   -- seconds east of UTC
    role           TEXT    NOT NULL CHECK (role IN ('mentor', 'mentee')),
    department     TEXT    NOT NULL DEFAULT '',
    department_key TEXT    NOT NULL DEFAULT '',  -- mentoring.DepartmentKey(department)
    manager_id     TEXT    NOT NULL DEFAULT '',  -- '' when they have none
    topics         TEXT    NOT NULL DEFAULT '[]' -- JSON array of catalogue topic IDs
                   CHECK (json_valid(topics) AND json_type(topics) = 'array'),
    free_topics    TEXT    NOT NULL DEFAULT '',
    languages      TEXT    NOT NULL DEFAULT '[]' -- JSON array of language codes
                   CHECK (json_valid(languages) AND json_type(languages) = 'array'),
    cadence        TEXT    NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
    capacity       INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 3),
    consent        INTEGER NOT NULL DEFAULT 0 CHECK (consent IN (0, 1)),
    status         TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left')),
    paused_until   TEXT,
    joined_at      TEXT,
    updated_at     TEXT
) STRICT;

-- Head counts and the matching engine's load select by status, then role.
CREATE INDEX participants_status_role ON participants (status, role);

-- The language a person chose with "/reverse-mentor lang"; people who never joined may have one.
CREATE TABLE user_prefs (
    user_id    TEXT NOT NULL PRIMARY KEY CHECK (user_id <> ''),
    lang       TEXT NOT NULL CHECK (lang IN ('ja', 'en')),
    updated_at TEXT
) STRICT;

-- Socket Mode event IDs already handled, so a redelivered event is ignored.
CREATE TABLE processed_events (
    event_id TEXT NOT NULL PRIMARY KEY CHECK (event_id <> ''),
    seen_at  TEXT NOT NULL
) STRICT;

CREATE INDEX processed_events_seen_at ON processed_events (seen_at);
