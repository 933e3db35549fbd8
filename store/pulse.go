package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// SavePulses records the pulse surveys sent and queues their notices (notices[i] asks
// pulses[i]), in one transaction. A survey already recorded for its date and person is
// left as it is and its notice not queued again. It returns how many surveys were new.
func (db *DB) SavePulses(ctx context.Context, pulses []mentoring.Pulse, notices []mentoring.Notice) (int, error) {
	if len(pulses) != len(notices) {
		return 0, fmt.Errorf("save pulses: %d surveys but %d notices", len(pulses), len(notices))
	}
	added := 0
	err := db.inWrite(ctx, "save pulses", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO pulses (user_id, date, role, sent_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, p := range pulses {
			sent, err := timeValue(p.SentAt)
			if err != nil {
				return err
			}
			n, err := affected(stmt.ExecContext(ctx, p.UserID, p.Date, string(p.Role), sent))
			if err != nil {
				return fmt.Errorf("pulse %s of %s: %w", p.Date, p.UserID, err)
			}
			if n == 0 {
				continue
			}
			added++
			if _, err := enqueueTx(ctx, tx, p.SentAt, notices[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// Pulse returns one person's survey of the date with its answers, or an error wrapping
// mentoring.ErrNotFound when it was not sent to them.
func (db *DB) Pulse(ctx context.Context, date, userID string) (mentoring.Pulse, error) {
	p := mentoring.Pulse{Date: date, UserID: userID, Answers: map[mentoring.PulseQuestion]int{}}
	err := db.inRead(ctx, "pulse", func(tx *sql.Tx) error {
		var role, sent string
		err := tx.QueryRowContext(ctx, `SELECT role, sent_at FROM pulses WHERE user_id = ? AND date = ?`, userID, date).
			Scan(&role, &sent)
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		if err != nil {
			return err
		}
		p.Role = mentoring.Role(role)
		if p.SentAt, err = parseTime(sql.NullString{String: sent, Valid: true}); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT question, value FROM pulse_answers WHERE user_id = ? AND date = ?`, userID, date)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var q string
			var v int
			if err := rows.Scan(&q, &v); err != nil {
				return err
			}
			p.Answers[mentoring.PulseQuestion(q)] = v
		}
		return rows.Err()
	})
	return p, err
}

// LatestPulseDate returns the date of the person's newest survey, "" when none was sent.
func (db *DB) LatestPulseDate(ctx context.Context, userID string) (string, error) {
	var date sql.NullString
	err := db.inRead(ctx, "latest pulse", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT max(date) FROM pulses WHERE user_id = ?`, userID).Scan(&date)
	})
	return date.String, err
}

// SavePulseAnswer records an answer unless its question was answered already (then
// false), and with it raises the flags not raised before and clears the person's quiet
// mark, in one transaction.
func (db *DB) SavePulseAnswer(ctx context.Context, a mentoring.PulseAnswer, flags []mentoring.Flag) (bool, error) {
	first := false
	err := db.inWrite(ctx, "save pulse answer", func(tx *sql.Tx) error {
		at, err := timeValue(a.AnsweredAt)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO pulse_answers (user_id, date, question, value, answered_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, a.UserID, a.Date, string(a.Question), a.Value, at))
		if err != nil || n == 0 {
			return err
		}
		first = true
		if _, err := tx.ExecContext(ctx, `UPDATE participants SET quiet_since = NULL WHERE user_id = ?`, a.UserID); err != nil {
			return err
		}
		return insertFlags(ctx, tx, a.AnsweredAt, flags)
	})
	return first, err
}
