package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMarkEventSeen_FirstTimeOnly(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		id   string
		want bool
	}{
		{"Ev01", true},
		{"Ev01", false},
		{"Ev02", true},
		{"Ev01", false},
		{"ev01", true}, // IDs are case-sensitive
		{"Ev02", false},
	} {
		first, err := db.MarkEventSeen(ctx, tc.id, at.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("%d: MarkEventSeen(%s): %v", i, tc.id, err)
		}
		if first != tc.want {
			t.Errorf("%d: MarkEventSeen(%s) = %v, want %v", i, tc.id, first, tc.want)
		}
	}
}

func TestMarkEventSeen_Rejects(t *testing.T) {
	db, _ := openTest(t)
	if _, err := db.MarkEventSeen(context.Background(), "", time.Now()); err == nil {
		t.Error("empty event ID accepted")
	}
	if _, err := db.MarkEventSeen(context.Background(), "Ev1", time.Time{}); err == nil {
		t.Error("zero time accepted")
	}
}

func TestMarkEventSeen_ConcurrentRetriesExactlyOneFirst(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	var firsts, fails atomic.Int32
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			first, err := db.MarkEventSeen(ctx, "Ev0SAME", at)
			if err != nil {
				t.Error(err)
				fails.Add(1)
			}
			if first {
				firsts.Add(1)
			}
		})
	}
	wg.Wait()
	if firsts.Load() != 1 || fails.Load() != 0 {
		t.Errorf("%d firsts and %d errors, want exactly one first and no errors", firsts.Load(), fails.Load())
	}
}

func TestPruneEvents(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	base := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	// Seen at base+0s, +0.5s, +1s, ... +4.5s; sub-second times check text ordering.
	for i := range 10 {
		if _, err := db.MarkEventSeen(ctx, fmt.Sprintf("Ev%02d", i), base.Add(time.Duration(i)*500*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		before time.Time
		want   int64
	}{
		{"zero time", time.Time{}, 0},
		{"before all", base, 0},
		{"first three", base.Add(1500 * time.Millisecond), 3},
		{"again", base.Add(1500 * time.Millisecond), 0},
		{"one nanosecond past the fourth", base.Add(1500*time.Millisecond + 1), 1},
		{"in another zone", base.Add(3 * time.Second).In(jst), 2},
		{"rest", base.Add(time.Hour), 4},
	} {
		n, err := db.PruneEvents(ctx, tc.before)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n != tc.want {
			t.Errorf("%s: pruned %d, want %d", tc.name, n, tc.want)
		}
	}
	// A pruned ID counts as new again.
	if first, err := db.MarkEventSeen(ctx, "Ev00", base.Add(2*time.Hour)); err != nil || !first {
		t.Errorf("MarkEventSeen after prune = %v, %v; want true", first, err)
	}
}
