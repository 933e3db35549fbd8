package scheduler

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// openDB opens a database file in a temporary directory, stamped by clock.
func openDB(t testing.TB, clock mentoring.Clock) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reverse-mentor.db")
	return reopenDB(t, path, clock), path
}

// reopenDB opens the database at path again, as another process or a restart would.
func reopenDB(t testing.TB, path string, clock mentoring.Clock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Clock = clock
	t.Cleanup(func() { db.Close() })
	return db
}

// recorder is a Store that passes every call to a real database and keeps what the
// scheduler wrote through it, in order: what it claimed, finished and skipped.
type recorder struct {
	Store
	mu      sync.Mutex
	records []record
}

// record is one slot the scheduler wrote down.
type record struct {
	op   string // "claim", "finish" or "skip"
	job  string
	slot time.Time
	note string // a skip's reason, a failed run's error; "" for a run that succeeded
}

func newRecorder(s Store) *recorder { return &recorder{Store: s} }

func (r *recorder) add(rec record) {
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.mu.Unlock()
}

func (r *recorder) ClaimSlot(ctx context.Context, job string, slot time.Time, owner string) (bool, error) {
	won, err := r.Store.ClaimSlot(ctx, job, slot, owner)
	if won && err == nil {
		r.add(record{op: "claim", job: job, slot: slot})
	}
	return won, err
}

func (r *recorder) FinishSlot(ctx context.Context, job string, slot time.Time, runErr error) error {
	err := r.Store.FinishSlot(ctx, job, slot, runErr)
	if err == nil {
		rec := record{op: "finish", job: job, slot: slot}
		if runErr != nil {
			rec.note = runErr.Error()
		}
		r.add(rec)
	}
	return err
}

func (r *recorder) SkipSlot(ctx context.Context, job string, slot time.Time, reason string) error {
	err := r.Store.SkipSlot(ctx, job, slot, reason)
	if err == nil {
		r.add(record{op: "skip", job: job, slot: slot, note: reason})
	}
	return err
}

// of returns the records of job with the operation op, oldest first.
func (r *recorder) of(job, op string) []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []record
	for _, rec := range r.records {
		if rec.job == job && rec.op == op {
			out = append(out, rec)
		}
	}
	return out
}

// writes returns how many records were made of any job.
func (r *recorder) writes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.records)
}

// counter counts runs per job and slot.
type counter struct {
	mu   sync.Mutex
	runs map[jobSlot]int
}

type jobSlot struct {
	job  string
	slot time.Time
}

func newCounter() *counter { return &counter{runs: map[jobSlot]int{}} }

func (c *counter) job(name, spec string) Job {
	return Job{Name: name, Spec: spec, Run: func(ctx context.Context, now time.Time) error {
		c.mu.Lock()
		c.runs[jobSlot{name, now.UTC()}]++
		c.mu.Unlock()
		return nil
	}}
}

// slots returns the slots run, of every job, in order, formatted in loc, each with its
// count if above 1.
func (c *counter) slots(loc *time.Location) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ks []jobSlot
	for k := range c.runs {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b jobSlot) int { return a.slot.Compare(b.slot) })
	var out []string
	for _, k := range ks {
		s := k.slot.In(loc).Format("01-02 15:04 MST")
		if n := c.runs[k]; n > 1 {
			s += fmt.Sprintf(" ×%d", n)
		}
		out = append(out, s)
	}
	return out
}

func mustNew(t testing.TB, opts Options, jobs ...Job) *Scheduler {
	t.Helper()
	s, err := New(opts, jobs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// actions summarises runs as "action@slot" in loc.
func actions(runs []SlotRun, loc *time.Location) string {
	var parts []string
	for _, r := range runs {
		parts = append(parts, r.Action+"@"+r.Slot.In(loc).Format("01-02 15:04"))
	}
	return strings.Join(parts, " ")
}

func TestScheduler_WeeklyJobAcrossRestart(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	clock := simclock.New(time.Date(2025, 11, 2, 12, 0, 0, 0, tokyo)) // a Sunday
	db, path := openDB(t, clock)
	c := newCounter()
	weekly := c.job("pulse", "0 9 * * MON")
	ctx := context.Background()
	opts := Options{Location: tokyo, Clock: clock, Store: db, CatchUpWindow: 24 * time.Hour}

	first := mustNew(t, opts, weekly)
	if runs := first.RunDue(ctx, clock.Now()); len(runs) != 0 {
		t.Fatalf("first start ran %v", runs)
	}
	clock.Set(time.Date(2025, 11, 3, 9, 0, 0, 0, tokyo))
	if got := actions(first.RunDue(ctx, clock.Now()), tokyo); got != "ran@11-03 09:00" {
		t.Fatalf("at the slot: %s", got)
	}

	// A restart later that morning, on a fresh connection: the slot is not run again,
	// whether the new instance sees it as due or not.
	clock.Advance(20 * time.Minute)
	restarted := mustNew(t, Options{Location: tokyo, Clock: clock, Store: reopenDB(t, path, clock), CatchUpWindow: 24 * time.Hour}, weekly)
	for range 3 {
		if runs := restarted.RunDue(ctx, clock.Now()); len(runs) != 0 {
			t.Errorf("after restart: %s", actions(runs, tokyo))
		}
	}
	// The bot was down over the next slot and comes back within the window: it runs once.
	clock.Set(time.Date(2025, 11, 10, 15, 0, 0, 0, tokyo))
	third := mustNew(t, Options{Location: tokyo, Clock: clock, Store: reopenDB(t, path, clock), CatchUpWindow: 24 * time.Hour}, weekly)
	if got := actions(third.RunDue(ctx, clock.Now()), tokyo); got != "ran@11-10 09:00" {
		t.Errorf("catch-up after restart: %s", got)
	}
	if got := actions(restarted.RunDue(ctx, clock.Now()), tokyo); got != "" {
		t.Errorf("the older instance ran again: %s", got)
	}
	want := []string{"11-03 09:00 JST", "11-10 09:00 JST"}
	if got := c.slots(tokyo); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("runs = %v, want %v", got, want)
	}
}

func TestScheduler_LongOutage(t *testing.T) {
	tokyo := mustLoad(t, "Asia/Tokyo")
	start := time.Date(2025, 11, 3, 9, 0, 0, 0, tokyo) // Monday, a slot
	for _, tc := range []struct {
		name    string
		window  time.Duration
		back    time.Time // when the bot comes back
		want    string    // actions of the catch-up
		ran     []string
		skipped int
	}{
		{
			name:   "newest within the window runs",
			window: 3 * 24 * time.Hour,
			back:   start.AddDate(0, 0, 35).Add(30 * time.Hour), // 5 weeks and a day later
			want: "skipped@11-10 09:00 skipped@11-17 09:00 skipped@11-24 09:00 skipped@12-01 09:00 " +
				"ran@12-08 09:00",
			ran:     []string{"11-03 09:00 JST", "12-08 09:00 JST"},
			skipped: 4,
		},
		{
			name:   "newest beyond the window is skipped too",
			window: 12 * time.Hour,
			back:   start.AddDate(0, 0, 35).Add(30 * time.Hour),
			want: "skipped@11-10 09:00 skipped@11-17 09:00 skipped@11-24 09:00 skipped@12-01 09:00 " +
				"skipped@12-08 09:00",
			ran:     []string{"11-03 09:00 JST"},
			skipped: 5,
		},
		{
			name:    "zero window still runs a slot on time",
			window:  0,
			back:    start.AddDate(0, 0, 7).Add(time.Minute),
			want:    "ran@11-10 09:00",
			ran:     []string{"11-03 09:00 JST", "11-10 09:00 JST"},
			skipped: 0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := simclock.New(start.Add(-time.Hour))
			db, _ := openDB(t, clock)
			rec := newRecorder(db)
			c := newCounter()
			s := mustNew(t, Options{Location: tokyo, Clock: clock, Store: rec, CatchUpWindow: tc.window}, c.job("pulse", "0 9 * * MON"))
			ctx := context.Background()
			s.RunDue(ctx, clock.Now()) // baseline
			clock.Set(start)
			s.RunDue(ctx, clock.Now())

			clock.Set(tc.back)
			if got := actions(s.RunDue(ctx, clock.Now()), tokyo); got != tc.want {
				t.Errorf("catch-up:\n got %s\nwant %s", got, tc.want)
			}
			if got := actions(s.RunDue(ctx, clock.Now()), tokyo); got != "" {
				t.Errorf("second catch-up: %s", got)
			}
			if got := c.slots(tokyo); fmt.Sprint(got) != fmt.Sprint(tc.ran) {
				t.Errorf("ran %v, want %v", got, tc.ran)
			}
			skipped := 0
			for _, r := range rec.of("pulse", "skip") {
				if !strings.HasPrefix(r.note, "baseline") {
					skipped++
				}
			}
			if skipped != tc.skipped {
				t.Errorf("%d slots recorded skipped, want %d", skipped, tc.skipped)
			}
		})
	}
}

func TestScheduler_DST(t *testing.T) {
	for _, tc := range []struct {
		name, zone, spec string
		from, to         string // local wall times, stepped every 20 minutes
		want             []string
		count            int // when want is nil: how many runs
	}{
		{
			name: "daily slot in the repeated hour runs once (fall back)", zone: "America/New_York",
			spec: "30 1 * * *", from: "2025-11-01 12:00", to: "2025-11-03 12:00",
			want: []string{"11-02 01:30 EDT", "11-03 01:30 EST"},
		},
		{
			name: "hourly job runs once per wall-clock hour on the 25-hour day", zone: "America/New_York",
			spec: "0 * * * *", from: "2025-11-01 23:30", to: "2025-11-02 23:59",
			count: 24,
		},
		{
			name: "daily slot in the skipped hour runs when it ends (spring forward)", zone: "America/New_York",
			spec: "30 2 * * *", from: "2025-03-08 12:00", to: "2025-03-10 12:00",
			want: []string{"03-09 03:00 EDT", "03-10 02:30 EDT"},
		},
		{
			name: "hourly job on the 23-hour day", zone: "America/New_York",
			spec: "0 * * * *", from: "2025-03-08 23:30", to: "2025-03-09 23:59",
			count: 23,
		},
		{
			name: "Berlin falls back", zone: "Europe/Berlin",
			spec: "30 2 * * *", from: "2025-10-25 12:00", to: "2025-10-27 12:00",
			want: []string{"10-26 02:30 CEST", "10-27 02:30 CET"},
		},
		{
			name: "weekly job across the change", zone: "America/New_York",
			spec: "0 9 * * MON", from: "2025-10-26 12:00", to: "2025-11-11 12:00",
			want: []string{"10-27 09:00 EDT", "11-03 09:00 EST", "11-10 09:00 EST"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustLoad(t, tc.zone)
			from, _ := time.ParseInLocation("2006-01-02 15:04", tc.from, loc)
			to, _ := time.ParseInLocation("2006-01-02 15:04", tc.to, loc)
			clock := simclock.New(from)
			db, path := openDB(t, clock)
			c := newCounter()
			j := c.job("j", tc.spec)
			opts := Options{Location: loc, Clock: clock, Store: db, CatchUpWindow: time.Hour}
			s := mustNew(t, opts, j)
			ctx := context.Background()
			for i := 0; !clock.Now().After(to); i++ {
				s.RunDue(ctx, clock.Now())
				// A restart every few hours, on a fresh connection, changes nothing.
				if i%13 == 12 {
					opts.Store = reopenDB(t, path, clock)
					s = mustNew(t, opts, j)
				}
				clock.Advance(20 * time.Minute)
			}
			got := c.slots(loc)
			if tc.want != nil && fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("runs = %v, want %v", got, tc.want)
			}
			if tc.want == nil && len(got) != tc.count {
				t.Errorf("%d runs, want %d: %v", len(got), tc.count, got)
			}
			for _, s := range got {
				if strings.Contains(s, "×") {
					t.Errorf("slot run more than once: %s", s)
				}
			}
		})
	}
}

func TestScheduler_TwoInstancesRunEachSlotOnce(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	clock := simclock.New(time.Date(2025, 10, 27, 0, 0, 0, 0, ny))
	_, path := openDB(t, clock)
	c := newCounter()
	jobs := []Job{c.job("sweep", "*/30 * * * *"), c.job("pulse", "0 10 * * MON"), c.job("nightly", "30 1 * * *")}
	var instances []*Scheduler
	for range 2 {
		// Two processes started by mistake on one file: separate connections and owners.
		instances = append(instances, mustNew(t, Options{
			Location: ny, Clock: clock, Store: reopenDB(t, path, clock), CatchUpWindow: time.Hour,
		}, jobs...))
	}
	ctx := context.Background()
	end := time.Date(2025, 11, 10, 0, 0, 0, 0, ny) // two weeks, across the fall-back
	taken := 0
	for clock.Now().Before(end) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, s := range instances {
			wg.Go(func() {
				runs := s.RunDue(ctx, clock.Now())
				mu.Lock()
				defer mu.Unlock()
				for _, r := range runs {
					if r.Action == ActionTaken {
						taken++
					}
				}
			})
		}
		wg.Wait()
		clock.Advance(29 * time.Minute)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	total := 0
	for k, n := range c.runs {
		total += n
		if n != 1 {
			t.Errorf("%s at %s ran %d times", k.job, k.slot.In(ny), n)
		}
	}
	// Half-hourly sweeps from 00:30 on the first day to 23:30 on the last (the repeated
	// wall-clock hour of the fall-back day once), two Monday pulses and 14 nightly runs.
	want := (14*48 - 1) + 2 + 14
	if total != want {
		t.Errorf("%d runs, want %d", total, want)
	}
	t.Logf("%d slots run once each; the other instance found %d of them taken", total, taken)
}

func TestScheduler_PanicIsRecoveredAndRecorded(t *testing.T) {
	clock := simclock.New(time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC))
	db, _ := openDB(t, clock)
	rec := newRecorder(db)
	after := 0
	s := mustNew(t, Options{Clock: clock, Store: rec, AfterRun: func(string) { after++ }},
		Job{Name: "boom", Spec: "0 9 * * *", Run: func(context.Context, time.Time) error { panic("kaboom") }},
		Job{Name: "fine", Spec: "0 9 * * *", Run: func(context.Context, time.Time) error { return nil }},
		Job{Name: "err", Spec: "0 9 * * *", Run: func(context.Context, time.Time) error { return errors.New("no luck") }},
		Job{Name: "slow", Spec: "0 9 * * *", Timeout: 20 * time.Millisecond, Run: func(ctx context.Context, _ time.Time) error {
			<-ctx.Done()
			return ctx.Err()
		}},
	)
	ctx := context.Background()
	s.RunDue(ctx, clock.Now())
	clock.Advance(time.Hour)
	runs := s.RunDue(ctx, clock.Now())
	got := map[string]string{}
	for _, r := range runs {
		got[r.Job] = r.Action
	}
	want := map[string]string{"boom": ActionFailed, "fine": ActionRan, "err": ActionFailed, "slow": ActionFailed}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("actions = %v, want %v", got, want)
	}
	if after != 1 {
		t.Errorf("AfterRun called %d times, want 1", after)
	}
	for job, wantErr := range map[string]string{"boom": "panic: kaboom", "err": "no luck", "slow": "context deadline exceeded", "fine": ""} {
		rs := rec.of(job, "finish")
		if len(rs) != 1 || rs[0].note != wantErr {
			t.Errorf("%s recorded as finished %+v, want once with error %q", job, rs, wantErr)
		}
	}
	// A failed slot is not retried.
	if runs := s.RunDue(ctx, clock.Now()); len(runs) != 0 {
		t.Errorf("failed slots ran again: %v", actions(runs, time.UTC))
	}
}

func TestScheduler_DryRunListsAndChangesNothing(t *testing.T) {
	clock := simclock.New(time.Date(2025, 11, 3, 10, 0, 30, 0, time.UTC))
	db, _ := openDB(t, clock)
	rec := newRecorder(db)
	var mu sync.Mutex
	var sent []string // keys of the notices the job handed on for real
	pulse := Job{Name: "pulse", Spec: "0 10 * * MON", Run: func(ctx context.Context, now time.Time) error {
		var ns []mentoring.Notice
		for _, u := range []string{"U1", "U2"} {
			ns = append(ns, mentoring.Notice{Key: "pulse:" + now.Format("2006-01-02") + ":" + u, Kind: mentoring.NoticePulse, UserIDs: []string{u}})
		}
		if DryRun(ctx) {
			Plan(ctx, ns...)
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		for _, n := range ns {
			sent = append(sent, n.Key)
		}
		return nil
	}}
	s := mustNew(t, Options{Clock: clock, Store: rec, DryRun: true, CatchUpWindow: time.Hour}, pulse)
	ctx := context.Background()
	for range 2 {
		runs := s.RunDue(ctx, clock.Now())
		if len(runs) != 1 || runs[0].Action != ActionPlanned || len(runs[0].Notices) != 2 ||
			runs[0].Notices[1].Key != "pulse:2025-11-03:U2" {
			t.Fatalf("dry run = %+v", runs)
		}
	}
	if len(sent) != 0 {
		t.Errorf("dry run sent %v", sent)
	}
	if n := rec.writes(); n != 0 {
		t.Errorf("dry run recorded %d slots: %+v", n, rec.records)
	}
	if last, err := db.LastSlot(ctx, "pulse"); err != nil || !last.IsZero() {
		t.Errorf("after a dry run the last slot is %v, %v; want none", last, err)
	}
	Plan(ctx, mentoring.Notice{Key: "x"}) // outside a dry run: nothing happens
	if DryRun(ctx) {
		t.Error("plain context reports a dry run")
	}

	// The same job for real sends once.
	real := mustNew(t, Options{Clock: clock, Store: db}, pulse)
	real.RunDue(ctx, clock.Now().Add(-time.Hour)) // baseline before the slot
	real.RunDue(ctx, clock.Now())
	real.RunDue(ctx, clock.Now())
	if got := strings.Join(sent, " "); got != "pulse:2025-11-03:U1 pulse:2025-11-03:U2" {
		t.Errorf("real runs sent %s", got)
	}
}

func TestNew_Rejects(t *testing.T) {
	clock := simclock.New(time.Now())
	db, _ := openDB(t, clock)
	ok := func(context.Context, time.Time) error { return nil }
	for _, tc := range []struct {
		name string
		opts Options
		jobs []Job
		want string
	}{
		{"no store", Options{}, nil, "no store"},
		{"bad spec", Options{Store: db}, []Job{{Name: "a", Spec: "61 * * * *", Run: ok}}, "job a"},
		{"own zone", Options{Store: db}, []Job{{Name: "a", Spec: "CRON_TZ=UTC 0 9 * * *", Run: ok}}, "time zone"},
		{"seconds", Options{Store: db}, []Job{{Name: "a", Spec: "0 0 9 * * *", Run: ok}}, "job a"},
		{"twice", Options{Store: db}, []Job{{Name: "a", Spec: "@daily", Run: ok}, {Name: "a", Spec: "@daily", Run: ok}}, "twice"},
		{"no run", Options{Store: db}, []Job{{Name: "a", Spec: "@daily"}}, "no Run"},
		{"no name", Options{Store: db}, []Job{{Spec: "@daily", Run: ok}}, "no name"},
		{"negative window", Options{Store: db, CatchUpWindow: -time.Second}, nil, "window"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.opts, tc.jobs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestScheduler_StartCatchesUpAndStopCancels(t *testing.T) {
	clock := simclock.New(time.Date(2025, 11, 3, 9, 30, 0, 0, time.UTC))
	db, _ := openDB(t, clock)
	ctx := context.Background()
	// The bot ran before: the last slot recorded is a week ago.
	if err := db.SkipSlot(ctx, "weekly", time.Date(2025, 10, 27, 9, 0, 0, 0, time.UTC), "test"); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder(db)
	started := make(chan time.Time, 1)
	s := mustNew(t, Options{Clock: clock, Store: rec, CatchUpWindow: time.Hour}, Job{
		Name: "weekly", Spec: "0 9 * * MON",
		Run: func(ctx context.Context, now time.Time) error {
			started <- now
			<-ctx.Done() // holds on until shutdown cancels it
			return ctx.Err()
		},
	})
	s.Start()
	select {
	case slot := <-started:
		if !slot.Equal(time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("caught up slot %v", slot)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Start did not catch up")
	}
	begin := time.Now()
	s.Stop(50 * time.Millisecond)
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("Stop took %v", took)
	}
	s.Stop(time.Second) // again: nothing
	if rs := rec.of("weekly", "finish"); len(rs) != 1 || rs[0].note != "context canceled" {
		t.Errorf("run after shutdown recorded as %+v", rs)
	}
}
