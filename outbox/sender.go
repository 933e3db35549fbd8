package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
	"github.com/slack-go/slack"
)

// OutboxEventType is the message metadata event type of every message the Sender posts;
// its payload is {"key": the notice's key}. After a crash the Sender looks for it in
// conversations.history to learn whether a message it may have sent was posted.
const OutboxEventType = "reverse_mentor_outbox"

// Slack methods the Sender calls.
const (
	methodPost    = "chat.postMessage"
	methodOpen    = "conversations.open"
	methodHistory = "conversations.history"
)

// Renderer turns a notice into a Slack message: text (the notification and fallback)
// and optional blocks. The bot implements it from its message catalogs.
type Renderer interface {
	Render(ctx context.Context, n mentoring.Notice) (text string, blocks []slack.Block, err error)
}

// SlackAPI is the part of the Slack Web API the Sender uses; *slack.Client has it. Give
// the client no retry option: the Sender does its own retries.
type SlackAPI interface {
	PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
}

// OutboxStore is what the Sender needs of the database.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error)
	MarkSent(ctx context.Context, id int64, attempt int, channel, ts string) error
	MarkRetry(ctx context.Context, id int64, attempt int, next time.Time, reason string, uncertain bool) error
	MarkFailed(ctx context.Context, id int64, attempt int, reason string) error
	ReleaseOutbox(ctx context.Context, id int64, attempt int) error
	OutboxStats(ctx context.Context) (store.OutboxStats, error)
	DMChannel(ctx context.Context, usersKey string) (string, error)
	SaveDMChannel(ctx context.Context, usersKey, channelID string) error
}

// SenderOptions configure a Sender. Zero values get the defaults given.
type SenderOptions struct {
	Store    OutboxStore // required
	Slack    SlackAPI    // required
	Renderer Renderer    // required
	// Clock decides when rows are due, leases and backoff; default the wall clock.
	// Waits on Slack's rate limits use real time whatever the clock.
	Clock  mentoring.Clock
	Logger *slog.Logger

	// RatePerSecond and Burst bound chat.postMessage across the workspace (config
	// outbox.rate_per_second and outbox.burst); default 1 and 1.
	RatePerSecond float64
	Burst         int
	// ChannelRatePerSecond and ChannelBurst bound posts in any one channel; Slack allows
	// about one message a second per channel. Default 1 and 1.
	ChannelRatePerSecond float64
	ChannelBurst         int

	// Workers is how many messages are in flight at once; messages to one conversation
	// always go through the same worker, in order. Default 4.
	Workers int
	// Batch is how many rows one claim takes; default twice a second's worth at the
	// global rate, at least Workers, at most 200. At most 2×Batch rows are held at once,
	// so Batch is lowered to what the global rate sends within an eighth of the lease.
	Batch int
	// Lease is how long a claimed row is reserved for this sender; a row still
	// 'sending' after it is taken for abandoned by a crash. Default 2 minutes.
	Lease time.Duration
	// PollInterval is how often the outbox is checked when idle; default 1 second.
	// Notify wakes the sender sooner.
	PollInterval time.Duration
	// MaxAttempts is how many attempts a message gets against transient errors before
	// it is failed; default 8.
	MaxAttempts int
	// BackoffBase and BackoffMax bound the wait before retrying a transient error: base
	// doubling with each attempt, up to max, half of it random. Default 2 s and 10 min.
	BackoffBase, BackoffMax time.Duration
	// Rand is the jitter source (tests seed it); default a randomly seeded one.
	Rand *rand.Rand
	// RequestTimeout bounds each Slack call; default 15 seconds.
	RequestTimeout time.Duration
	// ShutdownGrace is how long calls already in flight may finish after Run's context
	// ends; default 2 seconds. Messages not yet posted are handed back at once.
	ShutdownGrace time.Duration
	// ReconcileMargin widens the history search for a message that may have been sent:
	// it starts this long before the row was first claimed, for clock skew. Default 10 min.
	ReconcileMargin time.Duration
	// StatsInterval is how often a line with the outbox counts is logged while there
	// is work; default 1 minute.
	StatsInterval time.Duration
}

// Sender drains the outbox into Slack under rate limits, exactly once per notice. It is
// safe for concurrent use; run one Run (or Drain) at a time per Sender. Several
// Senders, in one process or several, may share a database: claims keep them apart.
type Sender struct {
	opts     SenderOptions
	log      *slog.Logger
	throttle *throttle
	wake     chan struct{}

	randMu sync.Mutex

	statsMu   sync.Mutex
	lastStats SenderStats

	posted, reconciled, retried, failed, rateLimited, released atomic.Int64

	// afterPost, when set by a test, runs between a post's answer and its recording.
	afterPost func()
}

// SenderStats are the outbox counts from the database and this Sender's counters since
// it was created.
type SenderStats struct {
	Outbox store.OutboxStats // rows by state: the queue depth is Outbox.Queued()

	Posted      int64 // messages posted
	Reconciled  int64 // messages found posted already after a crash or an unanswered call
	Retries     int64 // attempts put back for a transient error, to be retried
	GaveUp      int64 // messages failed for good
	RateLimited int64 // 429 answers waited out
	Released    int64 // claims handed back unsent, at shutdown or for a short lease
}

// Defaults for SenderOptions.
const (
	DefaultLease           = 2 * time.Minute
	DefaultMaxAttempts     = 8
	DefaultRequestTimeout  = 15 * time.Second
	DefaultReconcileMargin = 10 * time.Minute
	// maxHistoryPages bounds one search of a conversation's history.
	maxHistoryPages = 20
)

// NewSender checks the options and fills in defaults.
func NewSender(opts SenderOptions) (*Sender, error) {
	var problems []error
	if opts.Store == nil {
		problems = append(problems, errors.New("no store"))
	}
	if opts.Slack == nil {
		problems = append(problems, errors.New("no Slack client"))
	}
	if opts.Renderer == nil {
		problems = append(problems, errors.New("no renderer"))
	}
	if err := errors.Join(problems...); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if opts.Clock == nil {
		opts.Clock = mentoring.WallClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&opts.RatePerSecond, 1)
	defInt(&opts.Burst, 1)
	def(&opts.ChannelRatePerSecond, 1)
	defInt(&opts.ChannelBurst, 1)
	defInt(&opts.Workers, 4)
	defInt(&opts.Batch, min(max(int(2*opts.RatePerSecond), opts.Workers), 200))
	defDur(&opts.Lease, DefaultLease)
	defDur(&opts.PollInterval, time.Second)
	defInt(&opts.MaxAttempts, DefaultMaxAttempts)
	defDur(&opts.BackoffBase, 2*time.Second)
	defDur(&opts.BackoffMax, 10*time.Minute)
	defDur(&opts.RequestTimeout, DefaultRequestTimeout)
	defDur(&opts.ShutdownGrace, 2*time.Second)
	defDur(&opts.ReconcileMargin, DefaultReconcileMargin)
	defDur(&opts.StatsInterval, time.Minute)
	if opts.Rand == nil {
		opts.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	usable := opts.Lease - opts.RequestTimeout - leaseSafety(opts.RequestTimeout)
	if usable < opts.Lease/2 {
		return nil, fmt.Errorf("sender: lease %s too short for requests of up to %s", opts.Lease, opts.RequestTimeout)
	}
	// The rows held (2×Batch) must go out well within their lease at the global rate,
	// or the sender would find its own queued rows expired and claim them again.
	opts.Batch = min(opts.Batch, max(1, int(opts.RatePerSecond*usable.Seconds()/4)))
	return &Sender{
		opts:     opts,
		log:      opts.Logger,
		throttle: newThrottle(opts.RatePerSecond, opts.Burst, opts.ChannelRatePerSecond, opts.ChannelBurst),
		wake:     make(chan struct{}, 1),
	}, nil
}

// Notify wakes the Sender to look for due rows now, e.g. after a use case enqueued
// notices. It never blocks.
func (s *Sender) Notify() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Stats returns the outbox counts and this Sender's counters.
func (s *Sender) Stats(ctx context.Context) (SenderStats, error) {
	st, err := s.opts.Store.OutboxStats(ctx)
	if err != nil {
		return SenderStats{}, err
	}
	return SenderStats{
		Outbox:      st,
		Posted:      s.posted.Load(),
		Reconciled:  s.reconciled.Load(),
		Retries:     s.retried.Load(),
		GaveUp:      s.failed.Load(),
		RateLimited: s.rateLimited.Load(),
		Released:    s.released.Load(),
	}, nil
}

// Run sends due outbox rows until ctx ends. Then it stops claiming, hands back the rows
// it holds but has not posted, lets calls in flight finish for up to ShutdownGrace (a
// call cut short leaves its row to be reconciled), and returns nil. Close the database
// after Run returns.
func (s *Sender) Run(ctx context.Context) error {
	return s.run(ctx, false)
}

// Drain sends every row that is due now and returns once none is due and none is in
// flight, or when ctx ends. Rows that come due later, such as retries after a backoff,
// are left for a later Drain or Run. The demo and tests use it with a fake clock.
func (s *Sender) Drain(ctx context.Context) error {
	return s.run(ctx, true)
}

// run is Run, or Drain when untilIdle.
func (s *Sender) run(ctx context.Context, untilIdle bool) error {
	// hard ends ShutdownGrace after ctx: it bounds the Slack calls in flight.
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()
	stopGrace := context.AfterFunc(ctx, func() {
		time.AfterFunc(s.opts.ShutdownGrace, cancelHard)
	})
	defer stopGrace()

	var inflight atomic.Int64
	done := make(chan struct{}, 1)
	maxHeld := 2 * s.opts.Batch
	queues := make([]chan store.OutboxItem, s.opts.Workers)
	var workers sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan store.OutboxItem, maxHeld)
		workers.Go(func() {
			for it := range queues[i] {
				s.process(ctx, hard, it)
				inflight.Add(-1)
				select {
				case done <- struct{}{}:
				default:
				}
			}
		})
	}
	defer func() {
		for _, q := range queues {
			close(q)
		}
		workers.Wait()
		s.logStats("outbox sender stopped", true)
	}()

	stats := time.NewTicker(s.opts.StatsInterval)
	defer stats.Stop()
	poll := time.NewTimer(0)
	defer poll.Stop()
	for {
		held := int(inflight.Load())
		claimed, asked := 0, 0
		if free := maxHeld - held; free >= s.opts.Batch || held == 0 {
			asked = min(free, s.opts.Batch)
			items, err := s.opts.Store.ClaimOutbox(ctx, s.opts.Clock.Now(), asked, s.opts.Lease)
			if err != nil && ctx.Err() == nil {
				s.log.Error("claim outbox", "err", err)
			}
			for _, it := range items {
				inflight.Add(1)
				queues[s.workerOf(it.Notice, len(queues))] <- it
			}
			claimed = len(items)
		}
		if untilIdle && claimed == 0 && inflight.Load() == 0 {
			return ctx.Err()
		}
		if claimed > 0 && claimed == asked {
			continue // more may be due now
		}
		if claimed > 0 || asked == 0 {
			// More are held than a claim should add to, or nothing more is due: wait for
			// a message to finish before claiming again.
			select {
			case <-ctx.Done():
				return nil
			case <-done:
				continue
			case <-stats.C:
				s.logStats("outbox", false)
				continue
			}
		}
		poll.Reset(s.opts.PollInterval)
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-poll.C:
		case <-done:
			if !untilIdle {
				// A finished message frees room but makes nothing due; keep waiting.
				select {
				case <-ctx.Done():
					return nil
				case <-s.wake:
				case <-poll.C:
				}
			}
		case <-stats.C:
			s.logStats("outbox", false)
		}
	}
}

// workerOf picks the worker for a notice: all notices to one conversation share one, so
// they go out in order.
func (s *Sender) workerOf(n mentoring.Notice, workers int) int {
	h := fnv.New32a()
	if n.Channel != "" {
		h.Write([]byte(n.Channel))
	} else {
		h.Write([]byte(n.UsersKey()))
	}
	return int(h.Sum32() % uint32(workers))
}

// errStopping means Run's context ended before the message was posted.
var errStopping = errors.New("sender stopping")

// process delivers one claimed row and records the outcome. soft is Run's context: when
// it ends, a row not yet posted is handed back. hard bounds Slack calls.
func (s *Sender) process(soft, hard context.Context, it store.OutboxItem) {
	n := it.Notice
	log := s.log.With("key", n.Key, "kind", n.Kind, "attempt", it.Attempt)
	if soft.Err() != nil {
		s.release(it, log, "shutdown")
		return
	}
	if !s.canPost(it) {
		// Held too long (a long pause after a 429): let the row be claimed afresh.
		s.release(it, log, "lease too short to post")
		return
	}
	text, blocks, err := s.opts.Renderer.Render(soft, n)
	if err != nil && soft.Err() != nil {
		s.release(it, log, "shutdown")
		return
	}
	if err != nil {
		s.settle(it, verdict{outcome: permanent, reason: "render: " + err.Error()}, log)
		return
	}
	channel, err := s.resolve(soft, hard, n)
	if err != nil {
		s.settleErr(it, err, hard, log)
		return
	}
	if it.Uncertain {
		ts, found, err := s.findPosted(soft, hard, channel, n.Key, it.FirstClaimedAt)
		if err != nil && !cannotHavePosted(err) {
			s.settleErr(it, err, hard, log)
			return
		}
		if found {
			s.reconciled.Add(1)
			log.Info("outbox message found posted already", "channel", channel, "ts", ts)
			s.markSent(it, channel, ts, log)
			return
		}
	}
	for {
		if err := s.throttle.waitPost(soft, channel); err != nil {
			s.release(it, log, "shutdown")
			return
		}
		if !s.canPost(it) {
			s.release(it, log, "lease too short to post")
			return
		}
		ts, err := s.post(hard, channel, text, blocks, n.Key)
		if s.afterPost != nil {
			s.afterPost()
		}
		if err == nil {
			s.posted.Add(1)
			s.markSent(it, channel, ts, log)
			return
		}
		v := classify(err, hard.Err() != nil)
		if v.outcome == rateLimited {
			s.rateLimited.Add(1)
			log.Warn("rate limited by Slack", "method", methodPost, "retry_after", v.retryAfter)
			s.throttle.pause(methodPost, channel, v.retryAfter)
			continue
		}
		s.settle(it, v, log)
		return
	}
}

// canPost reports whether a post started now ends within the row's lease, with
// leaseSafety to spare, so that no other claim of the row can overlap it.
func (s *Sender) canPost(it store.OutboxItem) bool {
	return !s.opts.Clock.Now().Add(s.opts.RequestTimeout + leaseSafety(s.opts.RequestTimeout)).After(it.LeaseUntil)
}

// leaseSafety is kept free at the end of a lease: a post starts only if it can finish
// within the lease with this to spare, so no other sender can take the row over while
// the post may still land. A third of the request timeout, within 200 ms and 5 s.
func leaseSafety(requestTimeout time.Duration) time.Duration {
	return min(max(requestTimeout/3, 200*time.Millisecond), 5*time.Second)
}

// post sends the message, tagged with the notice's key in its metadata.
func (s *Sender) post(ctx context.Context, channel, text string, blocks []slack.Block, key string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	opts := []slack.MsgOption{
		slack.MsgOptionText(text, false),
		slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType:    OutboxEventType,
			EventPayload: map[string]any{"key": key},
		}),
	}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	_, ts, err := s.opts.Slack.PostMessageContext(ctx, channel, opts...)
	return ts, err
}

// resolve returns the channel to post the notice in: its Channel, or the DM with its
// people from the cache, or from conversations.open (then cached).
func (s *Sender) resolve(soft, hard context.Context, n mentoring.Notice) (string, error) {
	if n.Channel != "" {
		return n.Channel, nil
	}
	key := n.UsersKey()
	id, err := s.opts.Store.DMChannel(soft, key)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, mentoring.ErrNotFound) {
		return "", fmt.Errorf("DM channel cache: %w", err)
	}
	for {
		if err := s.throttle.wait(soft, methodOpen); err != nil {
			return "", errStopping
		}
		ctx, cancel := context.WithTimeout(hard, s.opts.RequestTimeout)
		ch, _, _, err := s.opts.Slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{
			Users: strings.Split(key, ","),
		})
		cancel()
		if err == nil && (ch == nil || ch.ID == "") {
			err = errors.New("conversations.open returned no channel")
		}
		if err != nil {
			if v := classify(err, hard.Err() != nil); v.outcome == rateLimited {
				s.rateLimited.Add(1)
				s.log.Warn("rate limited by Slack", "method", methodOpen, "retry_after", v.retryAfter)
				s.throttle.pause(methodOpen, "", v.retryAfter)
				continue
			}
			return "", fmt.Errorf("%s: %w", methodOpen, err)
		}
		sctx, cancel := s.bookkeeping(soft)
		if err := s.opts.Store.SaveDMChannel(sctx, key, ch.ID); err != nil {
			s.log.Warn("cache DM channel", "users", key, "err", err)
		}
		cancel()
		return ch.ID, nil
	}
}

// findPosted looks in the channel's history, from ReconcileMargin before since, for a
// message tagged with key, and returns its ts.
func (s *Sender) findPosted(soft, hard context.Context, channel, key string, since time.Time) (string, bool, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 200, IncludeAllMetadata: true}
	if !since.IsZero() {
		params.Oldest = slackTS(since.Add(-s.opts.ReconcileMargin))
	}
	for page := 0; page < maxHistoryPages; {
		if err := s.throttle.wait(soft, methodHistory); err != nil {
			return "", false, errStopping
		}
		ctx, cancel := context.WithTimeout(hard, s.opts.RequestTimeout)
		resp, err := s.opts.Slack.GetConversationHistoryContext(ctx, params)
		cancel()
		if err != nil {
			if v := classify(err, hard.Err() != nil); v.outcome == rateLimited {
				s.rateLimited.Add(1)
				s.log.Warn("rate limited by Slack", "method", methodHistory, "retry_after", v.retryAfter)
				s.throttle.pause(methodHistory, "", v.retryAfter)
				continue
			}
			return "", false, fmt.Errorf("%s: %w", methodHistory, err)
		}
		for _, m := range resp.Messages {
			if m.Metadata.EventType == OutboxEventType && fmt.Sprint(m.Metadata.EventPayload["key"]) == key {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
		page++
	}
	return "", false, fmt.Errorf("%s: more than %d pages to search", methodHistory, maxHistoryPages)
}

// cannotHavePosted reports whether a failed history search proves no earlier post
// reached the channel: the channel does not exist or the app is not in it.
func cannotHavePosted(err error) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && (se.Err == "channel_not_found" || se.Err == "not_in_channel")
}

// slackTS renders t as a Slack message timestamp.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}

// settleErr records the outcome of an error met before posting.
func (s *Sender) settleErr(it store.OutboxItem, err error, hard context.Context, log *slog.Logger) {
	if errors.Is(err, errStopping) {
		s.release(it, log, "shutdown")
		return
	}
	v := classify(err, hard.Err() != nil)
	if v.outcome == rateLimited { // not reached: 429s are waited out in place
		v.outcome = transient
	}
	// Nothing was posted in this attempt, but an earlier one may have been.
	v.uncertain = it.Uncertain
	v.reason = err.Error()
	s.settle(it, v, log)
}

// settle records a failed attempt: a retry with backoff, or failure.
func (s *Sender) settle(it store.OutboxItem, v verdict, log *slog.Logger) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	now := s.opts.Clock.Now()
	var err error
	switch {
	case v.outcome == aborted:
		s.retried.Add(1)
		log.Warn("outbox send cut short by shutdown", "reason", v.reason)
		err = s.opts.Store.MarkRetry(ctx, it.ID, it.Attempt, now, v.reason, true)
	case v.outcome == transient && it.Attempt < s.opts.MaxAttempts:
		next := now.Add(s.backoff(it.Attempt))
		s.retried.Add(1)
		log.Warn("outbox send failed; will retry", "reason", v.reason, "next", next, "uncertain", v.uncertain)
		err = s.opts.Store.MarkRetry(ctx, it.ID, it.Attempt, next, v.reason, v.uncertain)
	default:
		reason := v.reason
		if v.outcome == transient {
			reason = fmt.Sprintf("gave up after %d attempts: %s", it.Attempt, v.reason)
		}
		s.failed.Add(1)
		log.Error("outbox message failed", "reason", reason)
		err = s.opts.Store.MarkFailed(ctx, it.ID, it.Attempt, reason)
	}
	if err != nil {
		log.Error("record outbox outcome", "err", err)
	}
}

// markSent records a posted message.
func (s *Sender) markSent(it store.OutboxItem, channel, ts string, log *slog.Logger) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	if err := s.opts.Store.MarkSent(ctx, it.ID, it.Attempt, channel, ts); err != nil {
		// The row stays 'sending'; when its lease ends, reconciliation finds the post.
		log.Error("record sent outbox message", "channel", channel, "ts", ts, "err", err)
		return
	}
	log.Debug("outbox message sent", "channel", channel, "ts", ts)
}

// release hands a row back unsent.
func (s *Sender) release(it store.OutboxItem, log *slog.Logger, why string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.released.Add(1)
	err := s.opts.Store.ReleaseOutbox(ctx, it.ID, it.Attempt)
	if errors.Is(err, store.ErrClaimLost) {
		log.Debug("outbox row claimed again already", "why", why)
		return
	}
	if err != nil {
		log.Error("release outbox row", "why", why, "err", err)
		return
	}
	log.Debug("outbox row released", "why", why)
}

// bookkeeping returns a context for recording an outcome: it survives the end of Run's
// context, so what happened is written down before the database closes.
func (s *Sender) bookkeeping(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}

// backoff returns the wait before attempt+1: BackoffBase doubled for each attempt so
// far, capped at BackoffMax, the upper half of it random.
func (s *Sender) backoff(attempt int) time.Duration {
	d := s.opts.BackoffBase
	for i := 1; i < attempt && d < s.opts.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, s.opts.BackoffMax)
	s.randMu.Lock()
	j := time.Duration(s.opts.Rand.Int64N(int64(d/2) + 1))
	s.randMu.Unlock()
	return d/2 + j
}

// logStats logs the outbox counts, unless nothing changed since the last line.
func (s *Sender) logStats(msg string, force bool) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	st, err := s.Stats(ctx)
	if err != nil {
		s.log.Error("outbox stats", "err", err)
		return
	}
	s.statsMu.Lock()
	same := st == s.lastStats
	s.lastStats = st
	s.statsMu.Unlock()
	if same && !force {
		return
	}
	s.log.Info(msg, "queued", st.Outbox.Queued(), "pending", st.Outbox.Pending, "sending", st.Outbox.Sending,
		"sent", st.Outbox.Sent, "failed", st.Outbox.Failed, "retried", st.Outbox.Retried,
		"posted_now", st.Posted, "reconciled_now", st.Reconciled, "retries_now", st.Retries,
		"gave_up_now", st.GaveUp, "rate_limited_now", st.RateLimited)
}
