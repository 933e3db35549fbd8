package outbox

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Slack methods the Sender calls.
const (
	methodPost    = "chat.postMessage"
	methodUpdate  = "chat.update"
	methodOpen    = "conversations.open"
	methodHistory = "conversations.history"
)

// Options configure a Sender. Zero values get the defaults given.
type Options struct {
	Store    Store    // required
	Slack    SlackAPI // required
	Renderer Renderer // required
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
	// MethodRatePerMinute and MethodBurst pace each of conversations.open,
	// conversations.history and chat.update, Slack's Tier 3 methods (about 50 a minute,
	// with bursts). Default 50 and 10; a negative rate leaves them to Retry-After alone.
	// Opens are rare anyway: a DM to one person is posted to the person's user ID, as
	// Slack allows, and its channel is cached from the answer.
	MethodRatePerMinute float64
	MethodBurst         int

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
	// MaxAge is how long a message is retried against transient errors (network, 5xx,
	// timeouts), counted from when it became due; then it fails, and HR sees why and can
	// retry it. Default 24 hours (config outbox.max_age).
	MaxAge time.Duration
	// BackoffBase and BackoffMax bound the wait before retrying a transient error: base
	// doubling with each attempt, up to max, half of it random. Default 2 s and 10 min.
	BackoffBase, BackoffMax time.Duration
	// PanicAttempts is how many attempts a message that panics the renderer or the
	// sender gets before it is failed with the panic's message; default 3.
	PanicAttempts int
	// RewriteWait is how long a rewrite of a message not sent yet waits before it looks
	// again; default 5 seconds.
	RewriteWait time.Duration
	// ProbeInterval and ProbeMax bound the wait between probes (auth.test) while sending
	// is paused by a workspace error: doubling from interval up to max. Default 30 s and
	// 10 minutes.
	ProbeInterval, ProbeMax time.Duration
	// OnPause, when set, is called once when a workspace error (a revoked token, a
	// missing scope) pauses sending, with Slack's reason: the assembly tells HR. Sending
	// resumes by itself once a probe succeeds; a pause that comes back before any
	// message got through is not reported again.
	OnPause func(ctx context.Context, reason string)
	// OnRecipientGone, when set, is called with the user ID of a person Slack reports
	// deactivated (conversations.open says user_disabled): the assembly ends their pairs.
	OnRecipientGone func(ctx context.Context, userID string)
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
	opts     Options
	log      *slog.Logger
	throttle *throttle
	wake     chan struct{}

	randMu sync.Mutex

	statsMu   sync.Mutex
	lastStats SenderStats

	pause pauseState

	goneMu sync.Mutex
	gone   map[string]bool // people reported to OnRecipientGone

	posted, updated, reconciled, retried, failed, cancelled, rateLimited, released atomic.Int64
}

// SenderStats are the outbox counts from the database and this Sender's counters since
// it was created.
type SenderStats struct {
	Outbox Stats // rows by state: the queue depth is Outbox.Queued()

	Posted      int64 // messages posted
	Updated     int64 // messages rewritten in place (chat.update)
	Reconciled  int64 // messages found posted already after a crash or an unanswered call
	Retries     int64 // attempts put back for a transient error, to be retried
	GaveUp      int64 // messages failed
	Cancelled   int64 // rewrites withdrawn because the message they rewrite will never exist
	RateLimited int64 // 429 answers waited out
	Released    int64 // claims handed back unsent: at shutdown, for a short lease, while paused

	// Paused is set while a workspace error holds back all sending.
	Paused Pause
}

// Defaults for Options.
const (
	DefaultLease           = 2 * time.Minute
	DefaultMaxAge          = 24 * time.Hour
	DefaultRequestTimeout  = 15 * time.Second
	DefaultReconcileMargin = 10 * time.Minute
	// maxHistoryPages bounds one search of a conversation's history.
	maxHistoryPages = 20
)

// NewSender checks the options and fills in defaults.
func NewSender(opts Options) (*Sender, error) {
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
	defDur(&opts.MaxAge, DefaultMaxAge)
	defInt(&opts.PanicAttempts, 3)
	defDur(&opts.RewriteWait, 5*time.Second)
	defDur(&opts.ProbeInterval, 30*time.Second)
	defDur(&opts.ProbeMax, 10*time.Minute)
	if opts.MethodRatePerMinute == 0 {
		opts.MethodRatePerMinute = 50
	}
	defInt(&opts.MethodBurst, 10)
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
		opts: opts,
		log:  opts.Logger,
		throttle: newThrottle(opts.RatePerSecond, opts.Burst, opts.ChannelRatePerSecond, opts.ChannelBurst,
			opts.MethodRatePerMinute, opts.MethodBurst),
		wake: make(chan struct{}, 1),
		gone: map[string]bool{},
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
		Updated:     s.updated.Load(),
		Reconciled:  s.reconciled.Load(),
		Retries:     s.retried.Load(),
		GaveUp:      s.failed.Load(),
		Cancelled:   s.cancelled.Load(),
		RateLimited: s.rateLimited.Load(),
		Released:    s.released.Load(),
		Paused:      s.Paused(),
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
// are left for a later Drain or Run. A driver of a simulated clock (the demo, tests)
// calls it instead of Run.
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
	queues := make([]chan Item, s.opts.Workers)
	var workers sync.WaitGroup
	for i := range queues {
		queues[i] = make(chan Item, maxHeld)
		workers.Go(func() {
			for it := range queues[i] {
				s.processSafely(ctx, hard, it)
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
		if s.paused(ctx) {
			// A workspace error holds back all sending until a probe succeeds.
			if untilIdle && inflight.Load() == 0 {
				return ctx.Err()
			}
			poll.Reset(min(s.opts.PollInterval, max(s.pause.probeIn(s.opts.Clock.Now()), time.Millisecond)))
			select {
			case <-ctx.Done():
				return nil
			case <-s.wake:
			case <-poll.C:
			case <-done:
			case <-stats.C:
				s.logStats("outbox", false)
			}
			continue
		}
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
		"sent", st.Outbox.Sent, "failed", st.Outbox.Failed, "withdrawn", st.Outbox.Cancelled,
		"retried", st.Outbox.Retried, "posted_now", st.Posted, "updated_now", st.Updated,
		"reconciled_now", st.Reconciled, "retries_now", st.Retries, "gave_up_now", st.GaveUp,
		"rate_limited_now", st.RateLimited, "paused", st.Paused.Reason)
}
