package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// jobRuns returns the slots recorded for job, newest first.
func jobRuns(t testing.TB, db *DB, job string) []jobRun {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `
		SELECT job, slot, state, claimed_at, finished_at, error, owner
		FROM job_runs WHERE job = ? ORDER BY slot DESC`, job)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var runs []jobRun
	for rows.Next() {
		var r jobRun
		var slot, claimed, finished sql.NullString
		if err := rows.Scan(&r.Job, &slot, &r.State, &claimed, &finished, &r.Error, &r.Owner); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct {
			dst *time.Time
			src sql.NullString
		}{{&r.Slot, slot}, {&r.ClaimedAt, claimed}, {&r.FinishedAt, finished}} {
			if *f.dst, err = parseTime(f.src); err != nil {
				t.Fatal(err)
			}
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return runs
}

func TestClaimSlot_OnceAcrossOwnersAndStates(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 11, 3, 0, 0, 0, 0, time.UTC)
	db.Clock = fixedClock(now)
	slot := time.Date(2025, 11, 3, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))

	for i, tc := range []struct {
		do   func() (bool, error)
		want bool
	}{
		{func() (bool, error) { return db.ClaimSlot(ctx, "pulse", slot, "a") }, true},
		{func() (bool, error) { return db.ClaimSlot(ctx, "pulse", slot, "b") }, false},
		{func() (bool, error) { return db.ClaimSlot(ctx, "pulse", slot.UTC(), "a") }, false}, // same instant
		{func() (bool, error) { return db.ClaimSlot(ctx, "summary", slot, "a") }, true},      // other job
		{func() (bool, error) { return db.ClaimSlot(ctx, "pulse", slot.Add(time.Nanosecond), "a") }, true},
	} {
		got, err := tc.do()
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got != tc.want {
			t.Errorf("%d: claim = %v, want %v", i, got, tc.want)
		}
	}

	if err := db.FinishSlot(ctx, "pulse", slot, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishSlot(ctx, "pulse", slot, nil); err == nil {
		t.Error("finishing a finished slot succeeded")
	}
	if won, _ := db.ClaimSlot(ctx, "pulse", slot, "c"); won {
		t.Error("a finished slot was claimed again")
	}
	if err := db.FinishSlot(ctx, "summary", slot, errors.New("boom")); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishSlot(ctx, "never", slot, nil); err == nil {
		t.Error("finishing an unclaimed slot succeeded")
	}

	runs := jobRuns(t, db, "summary")
	if len(runs) != 1 {
		t.Fatalf("runs = %v", runs)
	}
	r := runs[0]
	if r.State != JobFailed || r.Error != "boom" || r.Owner != "a" || !r.Slot.Equal(slot) ||
		!r.ClaimedAt.Equal(now) || !r.FinishedAt.Equal(now) {
		t.Errorf("run = %+v", r)
	}
}

func TestSkipSlot_NeverOverwrites(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	slot := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	if won, err := db.ClaimSlot(ctx, "j", slot, "a"); !won || err != nil {
		t.Fatal(won, err)
	}
	if err := db.SkipSlot(ctx, "j", slot, "late"); err != nil {
		t.Fatal(err)
	}
	if err := db.SkipSlot(ctx, "j", slot.Add(-time.Hour), "missed"); err != nil {
		t.Fatal(err)
	}
	if won, _ := db.ClaimSlot(ctx, "j", slot.Add(-time.Hour), "a"); won {
		t.Error("a skipped slot was claimed")
	}
	runs := jobRuns(t, db, "j")
	got := fmt.Sprint(runs[0].State, " ", runs[1].State, " ", runs[1].Error)
	if want := "claimed skipped missed"; got != want {
		t.Errorf("states = %q, want %q", got, want)
	}
}

func TestLastSlot(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if last, err := db.LastSlot(ctx, "j"); err != nil || !last.IsZero() {
		t.Fatalf("LastSlot of an unknown job = %v, %v; want zero", last, err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []time.Duration{48 * time.Hour, time.Hour, 72 * time.Hour, 24 * time.Hour} {
		if err := db.SkipSlot(ctx, "j", base.Add(d), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ClaimSlot(ctx, "other", base.Add(1000*time.Hour), "a"); err != nil {
		t.Fatal(err)
	}
	last, err := db.LastSlot(ctx, "j")
	if err != nil || !last.Equal(base.Add(72*time.Hour)) {
		t.Errorf("LastSlot = %v, %v; want %v", last, err, base.Add(72*time.Hour))
	}
}

func TestClaimSlot_Rejects(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	if _, err := db.ClaimSlot(ctx, "", time.Now(), "a"); err == nil {
		t.Error("empty job accepted")
	}
	if _, err := db.ClaimSlot(ctx, "j", time.Time{}, "a"); err == nil {
		t.Error("zero slot accepted")
	}
}

func TestClaimSlot_ConcurrentOneWinner(t *testing.T) {
	db, path := openTest(t)
	other, err := Open(context.Background(), path) // a second process on the same file
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	slot := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		d := db
		if i%2 == 1 {
			d = other
		}
		wg.Go(func() {
			won, err := d.ClaimSlot(ctx, "j", slot, fmt.Sprint("owner", i))
			if err != nil {
				t.Error(err)
			}
			if won {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d winners, want 1", wins.Load())
	}
}
