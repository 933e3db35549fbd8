package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var (
	_ mentoring.CycleStore       = (*DB)(nil)
	_ mentoring.RatingStore      = (*DB)(nil)
	_ mentoring.SurveyStore      = (*DB)(nil)
	_ mentoring.CycleReportStore = (*DB)(nil)
)

// SaveCycle inserts a cycle (ID 0) or updates the one with its ID, and returns it.
func (db *DB) SaveCycle(ctx context.Context, c mentoring.Cycle) (mentoring.Cycle, error) {
	err := db.inWrite(ctx, "save cycle", func(tx *sql.Tx) error {
		ts, err := times(c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return err
		}
		if c.ID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO cycles (name, purpose, guidelines, starts_on, ends_on,
				default_cadence, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.Name, c.Purpose, c.Guidelines, string(c.StartsOn), string(c.EndsOn), string(c.DefaultCadence),
				c.CreatedBy, ts[0], ts[1])
			if err != nil {
				return err
			}
			c.ID, err = res.LastInsertId()
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE cycles SET name = ?, purpose = ?, guidelines = ?, starts_on = ?,
			ends_on = ?, default_cadence = ?, updated_at = ? WHERE id = ?`, c.Name, c.Purpose, c.Guidelines,
			string(c.StartsOn), string(c.EndsOn), string(c.DefaultCadence), ts[1], c.ID))
		if err == nil && n == 0 {
			return mentoring.ErrNotFound
		}
		return err
	})
	return c, err
}

// Cycles returns every cycle, newest start first.
func (db *DB) Cycles(ctx context.Context) ([]mentoring.Cycle, error) {
	var out []mentoring.Cycle
	err := db.inRead(ctx, "cycles", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, purpose, guidelines, starts_on, ends_on, default_cadence,
			created_by, created_at, updated_at FROM cycles ORDER BY starts_on DESC, id DESC`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c mentoring.Cycle
			var startsOn, endsOn, cadence, created, updated string
			if err := rows.Scan(&c.ID, &c.Name, &c.Purpose, &c.Guidelines, &startsOn, &endsOn, &cadence,
				&c.CreatedBy, &created, &updated); err != nil {
				return err
			}
			c.StartsOn, c.EndsOn, c.DefaultCadence = mentoring.Date(startsOn), mentoring.Date(endsOn), mentoring.Cadence(cadence)
			var errs [2]error
			c.CreatedAt, errs[0] = parseTime(sql.NullString{String: created, Valid: true})
			c.UpdatedAt, errs[1] = parseTime(sql.NullString{String: updated, Valid: true})
			if err := errors.Join(errs[:]...); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// SaveSelfRatings stores self-ratings, replacing a person's earlier rating of the same
// subject, phase and cycle.
func (db *DB) SaveSelfRatings(ctx context.Context, rs []mentoring.SelfRating) error {
	return db.inWrite(ctx, "save self-ratings", func(tx *sql.Tx) error {
		return upsertRatings(ctx, tx, rs)
	})
}

func upsertRatings(ctx context.Context, tx *sql.Tx, rs []mentoring.SelfRating) error {
	for _, r := range rs {
		at, err := timeValue(r.At)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO self_ratings (user_id, subject, phase, cycle_id, value, answered_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, subject, phase, cycle_id) DO UPDATE SET
			value = excluded.value, answered_at = excluded.answered_at`,
			r.UserID, r.Subject, string(r.Phase), r.CycleID, r.Value, at); err != nil {
			return err
		}
	}
	return nil
}

// CycleSurvey returns one person's end-of-cycle answer with its ratings, or an error
// wrapping mentoring.ErrNotFound.
func (db *DB) CycleSurvey(ctx context.Context, cycleID int64, userID string) (mentoring.CycleSurvey, error) {
	a := mentoring.CycleSurvey{CycleID: cycleID, UserID: userID, Ratings: map[string]int{}}
	err := db.inRead(ctx, "cycle survey", func(tx *sql.Tx) error {
		var role, at string
		err := tx.QueryRowContext(ctx, `SELECT role, reflection, join_again, answered_at FROM cycle_surveys
			WHERE cycle_id = ? AND user_id = ?`, cycleID, userID).Scan(&role, &a.Reflection, &a.JoinAgain, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		if err != nil {
			return err
		}
		a.Role = mentoring.Role(role)
		if a.AnsweredAt, err = parseTime(sql.NullString{String: at, Valid: true}); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT subject, value FROM self_ratings
			WHERE user_id = ? AND phase = 'end' AND cycle_id = ?`, userID, cycleID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			var v int
			if err := rows.Scan(&s, &v); err != nil {
				return err
			}
			a.Ratings[s] = v
		}
		return rows.Err()
	})
	return a, err
}

// SaveCycleSurvey stores an end-of-cycle answer and its end ratings, replacing earlier
// ones, in one transaction.
func (db *DB) SaveCycleSurvey(ctx context.Context, a mentoring.CycleSurvey) error {
	return db.inWrite(ctx, "save cycle survey", func(tx *sql.Tx) error {
		at, err := timeValue(a.AnsweredAt)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycle_surveys (cycle_id, user_id, role, reflection, join_again, answered_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (cycle_id, user_id) DO UPDATE SET reflection = excluded.reflection,
			join_again = excluded.join_again, answered_at = excluded.answered_at`,
			a.CycleID, a.UserID, string(a.Role), a.Reflection, a.JoinAgain, at); err != nil {
			return err
		}
		rs := make([]mentoring.SelfRating, 0, len(a.Ratings))
		for s, v := range a.Ratings {
			rs = append(rs, mentoring.SelfRating{UserID: a.UserID, Subject: s, Phase: mentoring.PhaseEnd,
				CycleID: a.CycleID, Value: v, At: a.AnsweredAt})
		}
		return upsertRatings(ctx, tx, rs)
	})
}

// CycleFigures reads a cycle's report figures: who joined by its end, the pairs created
// and the session windows that ended within [from, to), its survey answers, and the
// before/after self-ratings of the people who gave both (the before is their rating at
// opt-in, the after their rating in this cycle's survey).
func (db *DB) CycleFigures(ctx context.Context, cycleID int64, from, to time.Time) (mentoring.CycleFigures, error) {
	f := mentoring.CycleFigures{Effects: map[string]mentoring.EffectTally{}}
	ts, err := times(from, to)
	if err != nil {
		return f, fmt.Errorf("cycle figures: %w", err)
	}
	err = db.inRead(ctx, "cycle figures", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM participants WHERE joined_at < ?`, ts[1]).Scan(&f.Joined); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pairs WHERE created_at >= ? AND created_at < ?`,
			ts[0], ts[1]).Scan(&f.Pairs); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			SELECT count(*), coalesce(sum(held), 0) FROM (
				SELECT EXISTS (SELECT 1 FROM checkins c WHERE c.pair_id = p.pair_id AND c.win = p.win AND c.met = 'yes') AS held
				FROM checkin_prompts p WHERE p.due_at >= ? AND p.due_at < ?
				GROUP BY p.pair_id, p.win
				HAVING max(p.state <> 'skipped' OR p.skip_reason IN ('quiet', 'old')) = 1)`,
			ts[0], ts[1]).Scan(&f.WindowsDue, &f.WindowsHeld); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(join_again) FILTER (WHERE join_again >= 0), 0),
			count(*) FILTER (WHERE join_again >= 0) FROM cycle_surveys WHERE cycle_id = ?`, cycleID).
			Scan(&f.Answers, &f.JoinAgain.Sum, &f.JoinAgain.Answers); err != nil {
			return err
		}
		f.JoinAgain.People = f.JoinAgain.Answers
		rows, err := tx.QueryContext(ctx, `
			SELECT e.subject, s.role, count(*), sum(b.value), sum(e.value)
			FROM self_ratings e
			JOIN cycle_surveys s ON s.cycle_id = e.cycle_id AND s.user_id = e.user_id
			JOIN self_ratings b ON b.user_id = e.user_id AND b.subject = e.subject AND b.phase = 'start' AND b.cycle_id = 0
			WHERE e.phase = 'end' AND e.cycle_id = ?
			GROUP BY e.subject, s.role`, cycleID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sub, role string
			var t mentoring.EffectTally
			if err := rows.Scan(&sub, &role, &t.People, &t.SumBefore, &t.SumAfter); err != nil {
				return err
			}
			t.Role = mentoring.Role(role)
			f.Effects[sub] = t
		}
		return rows.Err()
	})
	return f, err
}

// DoMilestone records a cycle's milestone as done and queues its notices, in one
// transaction, unless it was done already (then false and nothing is queued).
func (db *DB) DoMilestone(ctx context.Context, cycleID int64, milestone string, at time.Time, notices []mentoring.Notice) (bool, error) {
	first := false
	err := db.inWrite(ctx, "cycle milestone", func(tx *sql.Tx) error {
		when, err := timeValue(at)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO cycle_milestones (cycle_id, milestone, done_at)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, cycleID, milestone, when))
		if err != nil || n == 0 {
			return err
		}
		first = true
		_, err = enqueueTx(ctx, tx, at, notices...)
		return err
	})
	return first, err
}

// MilestonesDone returns the milestones done, of every cycle.
func (db *DB) MilestonesDone(ctx context.Context) (map[mentoring.CycleMilestone]bool, error) {
	done := map[mentoring.CycleMilestone]bool{}
	err := db.inRead(ctx, "cycle milestones", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT cycle_id, milestone FROM cycle_milestones`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m mentoring.CycleMilestone
			if err := rows.Scan(&m.CycleID, &m.Name); err != nil {
				return err
			}
			done[m] = true
		}
		return rows.Err()
	})
	return done, err
}

// LastApprovedRound returns the newest approved round, or an error wrapping
// mentoring.ErrNotFound.
func (db *DB) LastApprovedRound(ctx context.Context) (mentoring.Round, error) {
	var r mentoring.Round
	err := db.inRead(ctx, "last approved round", func(tx *sql.Tx) error {
		var err error
		r, err = findRound(ctx, tx, `WHERE status = 'approved' ORDER BY id DESC LIMIT 1`)
		return err
	})
	return r, err
}
