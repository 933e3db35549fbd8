package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var _ mentoring.SessionStore = (*DB)(nil)

// times converts times for storage, stopping at the first that cannot be stored.
func times(ts ...time.Time) ([]any, error) {
	out := make([]any, len(ts))
	for i, t := range ts {
		v, err := timeValue(t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// promptColumns are the columns scanPrompt reads, in its order.
const promptColumns = `pair_id, user_id, win, state, skip_reason, due_at, nudge_at, deadline_at,
	prompted_at, nudged_at, answered_at`

// scanPrompt reads the promptColumns of one row.
func scanPrompt(s scanner) (mentoring.Prompt, error) {
	var ps promptScan
	if err := s.Scan(ps.dest()...); err != nil {
		return mentoring.Prompt{}, err
	}
	return ps.finish()
}

// promptScan holds the raw promptColumns of one row while it is scanned.
type promptScan struct {
	p                          mentoring.Prompt
	state                      string
	due, nudge, deadline       string
	prompted, nudged, answered sql.NullString
}

// dest returns the scan destinations, in promptColumns order.
func (ps *promptScan) dest() []any {
	p := &ps.p
	return []any{&p.PairID, &p.UserID, &p.Window, &ps.state, &p.SkipReason, &ps.due, &ps.nudge, &ps.deadline,
		&ps.prompted, &ps.nudged, &ps.answered}
}

// finish decodes what was scanned.
func (ps *promptScan) finish() (mentoring.Prompt, error) {
	p := ps.p
	var errs [6]error
	p.State = mentoring.PromptState(ps.state)
	p.DueAt, errs[0] = parseTime(sql.NullString{String: ps.due, Valid: true})
	p.NudgeAt, errs[1] = parseTime(sql.NullString{String: ps.nudge, Valid: true})
	p.DeadlineAt, errs[2] = parseTime(sql.NullString{String: ps.deadline, Valid: true})
	p.PromptedAt, errs[3] = parseTime(ps.prompted)
	p.NudgedAt, errs[4] = parseTime(ps.nudged)
	p.AnsweredAt, errs[5] = parseTime(ps.answered)
	return p, errors.Join(errs[:]...)
}

// DuePairs returns the active pairs whose next check-in window ended at or before now,
// oldest due first, with both people. It reads one index range, however long the
// programme's history.
func (db *DB) DuePairs(ctx context.Context, now time.Time) ([]mentoring.DuePair, error) {
	at, err := timeValue(now)
	if err != nil {
		return nil, fmt.Errorf("due pairs: %w", err)
	}
	var out []mentoring.DuePair
	err = db.inRead(ctx, "due pairs", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+prefixed(pairColumns, "p")+`, p.next_window, `+
			prefixed(participantColumns, "m")+`, `+prefixed(participantColumns, "e")+`
			FROM pairs p
			JOIN participants m ON m.user_id = p.mentor_id
			JOIN participants e ON e.user_id = p.mentee_id
			WHERE p.status = 'active' AND p.next_due_at <= ?
			ORDER BY p.next_due_at, p.id`, at)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDuePair(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// scanDuePair reads a pair, its next window and both people, as DuePairs selects them.
func scanDuePair(rows *sql.Rows) (mentoring.DuePair, error) {
	var d mentoring.DuePair
	var m, e participantScan
	pairDest, pairFinish := pairScan()
	dest := append(pairDest, &d.NextWindow)
	dest = append(dest, m.dest()...)
	dest = append(dest, e.dest()...)
	if err := rows.Scan(dest...); err != nil {
		return d, err
	}
	var err error
	if d.Pair, err = pairFinish(); err != nil {
		return d, err
	}
	if d.Mentor, err = m.finish(); err != nil {
		return d, err
	}
	if d.Mentee, err = e.finish(); err != nil {
		return d, err
	}
	return d, nil
}

// SaveWindows records the prompts of a due pair's windows, queues the DMs that ask
// them, and moves the pair on to its next window, in one transaction. Another sweep
// that moved the pair first wins: then nothing changes and it returns false. A person
// who already checked in for a window is recorded as answered and not asked.
func (db *DB) SaveWindows(ctx context.Context, w mentoring.WindowsDue) (bool, error) {
	won := false
	err := db.inWrite(ctx, fmt.Sprintf("save windows of pair %d", w.PairID), func(tx *sql.Tx) error {
		var created string
		var cadence string
		if err := tx.QueryRowContext(ctx, `SELECT created_at, cadence FROM pairs WHERE id = ?`, w.PairID).
			Scan(&created, &cadence); err != nil {
			return err
		}
		start, err := parseTime(sql.NullString{String: created, Valid: true})
		if err != nil {
			return err
		}
		next := mentoring.Pair{CreatedAt: start, Cadence: mentoring.Cadence(cadence)}.Window(w.NextWindow).End
		nextAt, err := timeValue(next)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE pairs SET next_window = ?, next_due_at = ?
			WHERE id = ? AND next_window = ? AND status = 'active'`, w.NextWindow, nextAt, w.PairID, w.FromWindow))
		if err != nil || n == 0 {
			return err
		}
		won = true
		now := db.Clock.Now()
		for _, p := range w.Prompts {
			if err := insertPrompt(ctx, tx, p, now); err != nil {
				return err
			}
		}
		return nil
	})
	return won, err
}

// insertPrompt records one prompt and queues its DM, unless the person has checked in
// for the window already (then it is answered and nothing is sent) or the prompt exists.
func insertPrompt(ctx context.Context, tx *sql.Tx, p mentoring.DuePrompt, now time.Time) error {
	var answered sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT created_at FROM checkins WHERE pair_id = ? AND user_id = ? AND win = ?`,
		p.PairID, p.UserID, p.Window).Scan(&answered)
	switch {
	case err == nil:
		at, err := parseTime(answered)
		if err != nil {
			return err
		}
		p.State, p.AnsweredAt, p.Notice = mentoring.PromptAnswered, at, nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	ts, err := times(p.DueAt, p.NudgeAt, p.DeadlineAt, p.PromptedAt, p.AnsweredAt)
	if err != nil {
		return err
	}
	n, err := affected(tx.ExecContext(ctx, `INSERT INTO checkin_prompts (pair_id, user_id, win, state, skip_reason,
		due_at, nudge_at, deadline_at, prompted_at, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, p.PairID, p.UserID, p.Window, string(p.State), p.SkipReason,
		ts[0], ts[1], ts[2], ts[3], ts[4]))
	if err != nil || n == 0 || p.Notice == nil {
		return err
	}
	_, err = enqueueTx(ctx, tx, now, *p.Notice)
	return err
}

// DueNudges returns prompts still unanswered whose nudge time has come, with their pair
// and both people.
func (db *DB) DueNudges(ctx context.Context, now time.Time) ([]mentoring.DueNudge, error) {
	at, err := timeValue(now)
	if err != nil {
		return nil, fmt.Errorf("due nudges: %w", err)
	}
	var out []mentoring.DueNudge
	err = db.inRead(ctx, "due nudges", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+prefixed(promptColumns, "c")+`, `+prefixed(pairColumns, "p")+`, `+
			prefixed(participantColumns, "me")+`, `+prefixed(participantColumns, "o")+`
			FROM checkin_prompts c
			JOIN pairs p ON p.id = c.pair_id
			JOIN participants me ON me.user_id = c.user_id
			JOIN participants o ON o.user_id = CASE WHEN p.mentor_id = c.user_id THEN p.mentee_id ELSE p.mentor_id END
			WHERE c.state = 'prompted' AND c.nudge_at <= ?
			ORDER BY c.nudge_at`, at)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d mentoring.DueNudge
			pr := promptScan{}
			pairDest, pairFinish := pairScan()
			me, o := participantScan{}, participantScan{}
			dest := append(pr.dest(), pairDest...)
			dest = append(dest, me.dest()...)
			dest = append(dest, o.dest()...)
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			if d.Prompt, err = pr.finish(); err != nil {
				return err
			}
			if d.Pair, err = pairFinish(); err != nil {
				return err
			}
			if d.Person, err = me.finish(); err != nil {
				return err
			}
			if d.Partner, err = o.finish(); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	return out, err
}

// SaveNudge marks a prompt nudged at at and queues notice (nil: the nudge is not sent,
// as when the person paused), unless the prompt is no longer waiting for its nudge.
func (db *DB) SaveNudge(ctx context.Context, p mentoring.Prompt, at time.Time, notice *mentoring.Notice) error {
	return db.inWrite(ctx, "save nudge", func(tx *sql.Tx) error {
		var nudged any
		if notice != nil {
			v, err := timeValue(at)
			if err != nil {
				return err
			}
			nudged = v
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'nudged', nudged_at = ?
			WHERE pair_id = ? AND user_id = ? AND win = ? AND state = 'prompted'`, nudged, p.PairID, p.UserID, p.Window))
		if err != nil || n == 0 || notice == nil {
			return err
		}
		_, err = enqueueTx(ctx, tx, at, *notice)
		return err
	})
}

// DueDeadlines returns prompts still unanswered whose answer deadline has passed.
func (db *DB) DueDeadlines(ctx context.Context, now time.Time) ([]mentoring.Prompt, error) {
	at, err := timeValue(now)
	if err != nil {
		return nil, fmt.Errorf("due deadlines: %w", err)
	}
	return db.prompts(ctx, "due deadlines", `WHERE state IN ('prompted', 'nudged') AND deadline_at <= ?
		ORDER BY deadline_at, pair_id, user_id`, at)
}

// prompts reads prompts matching where.
func (db *DB) prompts(ctx context.Context, what, where string, args ...any) ([]mentoring.Prompt, error) {
	var out []mentoring.Prompt
	err := db.inRead(ctx, what, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+promptColumns+` FROM checkin_prompts `+where, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPrompt(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// SaveMissed marks a prompt missed, unless it was answered or withdrawn meanwhile (then
// false), and records what that causes: the person gone quiet, the pair stalled, and the
// flags for HR, each flag's DMs queued only when the flag is new.
func (db *DB) SaveMissed(ctx context.Context, m mentoring.Missed) (bool, error) {
	won := false
	err := db.inWrite(ctx, "save missed prompt", func(tx *sql.Tx) error {
		p := m.Prompt
		n, err := affected(tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'missed'
			WHERE pair_id = ? AND user_id = ? AND win = ? AND state IN ('prompted', 'nudged')`, p.PairID, p.UserID, p.Window))
		if err != nil || n == 0 {
			return err
		}
		won = true
		at, err := timeValue(m.At)
		if err != nil {
			return err
		}
		if m.Quiet {
			if _, err := tx.ExecContext(ctx, `UPDATE participants SET quiet_since = ?
				WHERE user_id = ? AND quiet_since IS NULL`, at, p.UserID); err != nil {
				return err
			}
		}
		if m.StalledSince > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE pairs SET stalled_since = ? WHERE id = ? AND stalled_since = 0`,
				m.StalledSince, p.PairID); err != nil {
				return err
			}
		}
		return insertFlags(ctx, tx, m.At, m.Flags)
	})
	return won, err
}

// PromptHistory returns the user's newest prompts that were sent (not skipped), newest
// first, at most n.
func (db *DB) PromptHistory(ctx context.Context, userID string, n int) ([]mentoring.Prompt, error) {
	return db.prompts(ctx, "prompt history", `WHERE user_id = ? AND state <> 'skipped'
		ORDER BY due_at DESC, pair_id DESC LIMIT ?`, userID, n)
}

// OpenPrompts returns the user's prompts in the pair still waiting for an answer, oldest first.
func (db *DB) OpenPrompts(ctx context.Context, pairID int64, userID string) ([]mentoring.Prompt, error) {
	return db.prompts(ctx, "open prompts", `WHERE pair_id = ? AND user_id = ? AND state IN ('prompted', 'nudged')
		ORDER BY win`, pairID, userID)
}

// PairWindows reports, for the pair's windows from..to, those with a session reported
// (someone checked in saying they met) and those excused (a prompt skipped because
// someone was on a break or had left).
func (db *DB) PairWindows(ctx context.Context, pairID int64, from, to int) (sessions, excused map[int]bool, err error) {
	sessions, excused = map[int]bool{}, map[int]bool{}
	err = db.inRead(ctx, "pair windows", func(tx *sql.Tx) error {
		for _, q := range []struct {
			into  map[int]bool
			query string
		}{
			{sessions, `SELECT DISTINCT win FROM checkins WHERE pair_id = ? AND win BETWEEN ? AND ? AND met = 'yes'`},
			{excused, `SELECT DISTINCT win FROM checkin_prompts WHERE pair_id = ? AND win BETWEEN ? AND ?
				AND state = 'skipped' AND skip_reason IN ('paused', 'left')`},
		} {
			rows, err := tx.QueryContext(ctx, q.query, pairID, from, to)
			if err != nil {
				return err
			}
			for rows.Next() {
				var w int
				if err := rows.Scan(&w); err != nil {
					rows.Close()
					return err
				}
				q.into[w] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	return sessions, excused, err
}

// Pair returns the pair with the ID, or an error wrapping mentoring.ErrNotFound.
func (db *DB) Pair(ctx context.Context, id int64) (mentoring.Pair, error) {
	var p mentoring.Pair
	err := db.inRead(ctx, fmt.Sprintf("pair %d", id), func(tx *sql.Tx) error {
		ps, err := findPairs(ctx, tx, `WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return mentoring.ErrNotFound
		}
		p = ps[0]
		return nil
	})
	return p, err
}
