package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// serveCommand acknowledges a slash command and queues run; when the pool is full, the
// acknowledgement itself answers that the bot is busy (it carries a message the person
// sees at once, with no call of ours to Slack).
func (b *Bot) serveCommand(envelopeID, userID, responseURL string, run, onPanic func(ctx context.Context)) {
	if !b.pool.hasRoom() {
		b.log.Warn("busy: slash command answered from the ack", "user", userID)
		b.ack(envelopeID, map[string]any{"response_type": "ephemeral", "text": b.bilingual("delivery_busy")})
		return
	}
	b.ack(envelopeID, nil)
	if b.origin.abandon == nil {
		b.origin.abandon = func(ctx context.Context) { b.tellStopping(ctx, userID, responseURL) }
	}
	b.submit("command", run, onPanic)
}

// refuseInteraction answers an interaction the full pool cannot take: a modal submission
// stays open with the person's answers and an inline note to submit again (Slack shows
// errors only from the ack); a click is acknowledged and answered from the bounded
// queue of refusals.
func (b *Bot) refuseInteraction(envelopeID string, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		lang := b.langs.DefaultLanguage()
		if meta, ok := decodeMeta(cb.View.PrivateMetadata); ok {
			lang = meta.Lang
		}
		if block := firstInputBlock(cb.View); block != "" {
			b.log.Warn("busy: modal kept open with the answers", "user", cb.User.ID, "callback_id", truncate(cb.View.CallbackID, 64))
			b.ack(envelopeID, viewErrors{ResponseAction: "errors", Errors: map[string]string{block: b.cat.T(lang, "delivery_busy_modal", nil)}})
			return
		}
		b.ack(envelopeID, nil)
		b.refusals.add("view", func(ctx context.Context) { b.tellBusy(ctx, cb.User.ID, "") })
	case slack.InteractionTypeBlockActions:
		b.ack(envelopeID, nil)
		b.log.Warn("busy: click answered with an apology", "user", cb.User.ID)
		b.refusals.add("action", func(ctx context.Context) { b.tellBusy(ctx, cb.User.ID, cb.ResponseURL) })
	default:
		b.ack(envelopeID, nil)
	}
}

// interactionOrigin says how the jobs of an interaction are run and given up: a person's
// modal submissions one at a time, in order (two quick submissions of the opt-in form
// make one participant and one welcome), and each with a note if the bot stops first.
func (b *Bot) interactionOrigin(cb slack.InteractionCallback) origin {
	userID := cb.User.ID
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		o := origin{key: "view:" + userID}
		if cb.View.CallbackID == callbackJoin {
			meta, _ := decodeMeta(cb.View.PrivateMetadata)
			profile := decodeJoin(cb.View.State)
			o.abandon = func(ctx context.Context) { b.tellJoinNotSaved(ctx, userID, meta.Lang, profile) }
		} else {
			o.abandon = func(ctx context.Context) { b.tellStopping(ctx, userID, "") }
		}
		return o
	default:
		return origin{abandon: func(ctx context.Context) { b.tellStopping(ctx, userID, cb.ResponseURL) }}
	}
}

// firstInputBlock returns the block ID of the view's first input block, where an error
// can be shown, or "".
func firstInputBlock(v slack.View) string {
	for _, bl := range v.Blocks.BlockSet {
		if in, ok := bl.(*slack.InputBlock); ok && in.BlockID != "" {
			return in.BlockID
		}
	}
	return ""
}

// bilingual is a message in the programme's language and then the other, for answers
// given before the person's language can be looked up.
func (b *Bot) bilingual(key string) string {
	first := b.langs.DefaultLanguage()
	out := []string{b.cat.T(first, key, nil)}
	for _, l := range mentoring.Langs {
		if l != first {
			out = append(out, b.cat.T(l, key, nil))
		}
	}
	return strings.Join(out, "\n")
}

// tellBusy tells a person the bot was too busy to take their request.
func (b *Bot) tellBusy(ctx context.Context, userID, responseURL string) {
	text := b.cat.T(b.langOf(ctx, userID), "delivery_busy", nil)
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}

// tellStopping tells a person the bot stopped before it could do what they asked. It
// has no time to look their language up: both languages are used.
func (b *Bot) tellStopping(ctx context.Context, userID, responseURL string) {
	text := b.bilingual("delivery_stopping")
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}

// tellJoinNotSaved tells a person whose opt-in the bot stopped before saving that it was
// not saved, with their answers and a button to open the form again.
func (b *Bot) tellJoinNotSaved(ctx context.Context, userID string, lang mentoring.Lang, profile mentoring.Profile) {
	if lang == "" {
		lang = b.langs.DefaultLanguage()
	}
	text := b.cat.T(lang, "delivery_stopping", nil)
	b.dm(ctx, userID, text, []slack.Block{
		section(text),
		section(profileSummary(b.cat, lang, profile, b.profiles.Catalogue())),
		slack.NewActionBlock("actions_join_retry", button(actionOpenJoin, b.cat.T(lang, "button_join", nil), "", slack.StylePrimary)),
	})
}
