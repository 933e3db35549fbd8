package outbox

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttle paces calls to Slack: a global token bucket for chat.postMessage, a bucket per
// channel (Slack allows about one message a second in each), a bucket for each other
// method the sender calls (conversations.open, conversations.history and chat.update
// are Tier 3: about 50 a minute), and pauses after a 429, per method and per channel,
// for as long as Retry-After says. Slack's limits run on real time, so the throttle does
// too, whatever clock the sender is given.
type throttle struct {
	global       *rate.Limiter
	channelRate  rate.Limit
	channelBurst int
	methods      map[string]*rate.Limiter // nil: those methods are paced by Retry-After alone

	mu       sync.Mutex
	channels map[string]*channelLimit
	paused   map[string]time.Time // method → calls wait until then
}

// channelLimit is one channel's bucket and pause.
type channelLimit struct {
	lim      *rate.Limiter
	paused   time.Time
	lastUsed time.Time
}

// maxIdleChannels is how many channel buckets are kept before idle ones are dropped.
const maxIdleChannels = 1024

// newThrottle returns a throttle; methodPerMinute and methodBurst pace each of
// pacedMethods, unless methodPerMinute is not above 0.
func newThrottle(perSecond float64, burst int, channelPerSecond float64, channelBurst int, methodPerMinute float64, methodBurst int) *throttle {
	t := &throttle{
		global:       rate.NewLimiter(rate.Limit(perSecond), burst),
		channelRate:  rate.Limit(channelPerSecond),
		channelBurst: channelBurst,
		channels:     map[string]*channelLimit{},
		paused:       map[string]time.Time{},
	}
	if methodPerMinute > 0 {
		t.methods = map[string]*rate.Limiter{}
		for _, m := range pacedMethods {
			t.methods[m] = rate.NewLimiter(rate.Limit(methodPerMinute/60), max(methodBurst, 1))
		}
	}
	return t
}

// pacedMethods are the methods paced by their own bucket (Slack's Tier 3).
var pacedMethods = []string{methodOpen, methodHistory, methodUpdate}

// waitPost waits until a message may be posted in channel: the channel's pause and bucket
// first, so a busy channel does not hold a global token while it waits, then the global
// pause and bucket.
func (t *throttle) waitPost(ctx context.Context, channel string) error {
	cl := t.channel(channel)
	if err := sleepUntil(ctx, t.pausedUntil(methodPost, cl)); err != nil {
		return err
	}
	if err := cl.lim.Wait(ctx); err != nil {
		return err
	}
	if err := t.global.Wait(ctx); err != nil {
		return err
	}
	// A 429 may have paused posting while this call waited for its tokens.
	return sleepUntil(ctx, t.pausedUntil(methodPost, cl))
}

// wait waits until method may be called: its pause (after a 429) and its bucket.
func (t *throttle) wait(ctx context.Context, method string) error {
	if err := sleepUntil(ctx, t.pausedUntil(method, nil)); err != nil {
		return err
	}
	if lim := t.methods[method]; lim != nil {
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		return sleepUntil(ctx, t.pausedUntil(method, nil))
	}
	return nil
}

// pause holds back calls of method, and posts in channel when given, for d.
func (t *throttle) pause(method, channel string, d time.Duration) {
	until := time.Now().Add(d)
	t.mu.Lock()
	defer t.mu.Unlock()
	if until.After(t.paused[method]) {
		t.paused[method] = until
	}
	if channel != "" {
		cl := t.channelLocked(channel)
		if until.After(cl.paused) {
			cl.paused = until
		}
	}
}

// pausedUntil returns when the pauses of method and of cl (if any) end.
func (t *throttle) pausedUntil(method string, cl *channelLimit) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	until := t.paused[method]
	if cl != nil && cl.paused.After(until) {
		until = cl.paused
	}
	return until
}

// channel returns the channel's limiter, creating it on first use.
func (t *throttle) channel(id string) *channelLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.channelLocked(id)
}

func (t *throttle) channelLocked(id string) *channelLimit {
	now := time.Now()
	cl := t.channels[id]
	if cl == nil {
		if len(t.channels) >= maxIdleChannels {
			t.pruneLocked(now)
		}
		cl = &channelLimit{lim: rate.NewLimiter(t.channelRate, t.channelBurst)}
		t.channels[id] = cl
	}
	cl.lastUsed = now
	return cl
}

// pruneLocked drops the buckets of channels idle long enough to be full again.
func (t *throttle) pruneLocked(now time.Time) {
	idle := time.Duration(float64(t.channelBurst)/float64(t.channelRate)*float64(time.Second)) + time.Second
	for id, cl := range t.channels {
		if now.Sub(cl.lastUsed) > idle && now.After(cl.paused) {
			delete(t.channels, id)
		}
	}
}

// sleepUntil waits until the real time until, or until ctx ends.
func sleepUntil(ctx context.Context, until time.Time) error {
	d := time.Until(until)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
