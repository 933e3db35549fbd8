package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/outbox"
	"github.com/reverse-mentor/reverse-mentor/scheduler"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// shutdownGrace bounds the whole stop once Run's context ends: Slack-facing work is
// finished or abandoned within it (Slack expects a stop within 5 s of SIGTERM). The bot's
// handlers, the scheduler's jobs and the outbox sender's calls in flight each get half
// of it, side by side.
const shutdownGrace = 4 * time.Second

// authTimeout bounds the auth.test call that checks the token at start.
const authTimeout = 15 * time.Second

// Main is one reverse-mentor process assembled from a Config: the database, the domain
// service, the Slack bot, the outbox sender and the scheduler with its job table. The
// run command, the demo and the end-to-end tests all build the app through it. Set the
// exported fields, then call Open, Run (until its context ends) and Close.
//
// The parts stay inside: drivers reach the domain through Service and Slack through
// Slack itself. The clock and Config.Slack.APIURL are the only seams for tests.
//
// Time. With Clock nil, Main runs on the wall clock: Run ticks the scheduler on its cron
// schedules and runs the outbox sender's loop. With Clock set, time belongs to the
// driver and nothing in Main moves by itself: Run serves Slack, and after moving its
// clock the driver calls RunDue to run the job slots due at Clock.Now() and deliver what
// they and the use cases queued, or Settle to deliver only.
type Main struct {
	// Config is the validated configuration.
	Config Config
	// Log receives the process's logs; nil discards them.
	Log *slog.Logger
	// DryRun runs scheduled jobs in dry-run mode (they list what they would send) and
	// leaves the outbox alone.
	DryRun bool
	// Clock is a simulated clock that the driver moves, or nil for the wall clock.
	Clock mentoring.Clock

	clock     mentoring.Clock // Clock, or the wall clock
	simulated bool            // Clock was set: the driver runs due work

	db     *store.DB
	svc    *mentoring.Service
	bot    *bot.Bot
	sender *outbox.Sender
	sched  *scheduler.Scheduler

	settleMu sync.Mutex // one Sender.Drain at a time
}

// Open checks the Slack token with auth.test, then opens the database (creating it),
// holds it as the one running instance (store.DB.Hold: another live process holding it
// is an error), and builds the service, the bot, the outbox sender and the scheduler. The token is checked
// first so that a bad one never leaves a database file behind. Call Close even when Open
// fails.
func (m *Main) Open(ctx context.Context) error {
	if m.Log == nil {
		m.Log = slog.New(slog.DiscardHandler)
	}
	m.clock, m.simulated = m.Clock, m.Clock != nil
	if m.clock == nil {
		m.clock = mentoring.WallClock{}
	}
	loc, err := m.Config.location()
	if err != nil {
		return err
	}
	if err := m.checkSlack(ctx); err != nil {
		return err
	}

	db, err := store.Open(ctx, m.Config.Database.Path, store.WithLogger(m.Log.With("component", "store")))
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	db.Clock = m.clock
	m.db = db
	// One running instance per database: holding it proves that whoever leased outbox
	// rows before is gone, so those rows are reconciled now rather than after their lease.
	instance, reclaimed, err := db.Hold(ctx)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.Log.Info("holding the database", "instance", instance, "outbox_rows_taken_back", reclaimed)
	m.svc = mentoring.NewService(db, m.clock, m.Config.serviceOptions(loc))
	m.bot, err = bot.New(m.svc, db, bot.Options{
		AppToken:  m.Config.Slack.AppToken,
		BotToken:  m.Config.Slack.BotToken,
		APIURL:    m.Config.Slack.APIURL,
		Workers:   m.Config.Bot.Workers,
		QueueSize: m.Config.Bot.QueueSize,
		Clock:     m.clock,
		Logger:    m.Log.With("component", "bot"),
		Notify:    m.notify,
		Outbox:    m.outboxStatus,

		RetryFailed: m.retryFailed,
		QuietGap:    m.quietGap(),
	})
	if err != nil {
		return err
	}
	m.sender, err = m.newSender()
	if err != nil {
		return err
	}
	m.sched, err = scheduler.New(scheduler.Options{
		Location: loc, Clock: m.clock, Store: m.db,
		CatchUpWindow: m.Config.Schedule.CatchUpWindow, Logger: m.Log.With("component", "scheduler"),
		DryRun: m.DryRun, AfterRun: func(string) { m.notify() },
	}, m.jobs())
	return err
}

// checkSlack calls auth.test with the bot token, so a bad token stops the process at
// start rather than at first use.
func (m *Main) checkSlack(ctx context.Context) error {
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: authTimeout})}
	if m.Config.Slack.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(m.Config.Slack.APIURL))
	}
	ctx, cancel := context.WithTimeout(ctx, authTimeout)
	defer cancel()
	who, err := slack.New(m.Config.Slack.BotToken, opts...).AuthTestContext(ctx)
	if err != nil {
		return fmt.Errorf("slack auth.test: %w", err)
	}
	m.Log.Info("authenticated", "team", who.Team, "bot_user", who.UserID)
	return nil
}

// sendWorkers is how many messages the outbox sends at once: the sender's default on the
// wall clock, one with a simulated Clock.
func (m *Main) sendWorkers() int {
	if m.simulated {
		return 1
	}
	return 0
}

// quietGap is the bot's hold-back after an envelope: its default on the wall clock;
// none with a simulated Clock, whose driver acts one envelope at a time and waits for
// each.
func (m *Main) quietGap() time.Duration {
	if m.simulated {
		return -1
	}
	return 0
}

// notify wakes the outbox sender after something was queued.
func (m *Main) notify() {
	if m.sender != nil {
		m.sender.Notify()
	}
}

// Service returns the domain service, for drivers that act as the programme would
// (the demo, tests). Call it after Open.
func (m *Main) Service() *mentoring.Service { return m.svc }

// Ready is closed once Run's first Socket Mode connection is up. Call it after Open.
func (m *Main) Ready() <-chan struct{} { return m.bot.Ready() }

// Run serves until ctx ends, then stops within four seconds: the bot finishes or
// abandons its handlers, the scheduler its jobs and the outbox sender its calls in flight
// (a send cut short is reconciled at the next start). On the wall clock it also ticks the
// scheduler and runs the sender's loop, unless DryRun leaves the outbox alone; with a
// simulated Clock the driver does both (see RunDue). It returns early, with an error,
// when Slack refuses the connection.
func (m *Main) Run(ctx context.Context) error {
	if m.sched == nil { // built last: Open got to the end
		return errors.New("app: Run before a successful Open")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	senderDone := make(chan error, 1)
	switch {
	case m.DryRun:
		queued := 0
		if st, err := m.db.OutboxStats(ctx); err == nil {
			queued = st.Queued()
		}
		m.Log.Info("dry run: scheduled jobs list what they would send; the outbox is not drained", "queued", queued)
		senderDone <- nil
	case m.simulated:
		senderDone <- nil // the driver delivers through Settle
	default:
		go func() { senderDone <- m.sender.Run(ctx) }()
	}
	if !m.simulated {
		m.sched.Start()
	}
	schedStopped := make(chan struct{})
	go func() {
		<-ctx.Done()
		m.sched.Stop(shutdownGrace / 2)
		close(schedStopped)
	}()

	m.Log.Info("serving")
	err := m.bot.Run(ctx, shutdownGrace/2)
	cancel()
	<-schedStopped
	select {
	case serr := <-senderDone:
		if serr != nil && !errors.Is(serr, context.Canceled) {
			m.Log.Error("outbox sender", "err", serr)
		}
	case <-time.After(shutdownGrace / 2):
		m.Log.Warn("outbox sender still stopping")
	}
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// RunDue is for drivers of a simulated Clock. It runs every job slot due at
// Clock.Now(), catching up those missed since the last call as after a restart, then
// delivers what is due now (see Settle). It returns the errors of the slots that failed
// and of the delivery. On the wall clock Run ticks by itself and RunDue is an error.
func (m *Main) RunDue(ctx context.Context) error {
	if err := m.requireSimulated("RunDue"); err != nil {
		return err
	}
	var errs []error
	for _, r := range m.sched.RunDue(ctx, m.clock.Now()) {
		if r.Action == scheduler.ActionFailed {
			errs = append(errs, fmt.Errorf("job %s at %s: %w", r.Job, r.Slot.Format(time.RFC3339), r.Err))
		}
	}
	return errors.Join(append(errs, m.Settle(ctx))...)
}

// Settle is for drivers of a simulated Clock. It waits until the bot has handled every
// envelope it acknowledged, then delivers every outbox message due at Clock.Now() and
// returns once none is due and none is in flight, or when ctx ends.
// Messages that come due later, such as a retry after a backoff, wait for the clock to
// move and the next Settle. In a dry run it sends nothing. On the wall clock the
// sender's own loop delivers and Settle is an error.
func (m *Main) Settle(ctx context.Context) error {
	if err := m.requireSimulated("Settle"); err != nil {
		return err
	}
	if m.DryRun {
		return nil
	}
	m.settleMu.Lock()
	defer m.settleMu.Unlock()
	if err := m.bot.Idle(ctx); err != nil {
		return err
	}
	return m.sender.Drain(ctx)
}

// requireSimulated refuses what only a driver of a simulated clock may call.
func (m *Main) requireSimulated(what string) error {
	switch {
	case m.sched == nil:
		return fmt.Errorf("app: %s before a successful Open", what)
	case !m.simulated:
		return fmt.Errorf("app: %s needs a simulated Clock; on the wall clock Run does it", what)
	}
	return nil
}

// Close closes the database. It is safe after a failed Open and after an earlier Close;
// call it after Run has returned.
func (m *Main) Close() error {
	if m.db == nil {
		return nil
	}
	err := m.db.Close()
	m.db = nil
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}
