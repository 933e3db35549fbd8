package store

import (
	"context"
	"database/sql"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var _ mentoring.ExportStore = (*DB)(nil)

// ExportData reads, in one snapshot, everything an export contains: participants,
// pairs, check-in prompts, check-ins without their private notes, and pulse surveys
// with their answers.
func (db *DB) ExportData(ctx context.Context) (mentoring.ExportData, error) {
	var d mentoring.ExportData
	err := db.inRead(ctx, "export", func(tx *sql.Tx) error {
		var err error
		if d.Participants, err = findParticipants(ctx, tx, nil); err != nil {
			return err
		}
		if d.Pairs, err = findPairs(ctx, tx, `ORDER BY id`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+promptColumns+` FROM checkin_prompts ORDER BY pair_id, win, user_id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			p, err := scanPrompt(rows)
			if err != nil {
				rows.Close()
				return err
			}
			d.Prompts = append(d.Prompts, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// The private note is selected as '' so that it never leaves the database.
		rows, err = tx.QueryContext(ctx, `SELECT pair_id, user_id, win, role, met, met_on, rating, burden, hard_to_speak,
			topics, topics_free, learned, '', contact_hr, created_at, updated_at FROM checkins ORDER BY pair_id, win, user_id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			c, err := scanCheckIn(rows)
			if err != nil {
				rows.Close()
				return err
			}
			d.CheckIns = append(d.CheckIns, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT p.date, p.user_id, p.role, a.question, a.value FROM pulses p
			LEFT JOIN pulse_answers a ON a.user_id = p.user_id AND a.date = p.date ORDER BY p.date, p.user_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var date, user, role string
			var q sql.NullString
			var v sql.NullInt64
			if err := rows.Scan(&date, &user, &role, &q, &v); err != nil {
				return err
			}
			if n := len(d.Pulses); n == 0 || d.Pulses[n-1].Date != date || d.Pulses[n-1].UserID != user {
				d.Pulses = append(d.Pulses, mentoring.Pulse{Date: date, UserID: user, Role: mentoring.Role(role),
					Answers: map[mentoring.PulseQuestion]int{}})
			}
			if q.Valid {
				d.Pulses[len(d.Pulses)-1].Answers[mentoring.PulseQuestion(q.String)] = int(v.Int64)
			}
		}
		return rows.Err()
	})
	return d, err
}
