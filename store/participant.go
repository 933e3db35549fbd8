package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// participantColumns are the columns scanParticipant reads, in its order.
const participantColumns = `user_id, display_name, tz, tz_offset, role, department, manager_id,
	topics, free_topics, languages, cadence, capacity, consent, status,
	paused_until, joined_at, updated_at, quiet_since`

// Participant returns the participant with the Slack user ID, or an error wrapping
// mentoring.ErrNotFound. Empty topic and language lists read back as nil.
func (db *DB) Participant(ctx context.Context, userID string) (mentoring.Participant, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return mentoring.Participant{}, fmt.Errorf("participant %s: %w", userID, err)
	}
	defer tx.Rollback()

	p, err := findParticipant(ctx, tx, userID)
	if err != nil {
		return mentoring.Participant{}, fmt.Errorf("participant %s: %w", userID, err)
	}
	return p, tx.Commit()
}

// SaveParticipant inserts the participant or updates every field of the one with the
// same user ID. Times are stored as given, in UTC; the caller stamps UpdatedAt.
func (db *DB) SaveParticipant(ctx context.Context, p mentoring.Participant) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save participant %s: %w", p.UserID, err)
	}
	defer tx.Rollback()

	if err := upsertParticipant(ctx, tx, p); err != nil {
		return fmt.Errorf("save participant %s: %w", p.UserID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save participant %s: %w", p.UserID, err)
	}
	return nil
}

// ListParticipants returns the participants whose status is one of statuses (all of them
// when none is given), ordered by user ID, topics and languages included. A matching run
// can load its candidates with ListParticipants(ctx, mentoring.StatusActive,
// mentoring.StatusPaused) and keep those that are Active now.
func (db *DB) ListParticipants(ctx context.Context, statuses ...mentoring.Status) ([]mentoring.Participant, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return nil, fmt.Errorf("list participants: %w", err)
	}
	defer tx.Rollback()

	ps, err := findParticipants(ctx, tx, statuses)
	if err != nil {
		return nil, fmt.Errorf("list participants: %w", err)
	}
	return ps, tx.Commit()
}

// DeleteParticipant erases what is stored about a person: their participant record and
// their language choice. It returns an error wrapping mentoring.ErrNotFound when neither
// existed. Erased rows are overwritten in the file (secure_delete), and afterwards the
// write-ahead log is checkpointed and truncated so the old pages do not linger there;
// that last step is best effort, as a long read can hold it off until a later write.
func (db *DB) DeleteParticipant(ctx context.Context, userID string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete participant %s: %w", userID, err)
	}
	defer tx.Rollback()

	n, err := deleteParticipant(ctx, tx, userID)
	if err != nil {
		return fmt.Errorf("delete participant %s: %w", userID, err)
	}
	if n == 0 {
		return fmt.Errorf("delete participant %s: %w", userID, mentoring.ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete participant %s: %w", userID, err)
	}
	// The erasure is committed; a checkpoint that cannot finish now finishes later.
	_, _ = db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return nil
}

// ParticipantCounts returns the head counts by status, and by role among the active and
// paused.
func (db *DB) ParticipantCounts(ctx context.Context) (mentoring.Counts, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return mentoring.Counts{}, fmt.Errorf("participant counts: %w", err)
	}
	defer tx.Rollback()

	c, err := countParticipants(ctx, tx)
	if err != nil {
		return mentoring.Counts{}, fmt.Errorf("participant counts: %w", err)
	}
	return c, tx.Commit()
}

// findParticipant reads one participant.
func findParticipant(ctx context.Context, tx *sql.Tx, userID string) (mentoring.Participant, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+participantColumns+` FROM participants WHERE user_id = ?`, userID)
	p, err := scanParticipant(row)
	if err == sql.ErrNoRows {
		return mentoring.Participant{}, mentoring.ErrNotFound
	}
	return p, err
}

// findParticipants reads the participants with any of statuses, or all when there are none.
func findParticipants(ctx context.Context, tx *sql.Tx, statuses []mentoring.Status) ([]mentoring.Participant, error) {
	query := `SELECT ` + participantColumns + ` FROM participants`
	args := make([]any, len(statuses))
	if len(statuses) > 0 {
		for i, s := range statuses {
			args[i] = string(s)
		}
		query += ` WHERE status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
	}
	query += ` ORDER BY user_id`

	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []mentoring.Participant
	for rows.Next() {
		p, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// upsertParticipant inserts p or overwrites the row with its user ID. It updates in place
// rather than deleting and reinserting (INSERT OR REPLACE), so rows of other tables that
// refer to the participant are kept.
func upsertParticipant(ctx context.Context, tx *sql.Tx, p mentoring.Participant) error {
	topics, err := json.Marshal(nonNil(p.Topics))
	if err != nil {
		return fmt.Errorf("encode topics: %w", err)
	}
	langs, err := json.Marshal(nonNil(p.Languages))
	if err != nil {
		return fmt.Errorf("encode languages: %w", err)
	}
	var times [3]any
	if times[0], err = timeValue(p.PausedUntil); err != nil {
		return fmt.Errorf("paused until: %w", err)
	}
	if times[1], err = timeValue(p.JoinedAt); err != nil {
		return fmt.Errorf("joined at: %w", err)
	}
	if times[2], err = timeValue(p.UpdatedAt); err != nil {
		return fmt.Errorf("updated at: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO participants (user_id, display_name, tz, tz_offset, role, department,
			department_key, manager_id, topics, free_topics, languages, cadence, capacity,
			consent, status, paused_until, joined_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET
			display_name = excluded.display_name,
			tz = excluded.tz,
			tz_offset = excluded.tz_offset,
			role = excluded.role,
			department = excluded.department,
			department_key = excluded.department_key,
			manager_id = excluded.manager_id,
			topics = excluded.topics,
			free_topics = excluded.free_topics,
			languages = excluded.languages,
			cadence = excluded.cadence,
			capacity = excluded.capacity,
			consent = excluded.consent,
			status = excluded.status,
			paused_until = excluded.paused_until,
			joined_at = excluded.joined_at,
			updated_at = excluded.updated_at`,
		p.UserID, p.DisplayName, p.TZ, p.TZOffset, string(p.Role), p.Department,
		mentoring.DepartmentKey(p.Department), p.ManagerID, string(topics), p.FreeTopics,
		string(langs), string(p.Cadence), p.Capacity, boolInt(p.Consent), string(p.Status),
		times[0], times[1], times[2])
	return err
}

// deleteParticipant deletes the person's rows and returns how many there were.
func deleteParticipant(ctx context.Context, tx *sql.Tx, userID string) (int64, error) {
	var total int64
	for _, query := range []string{
		`DELETE FROM participants WHERE user_id = ?`,
		`DELETE FROM user_prefs WHERE user_id = ?`,
	} {
		res, err := tx.ExecContext(ctx, query, userID)
		if err != nil {
			return 0, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// countParticipants counts participants by status and role.
func countParticipants(ctx context.Context, tx *sql.Tx) (mentoring.Counts, error) {
	rows, err := tx.QueryContext(ctx, `SELECT status, role, count(*) FROM participants GROUP BY status, role`)
	if err != nil {
		return mentoring.Counts{}, err
	}
	defer rows.Close()
	var c mentoring.Counts
	for rows.Next() {
		var status, role string
		var n int
		if err := rows.Scan(&status, &role, &n); err != nil {
			return mentoring.Counts{}, err
		}
		switch mentoring.Status(status) {
		case mentoring.StatusActive:
			c.Active += n
		case mentoring.StatusPaused:
			c.Paused += n
		case mentoring.StatusLeft:
			c.Left += n
			continue // roles are counted among the active and paused only
		}
		switch mentoring.Role(role) {
		case mentoring.RoleMentor:
			c.Mentors += n
		case mentoring.RoleMentee:
			c.Mentees += n
		}
	}
	return c, rows.Err()
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanParticipant reads the participantColumns of one row.
func scanParticipant(s scanner) (mentoring.Participant, error) {
	var ps participantScan
	if err := s.Scan(ps.dest()...); err != nil {
		return mentoring.Participant{}, err
	}
	return ps.finish()
}

// participantScan holds the raw participantColumns of one row while it is scanned, so a
// query can read a participant beside other columns.
type participantScan struct {
	p                          mentoring.Participant
	role, cadence, status      string
	topics, langs              string
	consent                    int
	pausedUntil, joined, saved sql.NullString
	quiet                      sql.NullString
}

// dest returns the scan destinations, in participantColumns order.
func (ps *participantScan) dest() []any {
	p := &ps.p
	return []any{&p.UserID, &p.DisplayName, &p.TZ, &p.TZOffset, &ps.role, &p.Department, &p.ManagerID,
		&ps.topics, &p.FreeTopics, &ps.langs, &ps.cadence, &p.Capacity, &ps.consent, &ps.status,
		&ps.pausedUntil, &ps.joined, &ps.saved, &ps.quiet}
}

// finish decodes what was scanned.
func (ps *participantScan) finish() (mentoring.Participant, error) {
	p := ps.p
	p.Role, p.Cadence, p.Status, p.Consent = mentoring.Role(ps.role), mentoring.Cadence(ps.cadence), mentoring.Status(ps.status), ps.consent != 0
	if err := json.Unmarshal([]byte(ps.topics), &p.Topics); err != nil {
		return mentoring.Participant{}, fmt.Errorf("topics of %s: %w", p.UserID, err)
	}
	if err := json.Unmarshal([]byte(ps.langs), &p.Languages); err != nil {
		return mentoring.Participant{}, fmt.Errorf("languages of %s: %w", p.UserID, err)
	}
	if len(p.Topics) == 0 {
		p.Topics = nil
	}
	if len(p.Languages) == 0 {
		p.Languages = nil
	}
	var err error
	if p.PausedUntil, err = parseTime(ps.pausedUntil); err != nil {
		return mentoring.Participant{}, err
	}
	if p.JoinedAt, err = parseTime(ps.joined); err != nil {
		return mentoring.Participant{}, err
	}
	if p.UpdatedAt, err = parseTime(ps.saved); err != nil {
		return mentoring.Participant{}, err
	}
	if p.QuietSince, err = parseTime(ps.quiet); err != nil {
		return mentoring.Participant{}, err
	}
	return p, nil
}

// nonNil returns s, or an empty slice for nil, so that it encodes as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// boolInt returns 1 for true and 0 for false, as SQLite stores booleans.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
