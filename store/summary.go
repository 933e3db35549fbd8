package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var _ mentoring.SummaryStore = (*DB)(nil)

// SummaryFigures reads, in one snapshot, what the weekly summary is computed from: head
// counts now, and for each week (oldest first) the session windows that ended in it and
// the answers given in it. The figures for "this week" (joined, flags handled or raised,
// pairs newly stalled) are over the last week given.
func (db *DB) SummaryFigures(ctx context.Context, weeks []mentoring.Span, now time.Time) (mentoring.Figures, error) {
	f := mentoring.Figures{Departments: map[string]int{}}
	err := db.inRead(ctx, "summary figures", func(tx *sql.Tx) error {
		var err error
		if f.Counts, err = countParticipants(ctx, tx); err != nil {
			return err
		}
		if err := departmentCounts(ctx, tx, f.Departments); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(stalled_since > 0), 0)
			FROM pairs WHERE status = 'active'`).Scan(&f.ActivePairs, &f.StalledPairs); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM flags WHERE handled_by = ''`).Scan(&f.FlagsOpen); err != nil {
			return err
		}
		published, err := publishedWeeks(ctx, tx, weeks)
		if err != nil {
			return err
		}
		for i, w := range weeks {
			wf, ok := published[w.End.UTC()]
			if !ok {
				if wf, err = weekFigures(ctx, tx, w); err != nil {
					return err
				}
			}
			wf.Span = w
			f.Weeks = append(f.Weeks, wf)
			if i == len(weeks)-1 {
				if err := lastWeekFigures(ctx, tx, w, &f); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return f, err
}

// departmentCounts counts the active and paused participants by department, under the
// department's first spelling.
func departmentCounts(ctx context.Context, tx *sql.Tx, into map[string]int) error {
	rows, err := tx.QueryContext(ctx, `SELECT min(department), count(*) FROM participants
		WHERE status IN ('active', 'paused') GROUP BY department_key`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return err
		}
		into[name] = n
	}
	return rows.Err()
}

// weekFigures reads one week: session windows that ended in it (those of a pair on a
// break do not count), those with a session reported, and the answers of pulse surveys
// dated in it and of check-ins given in it.
func weekFigures(ctx context.Context, tx *sql.Tx, w mentoring.Span) (mentoring.WeekFigures, error) {
	wf := mentoring.WeekFigures{Span: w}
	ts, err := times(w.Start, w.End)
	if err != nil {
		return wf, err
	}
	if err := tx.QueryRowContext(ctx, `
		SELECT count(*), count(DISTINCT pair_id), coalesce(sum(held), 0) FROM (
			SELECT p.pair_id, p.win, EXISTS (SELECT 1 FROM checkins c
				WHERE c.pair_id = p.pair_id AND c.win = p.win AND c.met = 'yes') AS held
			FROM checkin_prompts p
			WHERE p.due_at >= ? AND p.due_at < ?
			GROUP BY p.pair_id, p.win
			HAVING max(p.state <> 'skipped' OR p.skip_reason IN ('quiet', 'old')) = 1)`,
		ts[0], ts[1]).Scan(&wf.WindowsDue, &wf.PairsDue, &wf.WindowsHeld); err != nil {
		return wf, err
	}
	first, last := datesIn(w)
	rows, err := tx.QueryContext(ctx, `SELECT question, sum(value), count(*), count(DISTINCT user_id)
		FROM pulse_answers WHERE date BETWEEN ? AND ? AND question IN ('mood', 'safety') GROUP BY question`, first, last)
	if err != nil {
		return wf, err
	}
	for rows.Next() {
		var q string
		var t mentoring.Tally
		if err := rows.Scan(&q, &t.Sum, &t.Answers, &t.People); err != nil {
			rows.Close()
			return wf, err
		}
		switch mentoring.PulseQuestion(q) {
		case mentoring.PulseMood:
			wf.Mood = t
		case mentoring.PulseSafety:
			wf.Safety = t
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return wf, err
	}
	// Burden comes from pulse surveys and from mentors' check-ins alike.
	err = tx.QueryRowContext(ctx, `SELECT coalesce(sum(v), 0), count(*), count(DISTINCT u) FROM (
			SELECT value AS v, user_id AS u FROM pulse_answers WHERE question = 'burden' AND date BETWEEN ? AND ?
			UNION ALL
			SELECT burden, user_id FROM checkins WHERE burden > 0 AND updated_at >= ? AND updated_at < ?)`,
		first, last, ts[0], ts[1]).Scan(&wf.Burden.Sum, &wf.Burden.Answers, &wf.Burden.People)
	return wf, err
}

// lastWeekFigures reads what happened in the summary's own week.
func lastWeekFigures(ctx context.Context, tx *sql.Tx, w mentoring.Span, f *mentoring.Figures) error {
	ts, err := times(w.Start, w.End)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM participants WHERE joined_at >= ? AND joined_at < ?`,
		ts[0], ts[1]).Scan(&f.JoinedInWeek); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM flags WHERE handled_at >= ? AND handled_at < ?`,
		ts[0], ts[1]).Scan(&f.FlagsHandled); err != nil {
		return err
	}
	return tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(cause = 'stalled'), 0) FROM flags
		WHERE created_at >= ? AND created_at < ?`, ts[0], ts[1]).Scan(&f.FlagsRaised, &f.StalledRaised)
}

// datesIn returns the first and last survey dates (YYYY-MM-DD, in the span's time zone)
// whose midnight falls within the span.
func datesIn(w mentoring.Span) (first, last string) {
	loc := w.Start.Location()
	day := func(t time.Time) time.Time {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	}
	f := day(w.Start)
	if f.Before(w.Start) {
		f = f.AddDate(0, 0, 1)
	}
	l := day(w.End)
	if !l.Before(w.End) {
		l = l.AddDate(0, 0, -1)
	}
	return f.Format(time.DateOnly), l.Format(time.DateOnly)
}

// publishedWeeks returns the figures published for any of the weeks, by end.
func publishedWeeks(ctx context.Context, tx *sql.Tx, weeks []mentoring.Span) (map[time.Time]mentoring.WeekFigures, error) {
	out := map[time.Time]mentoring.WeekFigures{}
	if len(weeks) == 0 {
		return out, nil
	}
	args := make([]any, len(weeks))
	for i, w := range weeks {
		v, err := timeValue(w.End)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	rows, err := tx.QueryContext(ctx, `SELECT week_end, figures FROM week_figures WHERE week_end IN (`+
		placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var end, body string
		if err := rows.Scan(&end, &body); err != nil {
			return nil, err
		}
		at, err := parseTime(sql.NullString{String: end, Valid: true})
		if err != nil {
			return nil, err
		}
		var wf mentoring.WeekFigures
		if err := json.Unmarshal([]byte(body), &wf); err != nil {
			return nil, fmt.Errorf("published week %s: %w", end, err)
		}
		out[at] = wf
	}
	return out, rows.Err()
}

// PublishSummary records the week's figures as published (the first publication of a
// week stands) and queues the posts (the summary and its chart), in one transaction.
func (db *DB) PublishSummary(ctx context.Context, week *mentoring.WeekFigures, posts ...mentoring.Notice) error {
	return db.inWrite(ctx, "publish summary", func(tx *sql.Tx) error {
		now := db.Clock.Now()
		if week != nil {
			body, err := json.Marshal(week)
			if err != nil {
				return err
			}
			ts, err := times(week.Start, week.End, now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO week_figures (week_end, week_start, figures, saved_at)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, ts[1], ts[0], string(body), ts[2]); err != nil {
				return err
			}
		}
		_, err := enqueueTx(ctx, tx, now, posts...)
		return err
	})
}

// LastPublishedWeek returns the end of the newest week published at or before t, or
// the zero time.
func (db *DB) LastPublishedWeek(ctx context.Context, t time.Time) (time.Time, error) {
	v, err := timeValue(t)
	if err != nil {
		return time.Time{}, err
	}
	var end sql.NullString
	err = db.inRead(ctx, "last published week", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT max(week_end) FROM week_figures WHERE week_end <= ?`, v).Scan(&end)
	})
	if err != nil || !end.Valid {
		return time.Time{}, err
	}
	return parseTime(end)
}
