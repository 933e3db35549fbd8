package outbox

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// settleErr records the outcome of an error met before posting. An error that only
// says Run is stopping hands the row back: nothing was posted in this attempt.
func (s *Sender) settleErr(a *attempt, err error) {
	if errors.Is(err, errStopping) || a.soft.Err() != nil && errors.Is(err, context.Canceled) {
		s.release(a, "shutdown")
		return
	}
	v := classify(err, a.hard.Err() != nil)
	if v.outcome == rateLimited { // not reached: 429s are waited out in place
		v.outcome = transient
	}
	// Nothing was posted in this attempt, but an earlier one may have been.
	v.uncertain = a.it.Uncertain
	v.reason = err.Error()
	s.settle(a, v)
}

// settle records a failed attempt: a retry with backoff while the row is young enough,
// a pause of all sending for a workspace error, or failure.
func (s *Sender) settle(a *attempt, v verdict) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	now := s.opts.Clock.Now()
	it := a.it
	var err error
	switch v.outcome {
	case aborted:
		s.retried.Add(1)
		a.log.Warn("outbox send cut short by shutdown", "reason", v.reason)
		err = s.opts.Store.MarkRetry(ctx, it.ID, it.Attempt, now, v.reason, true)
	case transient:
		next := now.Add(s.backoff(it.Attempt))
		if limit := it.dueSince().Add(s.opts.MaxAge); next.After(limit) {
			s.fail(a, fmt.Sprintf("gave up after %s of retries: %s", now.Sub(it.dueSince()).Round(time.Second), v.reason))
			return
		}
		s.retried.Add(1)
		a.log.Warn("outbox send failed; will retry", "reason", v.reason, "next", next, "uncertain", v.uncertain)
		err = s.opts.Store.MarkRetry(ctx, it.ID, it.Attempt, next, v.reason, v.uncertain)
	case workspace:
		// Nothing was done: the row waits, unharmed, for sending to resume.
		s.released.Add(1)
		err = s.opts.Store.DeferOutbox(ctx, it.ID, it.Attempt, now, "sending paused: "+v.reason)
		s.enterPause(v.reason)
	case recipient:
		if v.code == "user_disabled" {
			s.recipientGone(a)
		}
		s.fail(a, v.reason)
		return
	default:
		s.fail(a, v.reason)
		return
	}
	if err != nil {
		a.log.Error("record outbox outcome", "err", err)
	}
}

// fail gives up on the row with the reason, which HR sees.
func (s *Sender) fail(a *attempt, reason string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.failed.Add(1)
	a.log.Error("outbox message failed", "reason", reason)
	if err := s.opts.Store.MarkFailed(ctx, a.it.ID, a.it.Attempt, reason); err != nil {
		a.log.Error("record failed outbox message", "err", err)
	}
}

// cancel withdraws the row: the message it rewrites will never exist.
func (s *Sender) cancel(a *attempt, reason string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.cancelled.Add(1)
	a.log.Info("outbox message withdrawn", "reason", reason)
	if err := s.opts.Store.MarkCancelled(ctx, a.it.ID, a.it.Attempt, reason); err != nil {
		a.log.Error("record withdrawn outbox message", "err", err)
	}
}

// deferRow hands the row back unsent until next, without counting the attempt.
func (s *Sender) deferRow(a *attempt, next time.Time, reason string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.released.Add(1)
	a.log.Debug("outbox message waits", "reason", reason, "next", next)
	if err := s.opts.Store.DeferOutbox(ctx, a.it.ID, a.it.Attempt, next, reason); err != nil && !errors.Is(err, ErrClaimLost) {
		a.log.Error("defer outbox message", "err", err)
	}
}

// markSent records a posted message.
func (s *Sender) markSent(a *attempt, channel, ts string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	if err := s.opts.Store.MarkSent(ctx, a.it.ID, a.it.Attempt, channel, ts); err != nil {
		// The row stays 'sending'; when its lease ends, reconciliation finds the post.
		a.log.Error("record sent outbox message", "channel", channel, "ts", ts, "err", err)
		return
	}
	a.log.Debug("outbox message sent", "channel", channel, "ts", ts)
}

// release hands a row back unsent.
func (s *Sender) release(a *attempt, why string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.released.Add(1)
	err := s.opts.Store.ReleaseOutbox(ctx, a.it.ID, a.it.Attempt)
	if errors.Is(err, ErrClaimLost) {
		a.log.Debug("outbox row claimed again already", "why", why)
		return
	}
	if err != nil {
		a.log.Error("release outbox row", "why", why, "err", err)
		return
	}
	a.log.Debug("outbox row released", "why", why)
}

// panicked records a panic while the row was being delivered: a retry with backoff, or
// failure with the panic's message once the row has had PanicAttempts attempts.
func (s *Sender) panicked(a *attempt, r any) {
	reason := fmt.Sprint("panic: ", r)
	if len(reason) > 500 {
		reason = reason[:500] + "…"
	}
	a.log.Error("outbox message panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	if a.it.Attempt >= s.opts.PanicAttempts {
		s.fail(a, reason)
		return
	}
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.retried.Add(1)
	next := s.opts.Clock.Now().Add(s.backoff(a.it.Attempt))
	if err := s.opts.Store.MarkRetry(ctx, a.it.ID, a.it.Attempt, next, reason, a.it.Uncertain || a.mayHavePosted); err != nil {
		a.log.Error("record outbox panic", "err", err)
	}
}

// recipientGone tells OnRecipientGone of the notice's people whom Slack reports
// deactivated: the one person of a DM, or those of a group DM that users.info says are
// deleted. Each person is told once per Sender.
func (s *Sender) recipientGone(a *attempt) {
	if s.opts.OnRecipientGone == nil {
		return
	}
	users := a.it.Notice.UserIDs
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	for _, id := range users {
		if len(users) > 1 {
			uctx, ucancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
			u, err := s.opts.Slack.GetUserInfoContext(uctx, id)
			ucancel()
			if err != nil || !u.Deleted {
				continue
			}
		}
		s.goneMu.Lock()
		first := !s.gone[id]
		s.gone[id] = true
		s.goneMu.Unlock()
		if first {
			a.log.Info("recipient deactivated in Slack", "user", id)
			s.opts.OnRecipientGone(ctx, id)
		}
	}
}

// bookkeeping returns a context for recording an outcome: it survives the end of Run's
// context, so what happened is written down before the database closes.
func (s *Sender) bookkeeping(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}
