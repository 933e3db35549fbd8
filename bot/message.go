package bot

import (
	"context"

	"github.com/slack-go/slack/slackevents"
)

// handleDirectMessage answers a person who writes to the bot in its DM with a short help.
// Messages from bots (this one included), edits and other subtypes are ignored.
func (b *Bot) handleDirectMessage(ctx context.Context, m *slackevents.MessageEvent) {
	if m.BotID != "" || m.SubType != "" || m.User == "" || m.ChannelType != "im" {
		return
	}
	lang := b.langOf(ctx, m.User)
	blocks := renderHelp(b.cat, lang, b.commands, b.admins.IsAdmin(m.User))
	b.dm(ctx, m.User, b.cat.T(lang, "help_title", nil), blocks)
}
