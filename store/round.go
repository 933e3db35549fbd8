package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// ErrStale is returned when a proposal changed (or was decided) since the caller read it.
var ErrStale = &mentoring.Error{Code: mentoring.ECONFLICT, MessageKey: "round_stale"}

const roundColumns = `id, status, proposal, version, created_by, created_at, decided_by, decided_at`

// SaveProposal stores a new proposed round and supersedes any proposal still waiting, so
// there is one pending round at a time. It returns the round with its ID and version.
func (db *DB) SaveProposal(ctx context.Context, r mentoring.Round) (mentoring.Round, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE rounds SET status = 'superseded' WHERE status = 'proposed'`); err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	body, err := json.Marshal(r.Proposal)
	if err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	created, err := timeValue(r.CreatedAt)
	if err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO rounds (status, proposal, version, created_by, created_at)
		VALUES ('proposed', ?, 1, ?, ?)`, string(body), r.CreatedBy, created)
	if err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return r, fmt.Errorf("save proposal: %w", err)
	}
	r.Status, r.Version = mentoring.RoundProposed, 1
	return r, tx.Commit()
}

// Round returns the round with the ID, or an error wrapping mentoring.ErrNotFound.
func (db *DB) Round(ctx context.Context, id int64) (mentoring.Round, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return mentoring.Round{}, fmt.Errorf("round %d: %w", id, err)
	}
	defer tx.Rollback()
	r, err := findRound(ctx, tx, `WHERE id = ?`, id)
	if err != nil {
		return r, fmt.Errorf("round %d: %w", id, err)
	}
	return r, tx.Commit()
}

// PendingRound returns the proposal waiting for HR, or an error wrapping ErrNotFound.
func (db *DB) PendingRound(ctx context.Context) (mentoring.Round, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return mentoring.Round{}, fmt.Errorf("pending round: %w", err)
	}
	defer tx.Rollback()
	r, err := findRound(ctx, tx, `WHERE status = 'proposed' ORDER BY id DESC LIMIT 1`)
	if err != nil {
		return r, fmt.Errorf("pending round: %w", err)
	}
	return r, tx.Commit()
}

// UpdateProposal replaces the proposal of a round still proposed at version, and returns
// the new version. A decided round or another version gives ErrStale.
func (db *DB) UpdateProposal(ctx context.Context, id int64, version int, p mentoring.Proposal) (int, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("update proposal %d: %w", id, err)
	}
	defer tx.Rollback()
	body, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("update proposal %d: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE rounds SET proposal = ?, version = version + 1
		WHERE id = ? AND status = 'proposed' AND version = ?`, string(body), id, version)
	if err != nil {
		return 0, fmt.Errorf("update proposal %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("update proposal %d: %w", id, ErrStale)
	}
	return version + 1, tx.Commit()
}

// ApproveRound approves the round at version: in one transaction it records the decision,
// creates the pairs and queues the notices, so either everyone is told or no one is.
// A round already decided, or edited since version, gives ErrStale and changes nothing.
// It checks nothing else: the domain approves through ApproveRoundChecked.
func (db *DB) ApproveRound(ctx context.Context, id int64, version int, by string, at time.Time, pairs []mentoring.Pair, notices []mentoring.Notice) error {
	return db.ApproveRoundChecked(ctx, mentoring.Approval{RoundID: id, Version: version, By: by, At: at},
		func(mentoring.RoundWorld) ([]mentoring.Pair, []mentoring.Notice, error) { return pairs, notices, nil })
}

// ApproveRoundChecked approves the round a names, deciding in the same transaction from
// the world as it is then: it records the decision, reads the participants, active pairs,
// org chart and recent pairs, and calls decide with them; decide returns the pairs to
// create and the notices to queue, or an error, and then nothing at all is approved,
// created or queued. Holding the write lock from the start, nothing can change between
// decide's look and the approval. A round already decided, or edited since a.Version,
// gives ErrStale.
func (db *DB) ApproveRoundChecked(ctx context.Context, a mentoring.Approval, decide func(mentoring.RoundWorld) ([]mentoring.Pair, []mentoring.Notice, error)) error {
	return db.inWrite(ctx, fmt.Sprintf("approve round %d", a.RoundID), func(tx *sql.Tx) error {
		when, err := timeValue(a.At)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE rounds SET status = 'approved', decided_by = ?, decided_at = ?
			WHERE id = ? AND status = 'proposed' AND version = ?`, a.By, when, a.RoundID, a.Version))
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrStale
		}
		w, err := roundWorld(ctx, tx, a.RecentRounds, a.RoundID)
		if err != nil {
			return err
		}
		pairs, notices, err := decide(w)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			if err := insertPair(ctx, tx, a.RoundID, p, when); err != nil {
				return err
			}
		}
		_, err = enqueueNoticesTx(ctx, tx, a.At, notices...)
		return err
	})
}

// RoundWorld reads, in one snapshot, what a pairing round is decided from: every
// participant, the active pairs, the org chart and the pairs of the last recentRounds
// approved rounds.
func (db *DB) RoundWorld(ctx context.Context, recentRounds int) (mentoring.RoundWorld, error) {
	var w mentoring.RoundWorld
	err := db.inRead(ctx, "round world", func(tx *sql.Tx) error {
		var err error
		w, err = roundWorld(ctx, tx, recentRounds, 0)
		return err
	})
	return w, err
}

// roundWorld reads the world of a round in tx; the round approving, when not 0, does not
// count among the recent rounds.
func roundWorld(ctx context.Context, tx *sql.Tx, recentRounds int, approving int64) (mentoring.RoundWorld, error) {
	var w mentoring.RoundWorld
	var err error
	if w.Participants, err = findParticipants(ctx, tx, nil); err != nil {
		return w, err
	}
	if w.ActivePairs, err = findPairs(ctx, tx, `WHERE status = 'active' ORDER BY id`); err != nil {
		return w, err
	}
	if w.Org, err = orgPeople(ctx, tx); err != nil {
		return w, err
	}
	w.Recent, err = recentPairs(ctx, tx, recentRounds, approving)
	return w, err
}

// CancelRound cancels a proposed round; a decided one gives ErrStale.
func (db *DB) CancelRound(ctx context.Context, id int64, by string, at time.Time) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("cancel round %d: %w", id, err)
	}
	defer tx.Rollback()
	when, err := timeValue(at)
	if err != nil {
		return fmt.Errorf("cancel round %d: %w", id, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE rounds SET status = 'cancelled', decided_by = ?, decided_at = ?
		WHERE id = ? AND status = 'proposed'`, by, when, id)
	if err != nil {
		return fmt.Errorf("cancel round %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("cancel round %d: %w", id, ErrStale)
	}
	return tx.Commit()
}

// ActivePairs returns the pairs still meeting, oldest first.
func (db *DB) ActivePairs(ctx context.Context) ([]mentoring.Pair, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("active pairs: %w", err)
	}
	defer tx.Rollback()
	ps, err := findPairs(ctx, tx, `WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("active pairs: %w", err)
	}
	return ps, tx.Commit()
}

// PairsOf returns the user's active pairs (a mentor may have several).
func (db *DB) PairsOf(ctx context.Context, userID string) ([]mentoring.Pair, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("pairs of %s: %w", userID, err)
	}
	defer tx.Rollback()
	ps, err := findPairs(ctx, tx, `WHERE status = 'active' AND (mentor_id = ? OR mentee_id = ?) ORDER BY id`, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("pairs of %s: %w", userID, err)
	}
	return ps, tx.Commit()
}

// RecentPairs returns the (mentor, mentee) pairs created by the last n approved rounds.
func (db *DB) RecentPairs(ctx context.Context, n int) (map[[2]string]bool, error) {
	var out map[[2]string]bool
	err := db.inRead(ctx, "recent pairs", func(tx *sql.Tx) error {
		var err error
		out, err = recentPairs(ctx, tx, n, 0)
		return err
	})
	return out, err
}

// recentPairs returns the pairs of the last n approved rounds other than the round except.
func recentPairs(ctx context.Context, tx *sql.Tx, n int, except int64) (map[[2]string]bool, error) {
	out := map[[2]string]bool{}
	if n <= 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT mentor_id, mentee_id FROM pairs WHERE round_id IN
		(SELECT id FROM rounds WHERE status = 'approved' AND id != ? ORDER BY id DESC LIMIT ?)`, except, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k [2]string
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// ReplaceOrg replaces the imported org data with people, in one transaction.
func (db *DB) ReplaceOrg(ctx context.Context, people []mentoring.OrgPerson) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("replace org: %w", err)
	}
	defer tx.Rollback()
	now, err := timeValue(db.Clock.Now())
	if err != nil {
		return fmt.Errorf("replace org: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM org_people`); err != nil {
		return fmt.Errorf("replace org: %w", err)
	}
	for _, p := range people {
		if _, err := tx.ExecContext(ctx, `INSERT INTO org_people (user_id, department, manager_id, updated_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET department = excluded.department,
			manager_id = excluded.manager_id, updated_at = excluded.updated_at`,
			p.UserID, p.Department, p.ManagerID, now); err != nil {
			return fmt.Errorf("replace org: %s: %w", p.UserID, err)
		}
	}
	return tx.Commit()
}

// OrgPeople returns the imported org data, by user ID.
func (db *DB) OrgPeople(ctx context.Context) (map[string]mentoring.OrgPerson, error) {
	var out map[string]mentoring.OrgPerson
	err := db.inRead(ctx, "org people", func(tx *sql.Tx) error {
		var err error
		out, err = orgPeople(ctx, tx)
		return err
	})
	return out, err
}

func orgPeople(ctx context.Context, tx *sql.Tx) (map[string]mentoring.OrgPerson, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id, department, manager_id FROM org_people`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]mentoring.OrgPerson{}
	for rows.Next() {
		var p mentoring.OrgPerson
		if err := rows.Scan(&p.UserID, &p.Department, &p.ManagerID); err != nil {
			return nil, err
		}
		out[p.UserID] = p
	}
	return out, rows.Err()
}

func findRound(ctx context.Context, tx *sql.Tx, where string, args ...any) (mentoring.Round, error) {
	var (
		r                mentoring.Round
		status, body     string
		created, decided sql.NullString
	)
	err := tx.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM rounds `+where, args...).
		Scan(&r.ID, &status, &body, &r.Version, &r.CreatedBy, &created, &r.DecidedBy, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return r, mentoring.ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.Status = mentoring.RoundStatus(status)
	if err := json.Unmarshal([]byte(body), &r.Proposal); err != nil {
		return r, fmt.Errorf("decode proposal: %w", err)
	}
	if r.CreatedAt, err = parseTime(created); err != nil {
		return r, err
	}
	if r.DecidedAt, err = parseTime(decided); err != nil {
		return r, err
	}
	return r, nil
}

func insertPair(ctx context.Context, tx *sql.Tx, roundID int64, p mentoring.Pair, when any) error {
	topics, err := json.Marshal(nonNil(p.SharedTopics))
	if err != nil {
		return err
	}
	langs, err := json.Marshal(nonNil(p.Languages))
	if err != nil {
		return err
	}
	due, err := timeValue(p.Window(1).End)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO pairs (round_id, mentor_id, mentee_id, status, cadence, score,
		shared_topics, languages, tz_gap_hours, created_at, next_window, next_due_at)
		VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, 1, ?)`,
		roundID, p.MentorID, p.MenteeID, string(p.Cadence), p.Score, string(topics), string(langs), p.TZGapHours, when, due)
	return err
}

func findPairs(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]mentoring.Pair, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+pairColumns+` FROM pairs `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mentoring.Pair
	for rows.Next() {
		p, err := scanPair(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// pairColumns are the columns scanPair reads, in its order.
const pairColumns = `id, round_id, mentor_id, mentee_id, status, cadence, score,
	shared_topics, languages, tz_gap_hours, created_at, ended_at, stalled_since`

// scanPair reads the pairColumns of one row.
func scanPair(s scanner) (mentoring.Pair, error) {
	dest, finish := pairScan()
	if err := s.Scan(dest...); err != nil {
		return mentoring.Pair{}, err
	}
	return finish()
}

// pairScan returns scan destinations for the pairColumns and a function that decodes
// them once scanned, so a query can read a pair beside other columns.
func pairScan() ([]any, func() (mentoring.Pair, error)) {
	var (
		p               mentoring.Pair
		status, cadence string
		topics, langs   string
		created, ended  sql.NullString
	)
	dest := []any{&p.ID, &p.RoundID, &p.MentorID, &p.MenteeID, &status, &cadence, &p.Score,
		&topics, &langs, &p.TZGapHours, &created, &ended, &p.StalledSince}
	return dest, func() (mentoring.Pair, error) {
		p.Status, p.Cadence = mentoring.PairStatus(status), mentoring.Cadence(cadence)
		if err := json.Unmarshal([]byte(topics), &p.SharedTopics); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(langs), &p.Languages); err != nil {
			return p, err
		}
		var err error
		if p.CreatedAt, err = parseTime(created); err != nil {
			return p, err
		}
		if p.EndedAt, err = parseTime(ended); err != nil {
			return p, err
		}
		return p, nil
	}
}

// LastUnpaired returns how the last approved round left the user without a partner: the
// round, when it was approved, and the user's role and reason from its proposal. It
// returns an error wrapping mentoring.ErrNotFound when that round did not leave the user
// unmatched, or no round was approved yet.
func (db *DB) LastUnpaired(ctx context.Context, userID string) (mentoring.Unpaired, error) {
	var u mentoring.Unpaired
	err := db.inRead(ctx, "last unpaired", func(tx *sql.Tx) error {
		var role, reason string
		var decided sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.decided_at, json_extract(u.value, '$.Role'), json_extract(u.value, '$.Reason')
			FROM rounds r, json_each(r.proposal, '$.Unmatched') u
			WHERE r.id = (SELECT id FROM rounds WHERE status = 'approved' ORDER BY id DESC LIMIT 1)
			AND json_extract(u.value, '$.UserID') = ? LIMIT 1`, userID).Scan(&u.RoundID, &decided, &role, &reason)
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		if err != nil {
			return err
		}
		u.Role, u.Reason = mentoring.Role(role), reason
		u.DecidedAt, err = parseTime(decided)
		return err
	})
	return u, err
}
