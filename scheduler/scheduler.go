// Package scheduler runs the programme's timed work. robfig/cron/v3 is only the tick, in
// the programme's time zone; each job is a named func(ctx, now) error, wrapped once with
// panic recovery, a timeout and logging.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one named piece of scheduled work.
type Job struct {
	Name    string
	Spec    string // cron expression (5 fields or a descriptor such as @daily), in the scheduler's zone
	Timeout time.Duration
	Run     func(ctx context.Context, now time.Time) error
}

// Scheduler ticks jobs on their cron schedules.
type Scheduler struct {
	cron *cron.Cron
	log  *slog.Logger
	ctx  context.Context
	stop context.CancelFunc
}

// New parses every job's schedule and returns a Scheduler that has not started. Any bad
// expression is an error naming the job.
func New(loc *time.Location, log *slog.Logger, jobs []Job) (*Scheduler, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, stop := context.WithCancel(context.Background())
	s := &Scheduler{
		cron: cron.New(cron.WithLocation(loc), cron.WithParser(cron.NewParser(
			cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow|cron.Descriptor))),
		log:  log,
		ctx:  ctx,
		stop: stop,
	}
	for _, j := range jobs {
		if _, err := s.cron.AddFunc(j.Spec, s.wrap(j)); err != nil {
			stop()
			return nil, fmt.Errorf("schedule %s %q: %w", j.Name, j.Spec, err)
		}
	}
	return s, nil
}

// wrap runs j with recovery, a timeout and one log line per run.
func (s *Scheduler) wrap(j Job) func() {
	timeout := j.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	return func() {
		now := time.Now().UTC()
		ctx, cancel := context.WithTimeout(s.ctx, timeout)
		defer cancel()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("job panicked", "job", j.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
		}()
		err := j.Run(ctx, now)
		if err != nil {
			s.log.Error("job failed", "job", j.Name, "err", err, "took", time.Since(now))
			return
		}
		s.log.Info("job done", "job", j.Name, "took", time.Since(now))
	}
}

// Start begins ticking.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops ticking, cancels running jobs' contexts after grace, and waits for them.
func (s *Scheduler) Stop(grace time.Duration) {
	done := s.cron.Stop().Done()
	select {
	case <-done:
	case <-time.After(grace):
		s.stop()
		<-done
	}
	s.stop()
}
