package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// errStopping means Run's context ended before the message was posted.
var errStopping = errors.New("sender stopping")

// process delivers one claimed row and records the outcome. soft is Run's context: when
// it ends, a row not yet posted is handed back. hard bounds Slack calls.
func (s *Sender) process(soft, hard context.Context, it Item) {
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
func (s *Sender) canPost(it Item) bool {
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
			EventType:    MetadataEventType,
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
			if m.Metadata.EventType == MetadataEventType && fmt.Sprint(m.Metadata.EventPayload["key"]) == key {
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
func (s *Sender) settleErr(it Item, err error, hard context.Context, log *slog.Logger) {
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
func (s *Sender) settle(it Item, v verdict, log *slog.Logger) {
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
func (s *Sender) markSent(it Item, channel, ts string, log *slog.Logger) {
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
func (s *Sender) release(it Item, log *slog.Logger, why string) {
	ctx, cancel := s.bookkeeping(context.Background())
	defer cancel()
	s.released.Add(1)
	err := s.opts.Store.ReleaseOutbox(ctx, it.ID, it.Attempt)
	if errors.Is(err, ErrClaimLost) {
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
