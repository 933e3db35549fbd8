package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// small is a programme of 160 pairs shaped like Year's.
func small(now time.Time) Spec {
	s := Year(now)
	s.LaunchPairs, s.RoundPairs = 40, 8
	s.Paused, s.Resuming, s.PastPauses, s.Disengaged = 12, 3, 20, 6
	return s
}

// TestSeed_TheHistoryIsWhatTheSweepWouldHaveLeft seeds a small programme and checks it
// against the real code: the store reads every table back; a sweep at the last sweep of
// the history finds nothing left to do, so the history is complete; a sweep at Now does
// what Due says, and the prompts it writes carry the times the seed gives prompts.
func TestSeed_TheHistoryIsWhatTheSweepWouldHaveLeft(t *testing.T) {
	ctx := context.Background()
	begin := Year(time.Time{}).Begin
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		// A follow-up round's windows all end (as those of one round before ended three
		// days ago, of two rounds before six days ago).
		{"round", begin.Add(8*RoundEvery + time.Hour + 336*24*time.Hour)},
		// The launch round's windows all end.
		{"launch", begin.Add(364 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := small(tc.now)
			path := filepath.Join(t.TempDir(), "p.db")
			seeded, err := Seed(ctx, path, spec)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("seeded in %v: %v; due %+v", seeded.Took, seeded.Rows, seeded.Due)
			checkFile(t, path)
			db, err := store.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			clock := simclock.New(spec.Until())
			db.Clock = clock
			svc := mentoring.NewService(db, clock, spec.Options())

			found := func(at time.Time) Due {
				t.Helper()
				pairs, err1 := db.DuePairs(ctx, at)
				nudges, err2 := db.DueNudges(ctx, at)
				deadlines, err3 := db.DueDeadlines(ctx, at)
				resumes, err4 := db.ParticipantsToResume(ctx, at)
				for _, err := range []error{err1, err2, err3, err4} {
					if err != nil {
						t.Fatal(err)
					}
				}
				return Due{Pairs: len(pairs), Nudges: len(nudges), Deadlines: len(deadlines), Resumes: len(resumes)}
			}
			if got := found(spec.Until()); got != (Due{}) {
				t.Errorf("at the last sweep of the history, due: %+v; want nothing", got)
			}
			want := seeded.Due
			want.Prompts = 0
			if got := found(spec.Now); got != want {
				t.Errorf("at Now, due %+v; want %+v", got, want)
			}
			if seeded.Due.Pairs == 0 || seeded.Due.Prompts == 0 {
				t.Errorf("nothing due at Now: %+v", seeded.Due)
			}
			if tc.name == "launch" && (seeded.Due.Pairs != spec.LaunchPairs || seeded.Due.Prompts != 2*spec.LaunchPairs) {
				t.Errorf("launch round: due %+v; want every pair of the launch round and both its people", seeded.Due)
			}
			before := outboxRows(t, db)
			if res, err := svc.Sweep(ctx, spec.Until()); err != nil || res != (mentoring.SweepResult{}) || outboxRows(t, db) != before {
				t.Errorf("sweep at the last sweep of the history: %+v, %v, outbox %d → %d rows; want nothing done",
					res, err, before, outboxRows(t, db))
			}
			clock.Set(spec.Now)
			res, err := svc.Sweep(ctx, spec.Now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Prompted != seeded.Due.Prompts || res.Resumed != seeded.Due.Resumes || res.Missed != seeded.Due.Deadlines ||
				res.Nudged > seeded.Due.Nudges {
				t.Errorf("sweep at Now: %+v; want due %+v", res, seeded.Due)
			}
			if got := found(spec.Now); got != (Due{}) {
				t.Errorf("after the sweep at Now, due: %+v; want nothing", got)
			}
			checkPromptTimes(t, path, spec)
			checkRewrites(t, db, path)
			if _, err := db.Flags(ctx, true, 1000); err != nil {
				t.Error(err)
			}
			if _, err := db.CheckInsBetween(ctx, spec.Begin, spec.Now); err != nil {
				t.Error(err)
			}
			if _, err := svc.WeeklySummary(ctx, spec.Now); err != nil {
				t.Error(err)
			}
		})
	}
}

// outboxRows counts the outbox's rows.
func outboxRows(t *testing.T, db *store.DB) int {
	t.Helper()
	st, err := db.OutboxStats(ctx0)
	if err != nil {
		t.Fatal(err)
	}
	return st.Queued() + st.Sent + st.Failed + st.Cancelled
}

var ctx0 = context.Background()

// checkFile checks the file's integrity and foreign keys, which the bulk load does not.
func checkFile(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var ok string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity check: %q, %v", ok, err)
	}
	rows, err := raw.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign key check: rows reference missing rows")
	}
}

// checkPromptTimes checks that the prompts the sweep wrote at Now have the nudge and
// deadline the seed gives the prompts of the history.
func checkPromptTimes(t *testing.T, path string, spec Spec) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT c.due_at, c.nudge_at, c.deadline_at, p.cadence FROM checkin_prompts c
		JOIN pairs p ON p.id = c.pair_id WHERE c.prompted_at = ?`, tv(spec.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var due, nudge, deadline, cadence string
		if err := rows.Scan(&due, &nudge, &deadline, &cadence); err != nil {
			t.Fatal(err)
		}
		d, _ := time.Parse(timeLayout, due)
		wn, wd := promptTimes(d, spec.NudgeAfter, mentoring.Cadence(cadence).Interval())
		if tv(wn) != nudge || tv(wd) != deadline {
			t.Fatalf("prompt due %s: nudge %s, deadline %s; the seed gives %s, %s", due, nudge, deadline, tv(wn), tv(wd))
		}
		n++
	}
	if n == 0 {
		t.Error("the sweep at Now wrote no prompt")
	}
}

// checkRewrites checks that the rows that rewrote a message in place (an answered
// prompt, a handled flag) are recorded as the message they updated, as the sender
// records them.
func checkRewrites(t *testing.T, db *store.DB, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT key, replaces FROM outbox WHERE replaces <> '' AND state = 'sent' LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key, replaces string
		if err := rows.Scan(&key, &replaces); err != nil {
			t.Fatal(err)
		}
		rewrite, err1 := db.OutboxMessageOf(ctx0, key)
		orig, err2 := db.OutboxMessageOf(ctx0, replaces)
		if err1 != nil || err2 != nil {
			// The original may have been pruned before its rewrite.
			continue
		}
		if rewrite.Channel != orig.Channel || rewrite.TS != orig.TS || orig.State != store.OutboxSent {
			t.Fatalf("%s: rewrite %+v of %+v", key, rewrite, orig)
		}
		n++
	}
	if n == 0 {
		t.Error("no rewrite of a message still in the outbox")
	}
}
