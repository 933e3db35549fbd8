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

// checkinColumns are the columns scanCheckIn reads, in its order.
const checkinColumns = `pair_id, user_id, win, role, met, met_on, rating, burden, hard_to_speak,
	topics, topics_free, learned, private_note, contact_hr, created_at, updated_at`

// scanCheckIn reads the checkinColumns of one row.
func scanCheckIn(s scanner) (mentoring.CheckIn, error) {
	var (
		c                 mentoring.CheckIn
		role, met, topics string
		metOn             sql.NullString
		hard, contact     int
		created, updated  string
	)
	if err := s.Scan(&c.PairID, &c.UserID, &c.Window, &role, &met, &metOn, &c.Rating, &c.Burden, &hard,
		&topics, &c.TopicsFree, &c.Learned, &c.PrivateNote, &contact, &created, &updated); err != nil {
		return c, err
	}
	c.Role, c.Met, c.HardToSpeak, c.ContactHR = mentoring.Role(role), mentoring.Met(met), hard != 0, contact != 0
	if err := json.Unmarshal([]byte(topics), &c.Topics); err != nil {
		return c, fmt.Errorf("topics: %w", err)
	}
	if len(c.Topics) == 0 {
		c.Topics = nil
	}
	var errs [3]error
	c.MetOn, errs[0] = parseTime(metOn)
	c.CreatedAt, errs[1] = parseTime(sql.NullString{String: created, Valid: true})
	c.UpdatedAt, errs[2] = parseTime(sql.NullString{String: updated, Valid: true})
	return c, errors.Join(errs[:]...)
}

// CheckIn returns the user's answer for the pair's window, or an error wrapping
// mentoring.ErrNotFound.
func (db *DB) CheckIn(ctx context.Context, pairID int64, userID string, window int) (mentoring.CheckIn, error) {
	var c mentoring.CheckIn
	err := db.inRead(ctx, "check-in", func(tx *sql.Tx) error {
		var err error
		c, err = scanCheckIn(tx.QueryRowContext(ctx, `SELECT `+checkinColumns+` FROM checkins
			WHERE pair_id = ? AND user_id = ? AND win = ?`, pairID, userID, window))
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		return err
	})
	return c, err
}

// SaveCheckIn stores a check-in, replacing the person's earlier answer for the same
// window (its first answer time is kept), and in the same transaction marks their prompt
// answered, clears their quiet mark and, when the pair met, its stall; withdraws the
// prompt and nudge if they had not gone out yet, raises the flags not raised before and
// queues the notices. It reports whether an earlier answer was replaced.
func (db *DB) SaveCheckIn(ctx context.Context, s mentoring.CheckInSave) (bool, error) {
	c := s.CheckIn
	replaced := false
	err := db.inWrite(ctx, fmt.Sprintf("save check-in of %s", c.UserID), func(tx *sql.Tx) error {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM checkins WHERE pair_id = ? AND user_id = ? AND win = ?`,
			c.PairID, c.UserID, c.Window).Scan(&one); {
		case err == nil:
			replaced = true
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		topics, err := json.Marshal(nonNil(c.Topics))
		if err != nil {
			return err
		}
		ts, err := times(c.MetOn, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkins (`+checkinColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (pair_id, user_id, win) DO UPDATE SET
				met = excluded.met, met_on = excluded.met_on, rating = excluded.rating, burden = excluded.burden,
				hard_to_speak = excluded.hard_to_speak, topics = excluded.topics, topics_free = excluded.topics_free,
				learned = excluded.learned, private_note = excluded.private_note, contact_hr = excluded.contact_hr,
				updated_at = excluded.updated_at`,
			c.PairID, c.UserID, c.Window, string(c.Role), string(c.Met), ts[0], c.Rating, c.Burden, boolInt(c.HardToSpeak),
			string(topics), c.TopicsFree, c.Learned, c.PrivateNote, boolInt(c.ContactHR), ts[1], ts[2]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'answered', answered_at = ?
			WHERE pair_id = ? AND user_id = ? AND win = ? AND state <> 'answered'`, ts[2], c.PairID, c.UserID, c.Window); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET quiet_since = NULL WHERE user_id = ?`, c.UserID); err != nil {
			return err
		}
		if c.Session() {
			if _, err := tx.ExecContext(ctx, `UPDATE pairs SET stalled_since = 0 WHERE id = ?`, c.PairID); err != nil {
				return err
			}
		}
		if err := withdrawKeys(ctx, tx, c.UpdatedAt, "answered before it was sent", s.Withdraw...); err != nil {
			return err
		}
		if err := insertFlags(ctx, tx, c.UpdatedAt, s.Flags); err != nil {
			return err
		}
		_, err = enqueueTx(ctx, tx, c.UpdatedAt, s.Notices...)
		return err
	})
	return replaced, err
}

// CheckInsBetween returns the check-ins last updated in [from, to), oldest first.
func (db *DB) CheckInsBetween(ctx context.Context, from, to time.Time) ([]mentoring.CheckIn, error) {
	ts, err := times(from, to)
	if err != nil {
		return nil, fmt.Errorf("check-ins: %w", err)
	}
	var out []mentoring.CheckIn
	err = db.inRead(ctx, "check-ins", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+checkinColumns+` FROM checkins
			WHERE updated_at >= ? AND updated_at < ? ORDER BY updated_at`, ts[0], ts[1])
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCheckIn(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}
