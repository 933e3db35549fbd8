package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// actionOutboxRetry is the button that puts failed outbox messages back in the queue.
const actionOutboxRetry = "outbox_retry"

// maxFailedShown is how many failed messages the admin figures list, each with its reason.
const maxFailedShown = 10

// OutboxStatus is the state of the outgoing message queue, for HR admins.
type OutboxStatus struct {
	Queued, Sent, Retried, Failed int
	Withdrawn                     int       // rows withdrawn as no longer needed: not failures
	OldestQueued                  time.Time // zero when nothing waits
	// Paused is Slack's reason while a workspace error holds back all sending; "" when
	// messages go out. PausedSince is when it began.
	Paused      string
	PausedSince time.Time
	// FailedRows are the most recently failed messages, with their reasons.
	FailedRows []FailedMessage
}

// FailedMessage is one outbox message that could not be delivered.
type FailedMessage struct {
	ID      int64
	Kind    string   // the notice's kind: intro, orientation…
	UserIDs []string // its people, or
	Channel string   // its channel
	Reason  string   // why, as recorded: Slack's error code or a description
}

// outboxLine sums up the outgoing message queue: the counts, what was withdrawn, and a
// warning while sending is paused.
func outboxLine(cat *Catalog, lang mentoring.Lang, ob OutboxStatus, now time.Time) string {
	data := map[string]any{"Queued": ob.Queued, "Sent": ob.Sent, "Retried": ob.Retried, "Failed": ob.Failed}
	if !ob.OldestQueued.IsZero() && now.After(ob.OldestQueued) {
		data["Waiting"] = max(1, int(now.Sub(ob.OldestQueued).Minutes()))
	}
	line := cat.T(lang, "admin_outbox", data)
	if ob.Withdrawn > 0 {
		line += " · " + cat.T(lang, "delivery_withdrawn", map[string]any{"N": ob.Withdrawn})
	}
	if ob.Paused != "" {
		line += "\n" + cat.T(lang, "delivery_paused", map[string]any{
			"Reason": escapeMrkdwn(ob.Paused), "Since": ob.PausedSince.UTC().Format("2006-01-02 15:04 UTC")})
	}
	return line
}

// renderFailed lists the failed messages with their reasons and a button that retries
// the ones listed; nothing when none failed.
func renderFailed(cat *Catalog, lang mentoring.Lang, ob OutboxStatus) []slack.Block {
	if len(ob.FailedRows) == 0 {
		return nil
	}
	lines := []string{cat.T(lang, "delivery_failed_title", nil)}
	var ids []string
	for i, f := range ob.FailedRows {
		if i == maxFailedShown {
			break
		}
		lines = append(lines, cat.T(lang, "delivery_failed_line", map[string]any{
			"ID": f.ID, "Text": escapeMrkdwn(f.Kind), "User": recipients(f), "Reason": failureReason(cat, lang, f.Reason)}))
		ids = append(ids, strconv.FormatInt(f.ID, 10))
	}
	if more := ob.Failed - len(ids); more > 0 {
		lines = append(lines, cat.T(lang, "delivery_failed_more", map[string]any{"N": more}))
	}
	return []slack.Block{
		section(strings.Join(lines, "\n")),
		slack.NewActionBlock("actions_outbox_retry",
			button(actionOutboxRetry, cat.T(lang, "delivery_retry_button", nil), strings.Join(ids, ","), "")),
	}
}

// recipients names the people or channel of a failed message as mentions.
func recipients(f FailedMessage) string {
	if f.Channel != "" {
		return "<#" + f.Channel + ">"
	}
	var out []string
	for _, u := range f.UserIDs {
		out = append(out, "<@"+u+">")
	}
	return strings.Join(out, ", ")
}

// failureReasons are the catalog keys of the reasons HR meets most, by Slack error code.
var failureReasons = map[string]string{
	"user_disabled":     "delivery_reason_user_disabled",
	"user_not_found":    "delivery_reason_user_not_found",
	"cannot_dm_bot":     "delivery_reason_cannot_dm_bot",
	"channel_not_found": "delivery_reason_channel_not_found",
	"not_in_channel":    "delivery_reason_not_in_channel",
	"is_archived":       "delivery_reason_is_archived",
}

// failureReason says in words why a message failed: a known Slack error code in the
// reason, or the reason itself.
func failureReason(cat *Catalog, lang mentoring.Lang, reason string) string {
	for code, key := range failureReasons {
		if strings.Contains(reason, code) {
			return cat.T(lang, key, nil)
		}
	}
	if strings.HasPrefix(reason, "gave up after") {
		return cat.T(lang, "delivery_reason_gave_up", nil) + " (" + escapeMrkdwn(truncate(reason, 200)) + ")"
	}
	return cat.T(lang, "delivery_reason_other", map[string]any{"Reason": escapeMrkdwn(truncate(reason, 200))})
}

// actionOutboxRetry puts the failed messages the button lists back in the queue, each
// once: one already sent or queued again is left alone.
func (b *Bot) actionOutboxRetry(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	lang := b.langOf(ctx, cb.User.ID)
	var ids []int64
	for s := range strings.SplitSeq(a.Value, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if b.retryFailed == nil || len(ids) == 0 {
		b.reply(ctx, cb.User.ID, cb.ResponseURL, b.cat.T(lang, "delivery_retry_none", nil), nil)
		return
	}
	n, err := b.retryFailed(ctx, ids)
	if err != nil {
		b.tellError(ctx, cb.User.ID, cb.ResponseURL, lang, err)
		return
	}
	b.log.Info("failed messages queued again", "user", cb.User.ID, "asked", len(ids), "queued", n)
	text := b.cat.T(lang, "delivery_retry_none", nil)
	if n > 0 {
		text = b.cat.T(lang, "delivery_retry_done", map[string]any{"N": n})
	}
	b.reply(ctx, cb.User.ID, cb.ResponseURL, text, []slack.Block{section(text)})
}

// TellDeliveryPaused DMs each HR admin that sending is paused and why. Slack may refuse
// these DMs too (a revoked token refuses everything): then the log and the admin views
// are what tells HR.
func (b *Bot) TellDeliveryPaused(ctx context.Context, admins []string, reason string) {
	for _, id := range admins {
		lang := b.langOf(ctx, id)
		text := b.cat.T(lang, "delivery_paused_dm", map[string]any{"Reason": escapeMrkdwn(reason)})
		b.dm(ctx, id, text, []slack.Block{section(text)})
	}
}
