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

// flagColumns are the columns scanFlag reads, in its order.
const flagColumns = `id, key, cause, user_id, pair_id, detail, created_at, handled_by, handled_at`

// scanFlag reads the flagColumns of one row.
func scanFlag(s scanner) (mentoring.Flag, error) {
	var (
		f             mentoring.Flag
		cause, detail string
		created       string
		handled       sql.NullString
	)
	if err := s.Scan(&f.ID, &f.Key, &cause, &f.UserID, &f.PairID, &detail, &created, &f.HandledBy, &handled); err != nil {
		return f, err
	}
	f.Cause = mentoring.FlagCause(cause)
	if err := json.Unmarshal([]byte(detail), &f.Detail); err != nil {
		return f, fmt.Errorf("flag %s detail: %w", f.Key, err)
	}
	var errs [2]error
	f.CreatedAt, errs[0] = parseTime(sql.NullString{String: created, Valid: true})
	f.HandledAt, errs[1] = parseTime(handled)
	return f, errors.Join(errs[:]...)
}

// insertFlags records flags not raised before and queues each new flag's notices.
func insertFlags(ctx context.Context, tx *sql.Tx, now time.Time, flags []mentoring.Flag) error {
	for _, f := range flags {
		detail, err := json.Marshal(f.Detail)
		if err != nil {
			return err
		}
		created := f.CreatedAt
		if created.IsZero() {
			created = now
		}
		at, err := timeValue(created)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO flags (key, cause, user_id, pair_id, detail, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			f.Key, string(f.Cause), f.UserID, f.PairID, string(detail), at))
		if err != nil {
			return fmt.Errorf("flag %s: %w", f.Key, err)
		}
		if n == 0 {
			continue
		}
		if _, err := enqueueTx(ctx, tx, now, f.Notices...); err != nil {
			return fmt.Errorf("flag %s: %w", f.Key, err)
		}
	}
	return nil
}

// Flag returns the flag with the key, or an error wrapping mentoring.ErrNotFound.
func (db *DB) Flag(ctx context.Context, key string) (mentoring.Flag, error) {
	var f mentoring.Flag
	err := db.inRead(ctx, "flag", func(tx *sql.Tx) error {
		var err error
		f, err = scanFlag(tx.QueryRowContext(ctx, `SELECT `+flagColumns+` FROM flags WHERE key = ?`, key))
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		return err
	})
	return f, err
}

// Flags lists flags, newest first, at most limit (all when limit ≤ 0): only those not
// handled unless all is set.
func (db *DB) Flags(ctx context.Context, all bool, limit int) ([]mentoring.Flag, error) {
	where := `WHERE handled_by = ''`
	if all {
		where = ``
	}
	if limit <= 0 {
		limit = -1
	}
	var out []mentoring.Flag
	err := db.inRead(ctx, "flags", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+flagColumns+` FROM flags `+where+` ORDER BY id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanFlag(rows)
			if err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	})
	return out, err
}

// HandleFlag marks the flag handled by by at at and queues notices (the admins' copies
// rewritten), unless it was handled already: then it returns the flag as it is, false.
func (db *DB) HandleFlag(ctx context.Context, key, by string, at time.Time, notices []mentoring.Notice) (mentoring.Flag, bool, error) {
	var f mentoring.Flag
	first := false
	err := db.inWrite(ctx, "handle flag", func(tx *sql.Tx) error {
		when, err := timeValue(at)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE flags SET handled_by = ?, handled_at = ?
			WHERE key = ? AND handled_by = ''`, by, when, key))
		if err != nil {
			return err
		}
		if n == 1 {
			first = true
			if _, err := enqueueTx(ctx, tx, at, notices...); err != nil {
				return err
			}
		}
		f, err = scanFlag(tx.QueryRowContext(ctx, `SELECT `+flagColumns+` FROM flags WHERE key = ?`, key))
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		return err
	})
	return f, first, err
}
