package outbox

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Pause says why all sending is held back: Slack refused the app's token or scopes
// (a workspace error), and no message can go out until an admin acts or Slack recovers.
// The zero Pause means sending is not paused.
type Pause struct {
	Reason    string    // Slack's error code, e.g. "token_revoked"; "" when not paused
	Since     time.Time // when sending paused
	NextProbe time.Time // when auth.test is next tried
}

// pauseState is the Sender's pause, shared by its workers and its loop.
type pauseState struct {
	mu  sync.Mutex
	cur Pause
	// strikes counts pauses and failed probes since a message last got through: each
	// waits longer before the next probe, so that an error a probe cannot see (a missing
	// scope: auth.test passes) is not hammered.
	strikes  int
	reported bool        // OnPause was called for this run of pauses
	troubled atomic.Bool // strikes > 0: a delivery must reset them
}

// probeIn returns how long until the next probe; 0 when not paused or due.
func (p *pauseState) probeIn(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur.Reason == "" {
		return 0
	}
	return max(p.cur.NextProbe.Sub(now), 0)
}

// Paused returns the current pause; the zero Pause when sending is not paused.
func (s *Sender) Paused() Pause {
	s.pause.mu.Lock()
	defer s.pause.mu.Unlock()
	return s.pause.cur
}

// isPaused reports whether sending is paused, without probing.
func (s *Sender) isPaused() bool { return s.Paused().Reason != "" }

// probeWait is the wait before the probe after the given number of strikes.
func (s *Sender) probeWait(strikes int) time.Duration {
	d := s.opts.ProbeInterval
	for i := 1; i < strikes && d < s.opts.ProbeMax; i++ {
		d *= 2
	}
	return min(d, s.opts.ProbeMax)
}

// enterPause holds back all sending after a workspace error, and tells OnPause the
// first time since a message last got through.
func (s *Sender) enterPause(reason string) {
	now := s.opts.Clock.Now()
	p := &s.pause
	p.mu.Lock()
	if p.cur.Reason != "" {
		p.mu.Unlock()
		return
	}
	p.strikes++
	p.troubled.Store(true)
	p.cur = Pause{Reason: reason, Since: now, NextProbe: now.Add(s.probeWait(p.strikes))}
	report := !p.reported
	p.reported = true
	next := p.cur.NextProbe
	p.mu.Unlock()
	s.log.Error("outbox paused: Slack refuses the app's token or scopes; no message is sent until a probe (auth.test) succeeds",
		"reason", reason, "next_probe", next, "reported_to_hr", report)
	if report && s.opts.OnPause != nil {
		ctx, cancel := s.bookkeeping(context.Background())
		defer cancel()
		s.opts.OnPause(ctx, reason)
	}
}

// deliveredOK records that a message got through: the trouble is over, and a later
// pause is reported anew.
func (s *Sender) deliveredOK() {
	p := &s.pause
	if !p.troubled.Load() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cur.Reason == "" {
		p.strikes, p.reported = 0, false
		p.troubled.Store(false)
	}
}

// paused reports whether sending is paused, probing Slack first when a probe is due.
// A probe that succeeds ends the pause.
func (s *Sender) paused(ctx context.Context) bool {
	p := &s.pause
	p.mu.Lock()
	if p.cur.Reason == "" {
		p.mu.Unlock()
		return false
	}
	due := !s.opts.Clock.Now().Before(p.cur.NextProbe)
	p.mu.Unlock()
	if !due {
		return true
	}
	pctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	_, err := s.opts.Slack.AuthTestContext(pctx)
	cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		s.log.Info("outbox resumed: auth.test succeeded", "paused_for", s.opts.Clock.Now().Sub(p.cur.Since), "reason", p.cur.Reason)
		p.cur = Pause{}
		return false
	}
	if ctx.Err() != nil {
		return true
	}
	p.strikes++
	p.cur.NextProbe = s.opts.Clock.Now().Add(s.probeWait(p.strikes))
	s.log.Warn("outbox still paused", "reason", p.cur.Reason, "probe", classify(err, false).reason, "next_probe", p.cur.NextProbe)
	return true
}
