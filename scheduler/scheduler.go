// Package scheduler runs the programme's timed work: jobs are a named table of
// func(ctx, now) error, and robfig/cron/v3 is only the tick, in the programme's time
// zone. Due work is data in the database: before a job runs a slot it claims (job, slot)
// through the Store, so a restart, two instances started by mistake or a DST repeat
// never run a slot twice; slots missed while the bot was down are caught up once within
// a bounded window and older ones recorded as skipped. Every run is wrapped once with
// panic recovery, a timeout and logging. In a dry run jobs list what they would send
// instead of sending it (see DryRun and Plan). The clock is injected, so tests and the
// demo drive RunDue through weeks in moments.
//
// Jobs only enqueue what they owe people; delivering it is the outbox package's work.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/robfig/cron/v3"
)

// Job is one named piece of scheduled work.
type Job struct {
	Name    string
	Spec    string        // cron expression (5 fields or a descriptor such as @daily), in the scheduler's zone
	Timeout time.Duration // default DefaultJobTimeout
	// Run does the work of the slot that is due at now: now is the slot's scheduled
	// instant, not the moment it runs, so a caught-up slot sees the time it was meant
	// for and keys its notices by it. In a dry run (DryRun(ctx)) it must change nothing
	// and hand its notices to Plan.
	Run func(ctx context.Context, now time.Time) error
}

// Store is what the scheduler needs of the database: durable, exclusive claims on slots.
type Store interface {
	// ClaimSlot records that owner runs job's slot; false means it is taken.
	ClaimSlot(ctx context.Context, job string, slot time.Time, owner string) (bool, error)
	// FinishSlot records the end of a claimed slot, failed when err is not nil.
	FinishSlot(ctx context.Context, job string, slot time.Time, err error) error
	// SkipSlot records a slot that will not run, unless it is recorded already.
	SkipSlot(ctx context.Context, job string, slot time.Time, reason string) error
	// LastSlot returns the latest slot recorded for job, zero when none.
	LastSlot(ctx context.Context, job string) (time.Time, error)
}

// Defaults for Options and Job.
const (
	DefaultJobTimeout    = 10 * time.Minute
	DefaultSweepInterval = time.Minute
	// OnTime is how late a slot may run and still count as on time: it runs even when
	// CatchUpWindow is zero. It covers a tick that fires late or a sweep a minute apart.
	OnTime = 2 * time.Minute
	// maxSkipRecords bounds how many missed slots one catch-up records as skipped; older
	// ones are only counted in the log.
	maxSkipRecords = 100
	// maxScan bounds the slots one catch-up looks through.
	maxScan = 1_000_000
)

// Options configure a Scheduler.
type Options struct {
	Location *time.Location  // the programme's zone; default UTC
	Clock    mentoring.Clock // default the wall clock
	Store    Store           // required
	// CatchUpWindow is how old the newest missed slot may be and still run once after a
	// restart; slots older than it, and every missed slot but the newest, are recorded as
	// skipped. Slots up to OnTime late always run.
	CatchUpWindow time.Duration
	// DryRun runs due jobs in dry-run mode: nothing is claimed or recorded, and jobs list
	// what they would send (see DryRun and Plan) instead of sending it.
	DryRun bool
	Logger *slog.Logger // default discards
	// Owner names this instance in claimed slots; default host:pid:random.
	Owner string
	// SweepInterval is how often every job is checked for due slots besides its own cron
	// tick, which catches anything a late or missed tick left; default one minute.
	SweepInterval time.Duration
	// AfterRun, when set, is called after each slot that ran without error, e.g. to wake
	// the outbox sender for the notices the job enqueued.
	AfterRun func(job string)
}

// Scheduler runs jobs on their schedules. Create it with New.
type Scheduler struct {
	opts Options
	log  *slog.Logger
	jobs []*job

	cron     *cron.Cron
	ctx      context.Context // cancelled when Stop's grace runs out
	cancel   context.CancelFunc
	running  sync.WaitGroup // ticks in progress
	stopOnce sync.Once
}

// job is a Job with its parsed schedule.
type job struct {
	Job
	sched schedule
	mu    sync.Mutex // one catch-up of this job at a time within the instance
}

// SlotRun reports what RunDue did with one slot.
type SlotRun struct {
	Job  string
	Slot time.Time
	// Action is "ran", "failed", "skipped", "taken" (another instance or an earlier run
	// has the slot) or, in a dry run, "planned" or "would skip".
	Action string
	// Reason says why a slot was skipped.
	Reason string
	// Err is the run's error for "failed".
	Err error
	// Notices are what a dry run would send.
	Notices []mentoring.Notice
}

// SlotRun actions.
const (
	ActionRan       = "ran"
	ActionFailed    = "failed"
	ActionSkipped   = "skipped"
	ActionTaken     = "taken"
	ActionPlanned   = "planned"
	ActionWouldSkip = "would skip"
)

// New checks the options, parses every job's schedule and returns a Scheduler that has
// not started. Every problem is reported, each naming its job.
func New(opts Options, jobs []Job) (*Scheduler, error) {
	var problems []error
	if opts.Store == nil {
		problems = append(problems, errors.New("no store"))
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Clock == nil {
		opts.Clock = mentoring.WallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Owner == "" {
		opts.Owner = defaultOwner()
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	if opts.CatchUpWindow < 0 {
		problems = append(problems, fmt.Errorf("negative catch-up window %s", opts.CatchUpWindow))
	}
	s := &Scheduler{opts: opts, log: opts.Logger}
	names := map[string]bool{}
	for _, j := range jobs {
		switch {
		case j.Name == "":
			problems = append(problems, fmt.Errorf("a job with spec %q has no name", j.Spec))
			continue
		case names[j.Name]:
			problems = append(problems, fmt.Errorf("job %s: name used twice", j.Name))
			continue
		case j.Run == nil:
			problems = append(problems, fmt.Errorf("job %s: no Run", j.Name))
			continue
		}
		names[j.Name] = true
		sc, err := parseSchedule(j.Spec, opts.Location)
		if err != nil {
			problems = append(problems, fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err))
			continue
		}
		if j.Timeout <= 0 {
			j.Timeout = DefaultJobTimeout
		}
		s.jobs = append(s.jobs, &job{Job: j, sched: sc})
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// defaultOwner names this process: host, pid and a random suffix.
func defaultOwner() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Start begins ticking: each job on its own cron schedule in the programme's zone, every
// job again each SweepInterval, and once straight away to catch up on slots missed while
// the bot was down. It returns at once.
func (s *Scheduler) Start() {
	s.cron = cron.New(cron.WithLocation(s.opts.Location))
	for _, j := range s.jobs {
		s.cron.Schedule(j.sched.spec, cron.FuncJob(func() { s.tick(j) }))
	}
	s.cron.Schedule(cron.Every(s.opts.SweepInterval), cron.FuncJob(s.sweep))
	s.cron.Start()
	s.running.Go(s.sweep)
}

// sweep checks every job once.
func (s *Scheduler) sweep() {
	for _, j := range s.jobs {
		s.tick(j)
	}
}

// tick runs j's due slots unless a catch-up of j is already in progress or the
// scheduler is stopping.
func (s *Scheduler) tick(j *job) {
	if s.ctx.Err() != nil || !j.mu.TryLock() {
		return
	}
	defer j.mu.Unlock()
	s.running.Add(1)
	defer s.running.Done()
	s.runDue(s.ctx, j, s.opts.Clock.Now())
}

// Stop stops ticking and waits for running jobs: they get grace to finish, then their
// contexts are cancelled and Stop waits for them to return. Later calls do nothing.
func (s *Scheduler) Stop(grace time.Duration) {
	s.stopOnce.Do(func() {
		var cronDone <-chan struct{} = closedChan()
		if s.cron != nil {
			cronDone = s.cron.Stop().Done()
		}
		done := make(chan struct{})
		go func() {
			<-cronDone
			s.running.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(grace):
			s.log.Warn("jobs still running at shutdown: cancelling them")
			s.cancel()
			<-done
		}
		s.cancel()
	})
}

// closedChan returns a closed channel.
func closedChan() <-chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// RunDue runs, for every job in table order, the slot that is due at now, and records
// the slots missed before it as skipped; see Options.CatchUpWindow. It returns what it
// did with each slot. Tests and the demo call it with a fake clock's time; in production
// the ticks started by Start call it.
func (s *Scheduler) RunDue(ctx context.Context, now time.Time) []SlotRun {
	var runs []SlotRun
	for _, j := range s.jobs {
		j.mu.Lock()
		runs = append(runs, s.runDue(ctx, j, now)...)
		j.mu.Unlock()
	}
	return runs
}

// runDue handles j's slots due at now. The caller holds j.mu.
func (s *Scheduler) runDue(ctx context.Context, j *job, now time.Time) []SlotRun {
	log := s.log.With("job", j.Name)
	last, err := s.opts.Store.LastSlot(ctx, j.Name)
	if err != nil {
		log.Error("read last slot", "err", err)
		return nil
	}
	if last.IsZero() {
		if !s.opts.DryRun {
			// First sight of this job: nothing before now was missed. Record where
			// counting starts, so slots from here on are caught up after a restart.
			if err := s.opts.Store.SkipSlot(ctx, j.Name, now, "baseline: scheduler first started"); err != nil {
				log.Error("record baseline", "err", err)
			}
			return nil
		}
		last = now.Add(-max(s.opts.CatchUpWindow, OnTime))
	}

	slots, total := s.dueSlots(j, last, now)
	if total == 0 {
		return nil
	}
	var runs []SlotRun
	newest := slots[len(slots)-1]
	if missed := total - 1; missed > 0 {
		reason := fmt.Sprintf("missed; slot %s ran or was skipped instead", newest.Format(time.RFC3339))
		if missed > len(slots)-1 {
			log.Warn("missed slots not recorded", "count", missed-(len(slots)-1))
		}
		for _, slot := range slots[:len(slots)-1] {
			runs = append(runs, s.skip(ctx, j, slot, reason))
		}
	}
	if late := now.Sub(newest); late > max(s.opts.CatchUpWindow, OnTime) {
		reason := fmt.Sprintf("missed by %s, beyond the catch-up window of %s",
			late.Round(time.Second), s.opts.CatchUpWindow)
		return append(runs, s.skip(ctx, j, newest, reason))
	}
	return append(runs, s.run(ctx, j, newest, now))
}

// dueSlots returns the slots of j after last and at or before now, oldest first: the
// newest maxSkipRecords+1 of them, and how many there are in all.
func (s *Scheduler) dueSlots(j *job, last, now time.Time) ([]time.Time, int) {
	var ring []time.Time
	total := 0
	for t := last; total < maxScan; {
		t = j.sched.next(t)
		if t.IsZero() || t.After(now) {
			break
		}
		total++
		ring = append(ring, t)
		if len(ring) > 2*(maxSkipRecords+1) {
			ring = append(ring[:0], ring[len(ring)-(maxSkipRecords+1):]...)
		}
	}
	if len(ring) > maxSkipRecords+1 {
		ring = ring[len(ring)-(maxSkipRecords+1):]
	}
	return ring, total
}

// skip records slot as skipped (or, in a dry run, reports that it would be).
func (s *Scheduler) skip(ctx context.Context, j *job, slot time.Time, reason string) SlotRun {
	r := SlotRun{Job: j.Name, Slot: slot, Action: ActionSkipped, Reason: reason}
	if s.opts.DryRun {
		r.Action = ActionWouldSkip
		return r
	}
	if err := s.opts.Store.SkipSlot(ctx, j.Name, slot, reason); err != nil {
		s.log.Error("record skipped slot", "job", j.Name, "slot", slot, "err", err)
		r.Err = err
	}
	s.log.Info("slot skipped", "job", j.Name, "slot", slot, "reason", reason)
	return r
}

// run claims slot and runs it, or, in a dry run, runs it without claiming and reports
// its plan.
func (s *Scheduler) run(ctx context.Context, j *job, slot, now time.Time) SlotRun {
	r := SlotRun{Job: j.Name, Slot: slot}
	log := s.log.With("job", j.Name, "slot", slot)
	if s.opts.DryRun {
		pctx, p := withPlan(ctx)
		r.Err = s.call(pctx, j, slot)
		r.Notices = p.take()
		r.Action = ActionPlanned
		for _, n := range r.Notices {
			log.Info("dry run: would send", "key", n.Key, "kind", n.Kind, "users", n.UserIDs, "channel", n.Channel)
		}
		if r.Err != nil {
			log.Error("dry run failed", "err", r.Err)
		}
		return r
	}

	won, err := s.opts.Store.ClaimSlot(ctx, j.Name, slot, s.opts.Owner)
	if err != nil {
		log.Error("claim slot", "err", err)
		r.Action, r.Err = ActionFailed, err
		return r
	}
	if !won {
		log.Debug("slot taken")
		r.Action = ActionTaken
		return r
	}
	started := s.opts.Clock.Now()
	r.Err = s.call(ctx, j, slot)
	took := s.opts.Clock.Now().Sub(started)

	// Record the outcome even when ctx ended: the slot must not stay claimed.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.opts.Store.FinishSlot(fctx, j.Name, slot, r.Err); err != nil {
		log.Error("record slot outcome", "err", err)
	}
	if r.Err != nil {
		r.Action = ActionFailed
		log.Error("job failed", "err", r.Err, "took", took, "late", now.Sub(slot))
		return r
	}
	r.Action = ActionRan
	log.Info("job done", "took", took, "late", now.Sub(slot))
	if s.opts.AfterRun != nil {
		s.opts.AfterRun(j.Name)
	}
	return r
}

// call runs j for slot with its timeout, turning a panic into an error.
func (s *Scheduler) call(ctx context.Context, j *job, slot time.Time) (err error) {
	ctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("job panicked", "job", j.Name, "slot", slot, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx, slot)
}
