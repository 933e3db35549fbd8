// Package bot is the Slack surface of reverse-mentor: the Socket Mode loop, routing of
// slash commands, interactions and events, modals, the App Home, Block Kit rendering and
// the Japanese and English message catalogs. It acknowledges every envelope first and
// does the work after, on a bounded pool, so the loop never blocks.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Programme is everything the bot needs of the domain: the union of the small
// interfaces its parts declare where they use them. *mentoring.Service implements it.
type Programme interface {
	Profiles
	Participants
	Languages
	Rounds
	Figures
	Admins
	Sessions
	Summaries
	Cycles
	Surveys
	Exports
}

// EventLog remembers which Events API events were handled, so that Slack's retries of
// one event (same event_id, new envelope) are handled once.
type EventLog interface {
	MarkEventSeen(ctx context.Context, eventID string, at time.Time) (first bool, err error)
}

// Options configure a Bot.
type Options struct {
	AppToken, BotToken string
	APIURL             string // Web API base URL ending in "/"; empty for Slack's
	Workers            int    // handler goroutines; default 16
	QueueSize          int    // pending handler jobs before the bot answers "busy"; default 1024
	Clock              mentoring.Clock
	Logger             *slog.Logger
	HTTPClient         *http.Client // for the Web API and response_url; default with a 30 s timeout
	PingInterval       time.Duration
	// Notify, when set, is called after a use case queued messages in the outbox (an
	// approved round), so the sender sends them at once instead of at its next poll.
	Notify func()
	// Outbox, when set, reports the outbox's state for HR admins' views.
	Outbox func(ctx context.Context) (OutboxStatus, error)
	// RetryFailed, when set, puts the failed outbox messages of ids back in the queue,
	// each at most once, and returns how many it queued; HR admins' retry button calls it.
	RetryFailed func(ctx context.Context, ids []int64) (int, error)
	// QuietGap is how long workers hold back after the loop took an envelope, so that a
	// burst is acknowledged before the slow work competes for the CPU; default 5 ms. A
	// negative value turns the hold-back off, for a driver that steps envelopes one at a
	// time and waits for each (see Idle).
	QuietGap time.Duration
}

// Bot serves one Slack workspace over Socket Mode.
type Bot struct {
	api *slack.Client
	sm  *socketmode.Client

	// What the bot needs of the domain, by concern.
	profiles Profiles
	people   Participants
	langs    Languages
	rounds   Rounds
	figures  Figures
	admins   Admins
	sessions Sessions
	events   EventLog

	// What HR's follow-up needs of the domain: summaries, cycles, surveys, the export.
	summaries Summaries
	cycles    Cycles
	surveys   Surveys
	exports   Exports

	// The tables that route slash commands, button clicks and modal submissions.
	commands *commandTable
	actions  map[string]blockAction
	views    map[string]viewCallback

	cat         *Catalog
	clock       mentoring.Clock
	log         *slog.Logger
	http        *http.Client
	pool        *pool
	acks        *acker
	refusals    *refusals
	origin      origin // of the envelope being dispatched; the loop goroutine's alone
	users       *directory
	ready       chan struct{}
	onReady     sync.Once
	notify      func()
	outbox      func(ctx context.Context) (OutboxStatus, error)
	retryFailed func(ctx context.Context, ids []int64) (int, error)
}

// New returns a Bot; Run connects it.
func New(prog Programme, events EventLog, opts Options) (*Bot, error) {
	if opts.AppToken == "" || opts.BotToken == "" {
		return nil, errors.New("bot: app and bot tokens are required")
	}
	if opts.Workers <= 0 {
		opts.Workers = 16
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = 1024
	}
	if opts.Clock == nil {
		opts.Clock = mentoring.WallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// No log line of the bot carries a token or a response_url, whatever it logs.
	opts.Logger = slog.New(safeHandler{opts.Logger.Handler()})
	if opts.HTTPClient == nil {
		// Keep connections to Slack open for every worker: the default of two idle
		// connections per host makes a busy pool dial again for most calls.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 4 * opts.Workers
		tr.MaxIdleConnsPerHost = 2 * opts.Workers
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	cat, err := NewCatalog(prog.DefaultLanguage())
	if err != nil {
		return nil, err
	}
	commands, err := newCommandTable(slashCommands())
	if err != nil {
		return nil, err
	}
	actions, err := newActionTable(blockActions())
	if err != nil {
		return nil, err
	}
	views, err := newViewTable(viewCallbacks())
	if err != nil {
		return nil, err
	}
	apiOpts := []slack.Option{slack.OptionAppLevelToken(opts.AppToken), slack.OptionHTTPClient(opts.HTTPClient)}
	if opts.APIURL != "" {
		apiOpts = append(apiOpts, slack.OptionAPIURL(opts.APIURL))
	}
	api := slack.New(opts.BotToken, apiOpts...)
	smOpts := []socketmode.Option{socketmode.OptionLog(slogPrinter{opts.Logger})}
	if opts.PingInterval > 0 {
		smOpts = append(smOpts, socketmode.OptionPingInterval(opts.PingInterval))
	}
	b := &Bot{
		api:      api,
		sm:       socketmode.New(api, smOpts...),
		profiles: prog,
		people:   prog,
		langs:    prog,
		rounds:   prog,
		figures:  prog,
		admins:   prog,
		sessions: prog,
		events:   events,
		commands: commands,
		actions:  actions,
		views:    views,
		cat:      cat,
		clock:    opts.Clock,
		log:      opts.Logger,
		http:     opts.HTTPClient,
		ready:    make(chan struct{}),
		notify:   opts.Notify,
		outbox:   opts.Outbox,

		summaries: prog,
		cycles:    prog,
		surveys:   prog,
		exports:   prog,

		retryFailed: opts.RetryFailed,
	}
	if b.notify == nil {
		b.notify = func() {}
	}
	b.pool = newPool(opts.Workers, opts.QueueSize, opts.QuietGap, b.log)
	b.acks = newAcker(b.sm, b.log)
	b.refusals = newRefusals(b.log)
	b.users = newDirectory(api, opts.Clock, time.Hour)
	b.users.onDeleted = b.userDeactivated
	return b, nil
}

// API returns the bot's Web API client, for other adapters (the outbox sender) to share.
func (b *Bot) API() *slack.Client { return b.api }

// Idle returns once every envelope acknowledged so far has been handled: no job is
// queued or running. A driver of a simulated clock calls it before moving the clock, so
// everything a person's action caused happens at the time of the action.
func (b *Bot) Idle(ctx context.Context) error { return b.pool.wait(ctx) }

// Ready is closed once the first Socket Mode connection is up.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

// Check calls auth.test, so a bad token stops the program at start, not at first use.
func (b *Bot) Check(ctx context.Context) (*slack.AuthTestResponse, error) {
	res, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("slack auth.test: %w", err)
	}
	return res, nil
}

// Run serves until ctx ends, then waits for in-flight handlers (up to drain) and returns.
// It returns early with an error when Slack refuses the tokens.
func (b *Bot) Run(ctx context.Context, drain time.Duration) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.pool.start(runCtx)
	var helpers sync.WaitGroup
	helpers.Go(func() { b.acks.run(runCtx) })
	helpers.Go(func() { b.refusals.run(runCtx) })
	defer helpers.Wait()
	smErr := make(chan error, 1)
	go func() { smErr <- b.sm.RunContext(runCtx) }()
	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-smErr:
			if errors.Is(err, context.Canceled) {
				err = nil
			} else {
				err = fmt.Errorf("socket mode: %w", err)
			}
			break loop
		case evt := <-b.sm.Events:
			b.dispatch(runCtx, evt)
		}
	}
	cancel()
	b.pool.stop(drain)
	return err
}

// slogPrinter adapts slog to slack-go's logger interface, at debug level.
type slogPrinter struct{ log *slog.Logger }

// Output implements slack-go's logger.
func (p slogPrinter) Output(_ int, s string) error {
	p.log.Debug("slack-go", "msg", s)
	return nil
}
