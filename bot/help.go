package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// commandHelp is `/reverse-mentor help` (and empty input).
func (b *Bot) commandHelp(ctx context.Context, r commandRequest) {
	b.respond(ctx, r.responseURL, b.cat.T(r.lang, "help_title", nil), renderHelp(b.cat, r.lang, b.commands, b.admins.IsAdmin(r.userID)))
}

// actionHelp is the Help button on the App Home: the help comes by DM.
func (b *Bot) actionHelp(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	lang := b.langOf(ctx, cb.User.ID)
	b.dm(ctx, cb.User.ID, b.cat.T(lang, "help_title", nil), renderHelp(b.cat, lang, b.commands, b.admins.IsAdmin(cb.User.ID)))
}

// renderHelp lists what people can type, from the command table: the ordinary commands,
// then, for admins only, the admin commands.
func renderHelp(cat *Catalog, lang mentoring.Lang, cmds *commandTable, admin bool) []slack.Block {
	blocks := []slack.Block{
		section(cat.T(lang, "help_intro", nil)),
		section(commandLines(cat, lang, cmds, false)),
	}
	if admin {
		blocks = append(blocks, section(adminCommands(cat, lang, cmds)))
	}
	return blocks
}

// adminCommands lists the admin-only commands under their title.
func adminCommands(cat *Catalog, lang mentoring.Lang, cmds *commandTable) string {
	return cat.T(lang, "help_admin_title", nil) + "\n" + commandLines(cat, lang, cmds, true)
}

// commandLines lists the ordinary commands, or the admin-only ones, one line each in
// table order: how to type it (with its Japanese words, which the Japanese catalog
// shows) and what it does.
func commandLines(cat *Catalog, lang mentoring.Lang, cmds *commandTable, admin bool) string {
	var lines []string
	for _, e := range cmds.list {
		if e.admin != admin {
			continue
		}
		lines = append(lines, cat.T(lang, "help_line", map[string]any{
			"Command": cmds.typed(e), "Alias": cmds.typedJA(e), "Text": cat.T(lang, e.helpKey, nil),
		}))
	}
	return strings.Join(lines, "\n")
}
