-- Pairing rounds (proposed, then approved or cancelled by HR), the pairs they create, and
-- the reporting lines imported from HR's org data.

-- One row per pairing round. A proposal is stored whole (JSON) so HR can review, swap and
-- remove pairs before anyone is told; approval turns its pairs into rows of pairs.
CREATE TABLE rounds (
    id          INTEGER NOT NULL PRIMARY KEY,
    status      TEXT    NOT NULL CHECK (status IN ('proposed', 'approved', 'cancelled', 'superseded')),
    proposal    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(proposal)),
    version     INTEGER NOT NULL DEFAULT 1,  -- bumped on every edit of the proposal
    created_by  TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    decided_by  TEXT    NOT NULL DEFAULT '',
    decided_at  TEXT
) STRICT;

CREATE INDEX rounds_status ON rounds (status, id);

-- A mentor and a mentee paired by an approved round. Ended pairs stay, so no pair repeats
-- within the configured number of rounds.
CREATE TABLE pairs (
    id            INTEGER NOT NULL PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    mentor_id     TEXT    NOT NULL CHECK (mentor_id <> ''),
    mentee_id     TEXT    NOT NULL CHECK (mentee_id <> ''),
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
    cadence       TEXT    NOT NULL CHECK (cadence IN ('weekly', 'biweekly', 'monthly')),
    score         REAL    NOT NULL DEFAULT 0,
    shared_topics TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(shared_topics)),
    languages     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    tz_gap_hours  REAL    NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL,
    ended_at      TEXT,
    UNIQUE (round_id, mentor_id, mentee_id)
) STRICT;

CREATE INDEX pairs_mentor ON pairs (mentor_id, status);
CREATE INDEX pairs_mentee ON pairs (mentee_id, status);

-- Reporting lines and departments from "reverse-mentor import-org": user → manager.
CREATE TABLE org_people (
    user_id     TEXT NOT NULL PRIMARY KEY CHECK (user_id <> ''),
    department  TEXT NOT NULL DEFAULT '',
    manager_id  TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
) STRICT;
