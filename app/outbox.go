package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/outbox"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// outboxStore makes the database the outbox sender's Store. The store keeps its own row
// type, with the same fields as outbox.Item, so a row converts as it is; the store's
// ErrClaimLost is reported as the outbox's.
type outboxStore struct{ db *store.DB }

var _ outbox.Store = outboxStore{}

// ClaimOutbox claims due rows; see store.DB.ClaimOutbox.
func (s outboxStore) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]outbox.Item, error) {
	rows, err := s.db.ClaimOutbox(ctx, now, limit, lease)
	if err != nil {
		return nil, err
	}
	items := make([]outbox.Item, len(rows))
	for i, r := range rows {
		items[i] = outbox.Item(r)
	}
	return items, nil
}

// MarkSent records a posted row; see store.DB.MarkSent.
func (s outboxStore) MarkSent(ctx context.Context, id int64, attempt int, channel, ts string) error {
	return claimErr(s.db.MarkSent(ctx, id, attempt, channel, ts))
}

// MarkRetry puts a row back for a later attempt; see store.DB.MarkRetry.
func (s outboxStore) MarkRetry(ctx context.Context, id int64, attempt int, next time.Time, reason string, uncertain bool) error {
	return claimErr(s.db.MarkRetry(ctx, id, attempt, next, reason, uncertain))
}

// MarkFailed gives up on a row; see store.DB.MarkFailed.
func (s outboxStore) MarkFailed(ctx context.Context, id int64, attempt int, reason string) error {
	return claimErr(s.db.MarkFailed(ctx, id, attempt, reason))
}

// MarkCancelled withdraws a row; see store.DB.MarkCancelled.
func (s outboxStore) MarkCancelled(ctx context.Context, id int64, attempt int, reason string) error {
	return claimErr(s.db.MarkCancelled(ctx, id, attempt, reason))
}

// DeferOutbox hands a row back until later; see store.DB.DeferOutbox.
func (s outboxStore) DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, reason string) error {
	return claimErr(s.db.DeferOutbox(ctx, id, attempt, next, reason))
}

// MessageOf tells where the message of a notice stands; see store.DB.OutboxMessageOf.
func (s outboxStore) MessageOf(ctx context.Context, key string) (outbox.Message, error) {
	m, err := s.db.OutboxMessageOf(ctx, key)
	return outbox.Message(m), err
}

// ReleaseOutbox hands a row back unsent; see store.DB.ReleaseOutbox.
func (s outboxStore) ReleaseOutbox(ctx context.Context, id int64, attempt int) error {
	return claimErr(s.db.ReleaseOutbox(ctx, id, attempt))
}

// OutboxStats counts the rows by state.
func (s outboxStore) OutboxStats(ctx context.Context) (outbox.Stats, error) {
	st, err := s.db.OutboxStats(ctx)
	return outbox.Stats(st), err
}

// DMChannel returns a cached DM channel; see store.DB.DMChannel.
func (s outboxStore) DMChannel(ctx context.Context, usersKey string) (string, error) {
	return s.db.DMChannel(ctx, usersKey)
}

// SaveDMChannel caches a DM channel; see store.DB.SaveDMChannel.
func (s outboxStore) SaveDMChannel(ctx context.Context, usersKey, channelID string) error {
	return s.db.SaveDMChannel(ctx, usersKey, channelID)
}

// claimErr reports the store's lost claim as the outbox's, keeping the store's text.
func claimErr(err error) error {
	if errors.Is(err, store.ErrClaimLost) {
		return fmt.Errorf("%w: %w", outbox.ErrClaimLost, err)
	}
	return err
}

// newSender builds the outbox sender over the database, the bot's Slack client and its
// renderer, with the configured limits.
func (m *Main) newSender() (*outbox.Sender, error) {
	c := m.Config.Outbox
	methodRate := c.MethodRatePerMinute
	channelRate, channelBurst := 0.0, 0 // the sender's default: Slack's one a second per conversation
	if methodRate == 0 || m.simulated {
		// Paced by Slack's Retry-After alone. A simulated run plays weeks in seconds
		// against a fake Slack: pacing Tier 3 calls in real time would only stall it.
		methodRate = -1
	}
	if m.simulated {
		// Nor does it wait a real second between two messages to one person that are
		// days apart in its own time.
		channelRate, channelBurst = 1000, 100
	}
	return outbox.NewSender(outbox.Options{
		Store: outboxStore{m.db}, Slack: m.bot.API(), Renderer: m.bot, Clock: m.clock,
		Logger: m.Log.With("component", "outbox"),
		// A simulated run delivers one message at a time, in the order they were queued,
		// so it plays the same way every time.
		Workers:       m.sendWorkers(),
		RatePerSecond: c.RatePerSecond, Burst: c.Burst, MethodRatePerMinute: methodRate,
		ChannelRatePerSecond: channelRate, ChannelBurst: channelBurst,
		Lease: c.Lease, RequestTimeout: c.RequestTimeout, MaxAge: c.MaxAge,
		ShutdownGrace: shutdownGrace / 2,
		OnPause: func(ctx context.Context, reason string) {
			m.bot.TellDeliveryPaused(ctx, m.Config.Program.Admins, reason)
		},
		OnRecipientGone: m.recipientGone,
	})
}

// recipientGone ends the pairs of a person Slack reports deactivated; the domain tells
// each partner once, through the outbox.
func (m *Main) recipientGone(ctx context.Context, userID string) {
	left, err := m.svc.Deactivated(ctx, userID)
	if err != nil {
		m.Log.Error("end the pairs of a deactivated person", "user", userID, "err", err)
		return
	}
	if left {
		m.Log.Info("deactivated in Slack: their pairs are ended", "user", userID)
		m.notify()
	}
}

// retryFailed puts failed outbox rows back in the queue, each at most once, and wakes
// the sender; HR admins' retry button calls it.
func (m *Main) retryFailed(ctx context.Context, ids []int64) (int, error) {
	done, err := m.db.RetryFailedOutbox(ctx, ids, false)
	if err != nil {
		return 0, err
	}
	if len(done) > 0 {
		m.Log.Info("failed messages queued again by HR", "ids", done)
		m.notify()
	}
	return len(done), nil
}

// outboxStatus reports the outbox for HR admins' views: the counts, the pause if any,
// and the latest failures with their reasons.
func (m *Main) outboxStatus(ctx context.Context) (bot.OutboxStatus, error) {
	st, err := outboxStore{m.db}.OutboxStats(ctx)
	if err != nil {
		return bot.OutboxStatus{}, err
	}
	status := outboxStatusOf(st, m.sender.Paused())
	if st.Failed > 0 {
		failed, err := m.db.FailedOutbox(ctx, failedShown)
		if err != nil {
			return bot.OutboxStatus{}, err
		}
		for _, f := range failed {
			status.FailedRows = append(status.FailedRows, bot.FailedMessage{ID: f.ID, Kind: f.Notice.Kind,
				UserIDs: f.Notice.UserIDs, Channel: f.Notice.Channel, Reason: f.LastError})
		}
	}
	return status, nil
}

// failedShown is how many failed rows HR admins' views list.
const failedShown = 10

// outboxStatusOf is the one mapping of the outbox's counts and pause onto what the bot shows.
func outboxStatusOf(st outbox.Stats, p outbox.Pause) bot.OutboxStatus {
	return bot.OutboxStatus{Queued: st.Queued(), Sent: st.Sent, Retried: st.Retried, Failed: st.Failed,
		Withdrawn: st.Cancelled, OldestQueued: st.OldestPending, Paused: p.Reason, PausedSince: p.Since}
}
