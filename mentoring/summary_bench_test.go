package mentoring_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// BenchmarkWeeklySummary computes the weekly summary of a programme of 10 000
// participants in 5 000 weekly pairs after 52 weeks: a check-in prompt to each person
// every week, four in five answered, and a pulse survey to everyone every week (mood and
// safety; burden too for mentors). Target: 200 ms.
//
// "weekly" is the summary as the schedule posts it: the seven weeks before were
// published, so their figures are read back as published and only the new week is
// computed. "cold" computes all eight weeks from the answers, as on the first summary.
// "on-request" is a summary asked for between two weekly posts.
//
//	go test ./mentoring -run '^$' -bench WeeklySummary -benchtime 10x
func BenchmarkWeeklySummary(b *testing.B) {
	const (
		pairs = 5000
		weeks = 52
	)
	path := filepath.Join(b.TempDir(), "big.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	begin := time.Date(2025, 4, 7, 0, 0, 0, 0, time.UTC)
	end := begin.AddDate(0, 0, 7*weeks).Add(4 * 24 * time.Hour) // a Friday
	if err := fillProgramme(path, begin, pairs, weeks, tokyo); err != nil {
		b.Fatal(err)
	}
	clock := simclock.New(end)
	db.Clock = clock
	svc := mentoring.NewService(db, clock, mentoring.Options{Admins: []string{"UHR"}, Location: tokyo})
	check := func(sm mentoring.Summary, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if sm.Joined.Value != 2*pairs || sm.SessionsDue.Value != pairs || sm.Trend[0].Mood.Hidden {
			b.Fatalf("summary %+v due %+v trend %+v", sm.Joined, sm.SessionsDue, sm.Trend[0])
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			check(svc.WeeklySummary(ctx, end))
		}
	})
	for w := mentoring.TrendWeeks - 1; w >= 1; w-- {
		if _, err := svc.PostWeeklySummary(ctx, end.AddDate(0, 0, -7*w), "CHR"); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("weekly", func(b *testing.B) {
		for b.Loop() {
			check(svc.WeeklySummary(ctx, end))
		}
	})
	// "on-request" is `admin summary` or the admin's App Home two days after the weekly
	// post: the days since it, after the published weeks.
	if _, err := svc.PostWeeklySummary(ctx, end, "CHR"); err != nil {
		b.Fatal(err)
	}
	later := end.Add(2 * 24 * time.Hour)
	b.Run("on-request", func(b *testing.B) {
		for b.Loop() {
			sm, err := svc.WeeklySummary(ctx, later)
			if err != nil || !sm.Week.Start.Equal(end) || sm.Joined.Value != 2*pairs {
				b.Fatalf("summary of %+v: %v", sm.Week, err)
			}
		}
	})
}

// fillProgramme writes a year of a programme straight into the database file.
func fillProgramme(path string, begin time.Time, pairs, weeks int, loc *time.Location) error {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }
	stmt := func(q string) *sql.Stmt {
		s, err := tx.Prepare(q)
		if err != nil {
			panic(err)
		}
		return s
	}
	part := stmt(`INSERT INTO participants (user_id, role, department, department_key, cadence, status, joined_at, updated_at)
		VALUES (?, ?, ?, ?, 'weekly', 'active', ?, ?)`)
	pair := stmt(`INSERT INTO pairs (id, round_id, mentor_id, mentee_id, cadence, created_at, next_window, next_due_at)
		VALUES (?, 1, ?, ?, 'weekly', ?, ?, ?)`)
	prompt := stmt(`INSERT INTO checkin_prompts (pair_id, user_id, win, state, due_at, nudge_at, deadline_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	checkin := stmt(`INSERT INTO checkins (pair_id, user_id, win, role, met, rating, burden, created_at, updated_at)
		VALUES (?, ?, ?, ?, 'yes', 4, ?, ?, ?)`)
	pulse := stmt(`INSERT INTO pulses (user_id, date, role, sent_at) VALUES (?, ?, ?, ?)`)
	answer := stmt(`INSERT INTO pulse_answers (user_id, date, question, value, answered_at) VALUES (?, ?, ?, ?, ?)`)
	if _, err := tx.Exec(`INSERT INTO rounds (id, status, created_at) VALUES (1, 'approved', ?)`, ts(begin)); err != nil {
		return err
	}
	for i := range pairs {
		m, e := fmt.Sprintf("UM%05d", i), fmt.Sprintf("UE%05d", i)
		dm, de := fmt.Sprintf("Dept %d", i%20), fmt.Sprintf("Dept %d", (i+7)%20)
		for _, p := range [][3]string{{m, "mentor", dm}, {e, "mentee", de}} {
			if _, err := part.Exec(p[0], p[1], p[2], p[2], ts(begin), ts(begin)); err != nil {
				return err
			}
		}
		if _, err := pair.Exec(i+1, m, e, ts(begin), weeks+1, ts(begin.AddDate(0, 0, 7*(weeks+1)))); err != nil {
			return err
		}
		for w := 1; w <= weeks; w++ {
			due := begin.AddDate(0, 0, 7*w)
			answered := (i+w)%5 != 0
			state := "missed"
			if answered {
				state = "answered"
			}
			for k, u := range []string{m, e} {
				if _, err := prompt.Exec(i+1, u, w, state, ts(due), ts(due.Add(72*time.Hour)), ts(due.Add(144*time.Hour))); err != nil {
					return err
				}
				if answered {
					role, burden := "mentor", 1+(i+w)%5
					if k == 1 {
						role, burden = "mentee", 0
					}
					at := ts(due.Add(time.Duration(k+1) * time.Hour))
					if _, err := checkin.Exec(i+1, u, w, role, burden, at, at); err != nil {
						return err
					}
				}
				date := due.In(loc).Format(time.DateOnly)
				role := "mentor"
				if k == 1 {
					role = "mentee"
				}
				if _, err := pulse.Exec(u, date, role, ts(due)); err != nil {
					return err
				}
				qs := []string{"mood", "safety"}
				if k == 0 {
					qs = append(qs, "burden")
				}
				for j, q := range qs {
					if _, err := answer.Exec(u, date, q, 1+(i+w+j)%5, ts(due.Add(time.Hour))); err != nil {
						return err
					}
				}
			}
		}
	}
	return tx.Commit()
}
