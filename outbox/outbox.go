// Package outbox delivers what the domain owes people. Use cases write each message as
// an outbox row with an idempotency key, in the same transaction as the change that
// causes it; the Sender drains the rows into Slack under rate limits (across the
// workspace, per conversation and per API method), honours Retry-After, retries
// transient failures with backoff, and after a crash reconciles rows whose send state is
// unknown through message metadata, so every message is delivered exactly once.
//
// The package declares the small interfaces it needs: a Store of rows, a Renderer that
// turns a notice into a Slack message (the bot implements it) and the SlackAPI calls it
// makes. It knows nothing of SQL or of the bot.
package outbox

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// MetadataEventType is the message metadata event type of every message the Sender
// posts; its payload is {"key": the notice's key}. After a crash the Sender looks for it
// in conversations.history to learn whether a message it may have sent was posted.
const MetadataEventType = "reverse_mentor_outbox"

// ErrClaimLost is returned by a Store when a sender reports on a row it no longer holds:
// its lease ran out and the row was claimed again, or it was settled already.
var ErrClaimLost = errors.New("outbox claim lost")

// Item is an outbox row as a sender sees it.
type Item struct {
	ID     int64
	Notice mentoring.Notice
	State  string // the row's state as the store names it, for logs and tests
	// Attempt is the number of claims so far; it identifies the current claim, and every
	// report on the row (MarkSent, MarkRetry, MarkFailed, ReleaseOutbox) must give it.
	Attempt int
	// Uncertain means an earlier attempt may have reached Slack: the sender crashed
	// while holding the row, or a request timed out. Look for the message before
	// posting it again.
	Uncertain      bool
	ClaimedAt      time.Time
	FirstClaimedAt time.Time // no earlier attempt can have been posted before this
	LeaseUntil     time.Time
	NextAttemptAt  time.Time // zero when due at once
	LastError      string
	SentChannel    string
	SentTS         string
	CreatedAt      time.Time
	SentAt         time.Time
}

// Stats counts outbox rows by state; Retried counts rows that needed more than one
// attempt, whatever their state.
type Stats struct {
	Pending, Sending, Sent, Failed, Retried int
	// OldestPending is when the oldest row still pending or sending was created; zero
	// when there is none.
	OldestPending time.Time
}

// Queued is how many messages are still to be sent.
func (s Stats) Queued() int { return s.Pending + s.Sending }

// Store is what the Sender needs of the database. Each method is one transaction; the
// reports on a claimed row return ErrClaimLost (possibly wrapped) when attempt is not
// the row's current claim.
type Store interface {
	// ClaimOutbox claims up to limit rows due at now, and rows whose lease ended at or
	// before now (those come back Uncertain), each reserved until now+lease.
	ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Item, error)
	// MarkSent records that the row was posted, or found posted, as message ts in channel.
	MarkSent(ctx context.Context, id int64, attempt int, channel, ts string) error
	// MarkRetry puts the row back, due at next, with the failed attempt's reason;
	// uncertain marks an attempt that may have reached Slack.
	MarkRetry(ctx context.Context, id int64, attempt int, next time.Time, reason string, uncertain bool) error
	// MarkFailed gives up on the row with the reason.
	MarkFailed(ctx context.Context, id int64, attempt int, reason string) error
	// ReleaseOutbox hands the row back unsent; the claim does not count as an attempt.
	ReleaseOutbox(ctx context.Context, id int64, attempt int) error
	// OutboxStats counts the rows by state.
	OutboxStats(ctx context.Context) (Stats, error)
	// DMChannel returns the cached DM channel of a set of people (mentoring.Notice's
	// UsersKey), or an error wrapping mentoring.ErrNotFound.
	DMChannel(ctx context.Context, usersKey string) (string, error)
	// SaveDMChannel caches the DM channel of a set of people.
	SaveDMChannel(ctx context.Context, usersKey, channelID string) error
}

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
