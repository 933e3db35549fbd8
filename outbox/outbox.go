// Package outbox delivers what the domain owes people. Use cases write each message as
// an outbox row with an idempotency key, in the same transaction as the change that
// causes it; the Sender drains the rows into Slack under rate limits (across the
// workspace, per conversation and per API method), honours Retry-After, retries
// transient failures with backoff until the row is too old, and after a crash reconciles
// rows whose send state is unknown through message metadata, so every message is
// delivered exactly once. A row that rewrites an earlier message (Notice.Replaces) is
// delivered with chat.update of that message.
//
// Nothing is given up silently. An error of the whole workspace (a revoked token, a
// missing scope) pauses all sending until a probe succeeds, and HR is told; an error
// of one recipient (a deactivated person, an archived channel) fails that row alone,
// with the reason kept for HR, who can put it back in the queue.
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
	// RetriedAt is when HR last put the row back in the queue after it failed; zero if
	// never. The row's age (Options.MaxAge) is counted from then.
	RetriedAt time.Time
	// LeaseOwner names the running instance that holds the row's lease, if any.
	LeaseOwner string
}

// dueSince is when the row became due: its age is counted from then.
func (it Item) dueSince() time.Time {
	t := it.CreatedAt
	if it.Notice.NotBefore.After(t) {
		t = it.Notice.NotBefore
	}
	if it.RetriedAt.After(t) {
		t = it.RetriedAt
	}
	return t
}

// Stats counts outbox rows by state; Retried counts rows that needed more than one
// attempt, whatever their state. Cancelled rows were withdrawn (shown to HR as such, not
// as failures).
type Stats struct {
	Pending, Sending, Sent, Failed, Cancelled, Retried int
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
	// MarkCancelled withdraws the row with the reason: its message is not needed.
	MarkCancelled(ctx context.Context, id int64, attempt int, reason string) error
	// ReleaseOutbox hands the row back unsent; the claim does not count as an attempt.
	ReleaseOutbox(ctx context.Context, id int64, attempt int) error
	// DeferOutbox hands the row back unsent, due at next, with the reason it waits; the
	// claim does not count as an attempt.
	DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, reason string) error
	// MessageOf returns the state of the row with the key and, once sent, where its
	// message is; an error wrapping mentoring.ErrNotFound when no row has the key.
	MessageOf(ctx context.Context, key string) (Message, error)
	// OutboxStats counts the rows by state.
	OutboxStats(ctx context.Context) (Stats, error)
	// DMChannel returns the cached DM channel of a set of people (mentoring.Notice's
	// UsersKey), or an error wrapping mentoring.ErrNotFound.
	DMChannel(ctx context.Context, usersKey string) (string, error)
	// SaveDMChannel caches the DM channel of a set of people.
	SaveDMChannel(ctx context.Context, usersKey, channelID string) error
}

// Message is where a notice's message stands: what a rewrite of it needs to know.
type Message struct {
	State       string    // the row's state as the store names it: pending, sending, sent, failed, cancelled
	Channel, TS string    // where it was posted, once sent
	Due         time.Time // while pending or sending: when it is due or its lease ends
}

// Row states as the store names them, as far as the Sender reads them.
const (
	statePending   = "pending"
	stateSending   = "sending"
	stateSent      = "sent"
	stateFailed    = "failed"
	stateCancelled = "cancelled"
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
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
	OpenConversationContext(ctx context.Context, params *slack.OpenConversationParameters) (*slack.Channel, bool, bool, error)
	GetConversationHistoryContext(ctx context.Context, params *slack.GetConversationHistoryParameters) (*slack.GetConversationHistoryResponse, error)
	// AuthTestContext probes the token while sending is paused by a workspace error.
	AuthTestContext(ctx context.Context) (*slack.AuthTestResponse, error)
	// GetUserInfoContext tells which people of a group DM are deactivated.
	GetUserInfoContext(ctx context.Context, user string, options ...slack.GetUserInfoOption) (*slack.User, error)
	// UploadFileContext uploads a file with files upload v2 (see FileRenderer).
	UploadFileContext(ctx context.Context, params slack.UploadFileParameters) (*slack.FileSummary, error)
}
