package bot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// respond answers a slash command privately through its response_url, which works in any
// channel, including ones the bot is not a member of.
func (b *Bot) respond(ctx context.Context, responseURL, text string, blocks []slack.Block) {
	if responseURL == "" {
		return
	}
	msg := &slack.WebhookMessage{
		Text:         truncate(text, 3000),
		ResponseType: slack.ResponseTypeEphemeral,
		Blocks:       &slack.Blocks{BlockSet: capBlocks(blocks, MaxMessageBlocks, "…")},
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, b.http, msg); err != nil {
		b.log.Error("respond to command", "err", redact(err.Error()))
	}
}

// dm sends a direct message to the user from the bot. text is the notification fallback.
func (b *Bot) dm(ctx context.Context, userID, text string, blocks []slack.Block) {
	opts := []slack.MsgOption{slack.MsgOptionText(truncate(text, 3000), false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(capBlocks(blocks, MaxMessageBlocks, "…")...))
	}
	if _, _, err := b.api.PostMessageContext(ctx, userID, opts...); err != nil {
		b.log.Error("direct message", "user", userID, "err", redact(err.Error()))
	}
}

// reply answers through response_url when there is one, else by DM.
func (b *Bot) reply(ctx context.Context, userID, responseURL, text string, blocks []slack.Block) {
	if responseURL != "" {
		b.respond(ctx, responseURL, text, blocks)
		return
	}
	b.dm(ctx, userID, text, blocks)
}

// apologise tells the user something went wrong on our side, without details.
func (b *Bot) apologise(ctx context.Context, userID, responseURL string) {
	lang := b.langs.DefaultLanguage()
	if l, err := b.langs.Language(ctx, userID, ""); err == nil {
		lang = l
	}
	text := b.cat.T(lang, "error_internal", nil)
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}

// tellError answers with a domain error's user-safe message, or an apology for any other error.
func (b *Bot) tellError(ctx context.Context, userID, responseURL string, lang mentoring.Lang, err error) {
	var text string
	if de, ok := errors.AsType[*mentoring.Error](err); ok && de.Code != mentoring.EINTERNAL {
		text = b.cat.T(lang, de.MessageKey, de.Data)
	} else {
		b.log.Error("request failed", "user", userID, "err", redact(err.Error()))
		text = b.cat.T(lang, "error_internal", nil)
	}
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}

func (b *Bot) tellStaleForm(ctx context.Context, userID string) {
	lang := b.langOf(ctx, userID)
	text := b.cat.T(lang, "error_stale_form", nil)
	b.dm(ctx, userID, text, []slack.Block{
		section(text),
		slack.NewActionBlock("actions_stale_form", button(actionOpenJoin, b.cat.T(lang, "button_join", nil), "", slack.StylePrimary)),
	})
}

func (b *Bot) tellUnknownAction(ctx context.Context, userID string) {
	lang := b.langOf(ctx, userID)
	text := b.cat.T(lang, "error_unknown_action", nil)
	b.dm(ctx, userID, text, []slack.Block{section(text)})
}

func asDomainError(err error) (*mentoring.Error, bool) {
	return errors.AsType[*mentoring.Error](err)
}
