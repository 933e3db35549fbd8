package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/scheduler"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// shutdownGrace bounds the whole stop after SIGTERM: Slack-facing work is finished or
// abandoned within it and the database closed (Slack expects a stop within 5 s).
const shutdownGrace = 4 * time.Second

// runServe is `reverse-mentor run`.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	path := configFlag(fs)
	dryRun := fs.Bool("dry-run", false, "scheduled jobs log what they would send instead of sending it; the outbox is not drained")
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	cfg, err := LoadConfig(*path, environ(), RequireSlack|RequireDatabase)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	log := newLogger(cfg.Log, stderr)
	m := &Main{Config: cfg, Log: log, DryRun: *dryRun}
	if err := m.Open(ctx); err != nil {
		log.Error("start failed", "err", bot.Redact(err.Error()))
		m.Close()
		return exitFailed
	}
	err = m.Run(ctx)
	m.Close()
	if err != nil {
		log.Error("stopped with an error", "err", bot.Redact(err.Error()))
		return exitFailed
	}
	log.Info("stopped")
	return exitOK
}

// Main is one running reverse-mentor: the database, the domain service, the Slack bot
// and the scheduler, wired from the configuration.
type Main struct {
	Config app.Config
	Log    *slog.Logger
	Clock  mentoring.Clock
	// DryRun runs scheduled jobs in dry-run mode (they list what they would send) and
	// leaves the outbox alone.
	DryRun bool

	DB        *store.DB
	Service   *mentoring.Service
	Bot       *bot.Bot
	Scheduler *scheduler.Scheduler
	Sender    *scheduler.Sender
}

// Open opens the database, builds the service and the bot, and checks the bot token
// with auth.test so a bad token fails at start.
func (m *Main) Open(ctx context.Context) error {
	if m.Clock == nil {
		m.Clock = mentoring.WallClock{}
	}
	db, err := store.Open(ctx, m.Config.Database.Path)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.DB = db
	m.Service = mentoring.NewService(db, m.Clock, serviceOptions(m.Config))
	b, err := bot.New(m.Service, db, bot.Options{
		AppToken:  m.Config.Slack.AppToken,
		BotToken:  m.Config.Slack.BotToken,
		APIURL:    m.Config.Slack.APIURL,
		Workers:   m.Config.Bot.Workers,
		QueueSize: m.Config.Bot.QueueSize,
		Clock:     m.Clock,
		Logger:    m.Log.With("component", "bot"),
		Notify:    func() { m.Sender.Notify() },
		Outbox:    m.outboxStatus,
	})
	if err != nil {
		return err
	}
	m.Bot = b
	checkCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	who, err := b.Check(checkCtx)
	if err != nil {
		return err
	}
	m.Log.Info("authenticated", "team", who.Team, "bot_user", who.UserID)
	m.Sender, err = scheduler.NewSender(scheduler.SenderOptions{
		Store: db, Slack: b.API(), Renderer: b, Clock: m.Clock, Logger: m.Log.With("component", "outbox"),
		RatePerSecond: m.Config.Outbox.RatePerSecond, Burst: m.Config.Outbox.Burst,
		Lease: m.Config.Outbox.Lease, RequestTimeout: m.Config.Outbox.RequestTimeout,
		ShutdownGrace: shutdownGrace / 2,
	})
	if err != nil {
		return err
	}
	m.Scheduler, err = scheduler.New(scheduler.Options{
		Location: m.Config.Program.Location, Clock: m.Clock, Store: db,
		CatchUpWindow: m.Config.Schedule.CatchUpWindow, Logger: m.Log.With("component", "scheduler"),
		DryRun: m.DryRun, AfterRun: func(string) { m.Sender.Notify() },
	}, m.jobs())
	return err
}

// jobs is the table of scheduled work.
func (m *Main) jobs() []scheduler.Job {
	return []scheduler.Job{{
		Name: "prune-events",
		Spec: "@daily",
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				return nil
			}
			n, err := m.DB.PruneEvents(ctx, now.Add(-7*24*time.Hour))
			if err == nil && n > 0 {
				m.Log.Info("pruned handled events", "count", n)
			}
			return err
		},
	}, {
		Name: "prune-outbox",
		Spec: "@daily",
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				return nil
			}
			n, err := m.DB.PruneOutbox(ctx, now.AddDate(0, 0, -90))
			if err == nil && n > 0 {
				m.Log.Info("pruned sent messages", "count", n)
			}
			return err
		},
	}}
}

// Run serves until ctx ends (SIGINT or SIGTERM), then stops within shutdownGrace: the
// bot finishes or abandons its handlers, the scheduler its jobs, and the outbox sender
// its sends in flight (a send cut short is reconciled at the next start).
func (m *Main) Run(ctx context.Context) error {
	senderDone := make(chan error, 1)
	if m.DryRun {
		m.Log.Info("dry run: scheduled jobs list what they would send; the outbox is not drained")
		senderDone <- nil
	} else {
		go func() { senderDone <- m.Sender.Run(ctx) }()
	}
	m.Scheduler.Start()
	m.Log.Info("serving")
	err := m.Bot.Run(ctx, shutdownGrace/2)
	m.Scheduler.Stop(shutdownGrace / 2)
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

// Close releases what Open took; it is safe after a failed Open.
func (m *Main) Close() {
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			m.Log.Error("close database", "err", err)
		}
	}
}

// outboxStatus reports the outbox for HR admins' views.
func (m *Main) outboxStatus(ctx context.Context) (bot.OutboxStatus, error) {
	st, err := m.DB.OutboxStats(ctx)
	if err != nil {
		return bot.OutboxStatus{}, err
	}
	return bot.OutboxStatus{Queued: st.Queued(), Sent: st.Sent, Retried: st.Retried, Failed: st.Failed, OldestQueued: st.OldestPending}, nil
}

// serviceOptions maps the configuration onto the domain's options.
func serviceOptions(c app.Config) mentoring.Options {
	var catalogue mentoring.Catalogue
	for _, t := range c.Program.Topics {
		catalogue = append(catalogue, mentoring.Topic{ID: t.ID, EN: t.EN, JA: t.JA})
	}
	lang, _ := mentoring.ParseLang(c.Program.Language)
	return mentoring.Options{
		Language:    lang,
		Catalogue:   catalogue,
		Departments: c.Program.Departments,
		Cadence:     mentoring.Cadence(c.Program.DefaultCadence),
		Admins:      c.Program.Admins,

		AllowSameDepartment: c.Program.AllowSameDepartment,
		RepeatWindowRounds:  c.Program.RepeatWindowRounds,
	}
}

// newLogger builds the process logger from the log settings.
func newLogger(c app.LogConfig, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// environ is the process environment, read once at load.
func environ() []string { return os.Environ() }
