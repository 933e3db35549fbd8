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

// attempt is one claimed row on its way to Slack.
type attempt struct {
	it   Item
	log  *slog.Logger
	soft context.Context // Run's context: when it ends, a row not yet posted is handed back
	hard context.Context // bounds Slack calls: it ends ShutdownGrace after soft
	// mayHavePosted is set once a call that can make the message appear has started, so
	// that a panic after it leaves the row to be reconciled.
	mayHavePosted bool
}

// processSafely delivers one claimed row and records the outcome. A panic in the
// renderer, the Slack client or a callback is recovered: the row is retried, and failed
// with the panic's message after PanicAttempts, and the sender goes on.
func (s *Sender) processSafely(soft, hard context.Context, it Item) {
	a := &attempt{it: it, soft: soft, hard: hard,
		log: s.log.With("key", it.Notice.Key, "kind", it.Notice.Kind, "attempt", it.Attempt)}
	defer func() {
		if r := recover(); r != nil {
			s.panicked(a, r)
		}
	}()
	s.process(a)
}

// process delivers one claimed row: a new message with chat.postMessage, a rewrite with
// chat.update (see rewrite).
func (s *Sender) process(a *attempt) {
	n := a.it.Notice
	switch {
	case a.soft.Err() != nil:
		s.release(a, "shutdown")
		return
	case s.isPaused():
		s.release(a, "sending paused")
		return
	case !s.canPost(a.it):
		// Held too long (a long pause after a 429): let the row be claimed afresh.
		s.release(a, "lease too short to post")
		return
	case n.Replaces != "":
		s.rewrite(a)
		return
	}
	if f, isFile, ok := s.renderFile(a); isFile {
		if ok {
			s.upload(a, f)
		}
		return
	}
	text, blocks, ok := s.render(a)
	if !ok {
		return
	}
	channel, err := s.resolve(a)
	if err != nil {
		s.settleErr(a, err)
		return
	}
	if a.it.Uncertain {
		if isUserID(n, channel) {
			// History needs the DM's own ID, which only the lost answer had.
			if channel, err = s.open(a); err != nil {
				s.settleErr(a, err)
				return
			}
		}
		if s.settledEarlier(a, channel, "outbox message found posted already", func(m slack.Message) bool {
			return m.Metadata.EventType == MetadataEventType && fmt.Sprint(m.Metadata.EventPayload["key"]) == n.Key
		}) {
			return
		}
	}
	for {
		if err := s.throttle.waitPost(a.soft, conversationKey(n)); err != nil {
			s.release(a, "shutdown")
			return
		}
		if !s.canPost(a.it) {
			s.release(a, "lease too short to post")
			return
		}
		a.mayHavePosted = true
		got, ts, err := s.post(a.hard, channel, text, blocks, n.Key)
		if err == nil {
			s.posted.Add(1)
			s.deliveredOK()
			if got == "" {
				got = channel
			}
			if isUserID(n, channel) && got != channel {
				s.cacheDM(a, got)
			}
			s.markSent(a, got, ts)
			return
		}
		v := classify(err, a.hard.Err() != nil)
		if v.outcome == rateLimited {
			s.rateLimited.Add(1)
			a.log.Warn("rate limited by Slack", "method", methodPost, "retry_after", v.retryAfter)
			s.throttle.pause(methodPost, conversationKey(n), v.retryAfter)
			continue
		}
		if v.code == "channel_not_found" && isUserID(n, channel) {
			// Slack has no DM with this person to post in (a deactivated person has
			// none, nor has an unknown ID): conversations.open says which, or opens it.
			if channel, err = s.open(a); err != nil {
				s.settleErr(a, err)
				return
			}
			continue
		}
		s.settle(a, v)
		return
	}
}

// render renders the notice; on an error it settles the row and reports false.
func (s *Sender) render(a *attempt) (string, []slack.Block, bool) {
	text, blocks, err := s.opts.Renderer.Render(a.soft, a.it.Notice)
	switch {
	case err != nil && a.soft.Err() != nil:
		s.release(a, "shutdown")
		return "", nil, false
	case err != nil:
		s.settle(a, verdict{outcome: permanent, reason: "render: " + err.Error()})
		return "", nil, false
	}
	return text, blocks, true
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

// conversationKey names the conversation a notice goes to, however its channel is
// written (a user ID or the DM's ID), for the per-channel rate limit.
func conversationKey(n mentoring.Notice) string {
	if n.Channel != "" {
		return n.Channel
	}
	return "users:" + n.UsersKey()
}

// isUserID reports whether channel is the user ID of the one person a DM notice is for,
// which chat.postMessage takes in place of the DM's ID.
func isUserID(n mentoring.Notice, channel string) bool {
	return n.Channel == "" && len(n.UserIDs) == 1 && channel == n.UserIDs[0]
}

// post sends the message, tagged with the notice's key in its metadata, and returns the
// channel Slack put it in (the DM's ID when channel is a user ID) and its ts.
func (s *Sender) post(ctx context.Context, channel, text string, blocks []slack.Block, key string) (string, string, error) {
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
	return s.opts.Slack.PostMessageContext(ctx, channel, opts...)
}

// resolve returns the channel to post the notice in: its Channel, else the cached DM
// with its people, else for one person their user ID (chat.postMessage opens the DM
// and names it in its answer), else a group DM from conversations.open (then cached).
func (s *Sender) resolve(a *attempt) (string, error) {
	n := a.it.Notice
	if n.Channel != "" {
		return n.Channel, nil
	}
	id, err := s.opts.Store.DMChannel(a.soft, n.UsersKey())
	switch {
	case err == nil:
		return id, nil
	case !errors.Is(err, mentoring.ErrNotFound):
		return "", fmt.Errorf("DM channel cache: %w", err)
	case len(n.UserIDs) == 1:
		return n.UserIDs[0], nil
	}
	return s.open(a)
}

// open opens the DM or group DM with the notice's people (conversations.open, paced as
// Slack's Tier 3) and caches its ID.
func (s *Sender) open(a *attempt) (string, error) {
	users := strings.Split(a.it.Notice.UsersKey(), ",")
	for {
		if err := s.throttle.wait(a.soft, methodOpen); err != nil {
			return "", errStopping
		}
		ctx, cancel := context.WithTimeout(a.hard, s.opts.RequestTimeout)
		ch, _, _, err := s.opts.Slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: users})
		cancel()
		if err == nil && (ch == nil || ch.ID == "") {
			err = errors.New("conversations.open returned no channel")
		}
		if err != nil {
			if v := classify(err, a.hard.Err() != nil); v.outcome == rateLimited {
				s.rateLimited.Add(1)
				a.log.Warn("rate limited by Slack", "method", methodOpen, "retry_after", v.retryAfter)
				s.throttle.pause(methodOpen, "", v.retryAfter)
				continue
			}
			return "", fmt.Errorf("%s: %w", methodOpen, err)
		}
		s.cacheDM(a, ch.ID)
		return ch.ID, nil
	}
}

// cacheDM caches the DM channel of the notice's people.
func (s *Sender) cacheDM(a *attempt, channelID string) {
	ctx, cancel := s.bookkeeping(a.soft)
	defer cancel()
	if err := s.opts.Store.SaveDMChannel(ctx, a.it.Notice.UsersKey(), channelID); err != nil {
		a.log.Warn("cache DM channel", "users", a.it.Notice.UsersKey(), "err", err)
	}
}

// settledEarlier settles a row whose last attempt may have reached Slack: it looks in
// the conversation for the message match accepts and, found, marks the row sent (found
// is what the log line says). An error that rules out an earlier post is no error here.
// It reports whether the row is settled, sent or failed.
func (s *Sender) settledEarlier(a *attempt, channel, found string, match func(slack.Message) bool) bool {
	ts, ok, err := s.findMessage(a, channel, a.it.FirstClaimedAt, match)
	if err != nil && !cannotHavePosted(err) {
		s.settleErr(a, err)
		return true
	}
	if !ok {
		return false
	}
	s.reconciled.Add(1)
	a.log.Info(found, "channel", channel, "ts", ts)
	s.markSent(a, channel, ts)
	return true
}

// findMessage looks in the channel's history, from ReconcileMargin before since, for a
// message that match accepts, and returns its ts.
func (s *Sender) findMessage(a *attempt, channel string, since time.Time, match func(slack.Message) bool) (string, bool, error) {
	params := &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 200, IncludeAllMetadata: true}
	if !since.IsZero() {
		params.Oldest = slackTS(since.Add(-s.opts.ReconcileMargin))
	}
	for page := 0; page < maxHistoryPages; {
		if err := s.throttle.wait(a.soft, methodHistory); err != nil {
			return "", false, errStopping
		}
		ctx, cancel := context.WithTimeout(a.hard, s.opts.RequestTimeout)
		resp, err := s.opts.Slack.GetConversationHistoryContext(ctx, params)
		cancel()
		if err != nil {
			if v := classify(err, a.hard.Err() != nil); v.outcome == rateLimited {
				s.rateLimited.Add(1)
				a.log.Warn("rate limited by Slack", "method", methodHistory, "retry_after", v.retryAfter)
				s.throttle.pause(methodHistory, "", v.retryAfter)
				continue
			}
			return "", false, fmt.Errorf("%s: %w", methodHistory, err)
		}
		for _, m := range resp.Messages {
			if match(m) {
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
	code := slackCode(err)
	return code == "channel_not_found" || code == "not_in_channel"
}

// slackTS renders t as a Slack message timestamp.
func slackTS(t time.Time) string {
	return fmt.Sprintf("%d.%06d", t.Unix(), t.Nanosecond()/1000)
}
