package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// handleCommand answers one `/reverse-mentor` invocation (already acknowledged).
func (b *Bot) handleCommand(ctx context.Context, sc slack.SlashCommand) {
	c := parseCommand(sc.Text)
	_, lang := b.personAndLang(ctx, sc.UserID)
	b.log.Info("command", "user", sc.UserID, "name", c.name, "args", len(c.args))
	admin := b.isAdmin(sc.UserID)
	switch {
	case c.tooLong:
		text := b.cat.T(lang, "command_too_long", map[string]any{"Max": maxCommandRunes})
		b.respond(ctx, sc.ResponseURL, text, append([]slack.Block{section(text)}, renderHelp(b.cat, lang, admin)...))
	case c.name == "" || c.name == "help":
		b.respond(ctx, sc.ResponseURL, b.cat.T(lang, "help_title", nil), renderHelp(b.cat, lang, admin))
	case c.name == "join":
		b.openJoin(ctx, sc.UserID, sc.TriggerID, sc.ResponseURL)
	case c.name == "status":
		b.commandStatus(ctx, sc, lang)
	case c.name == "lang":
		b.commandLang(ctx, sc, lang, c.args)
	case c.name == "admin":
		b.commandAdmin(ctx, sc, lang, c.args)
	default:
		text := b.cat.T(lang, "command_unknown", map[string]any{"Text": escapeMrkdwn(truncate(c.raw, 60))})
		b.respond(ctx, sc.ResponseURL, text, append([]slack.Block{section(text)}, renderHelp(b.cat, lang, admin)...))
	}
}

func (b *Bot) commandStatus(ctx context.Context, sc slack.SlashCommand, lang mentoring.Lang) {
	p, err := b.prog.Participant(ctx, sc.UserID)
	if err != nil {
		if mentoring.ErrorCode(err) == mentoring.ENOTJOINED {
			text := b.cat.T(lang, "status_not_joined", nil)
			b.respond(ctx, sc.ResponseURL, text, []slack.Block{
				section(text),
				slack.NewActionBlock("actions_status", button(actionOpenJoin, b.cat.T(lang, "button_join", nil), "", slack.StylePrimary)),
			})
			return
		}
		b.tellError(ctx, sc.UserID, sc.ResponseURL, lang, err)
		return
	}
	pairs, err := b.prog.PairsOf(ctx, sc.UserID)
	if err != nil {
		b.tellError(ctx, sc.UserID, sc.ResponseURL, lang, err)
		return
	}
	b.respond(ctx, sc.ResponseURL, b.cat.T(lang, "status_title", nil), renderStatus(b.cat, lang, p, pairs, b.prog.Catalogue(), b.clock.Now()))
}

func (b *Bot) commandLang(ctx context.Context, sc slack.SlashCommand, lang mentoring.Lang, args []string) {
	if len(args) != 1 {
		text := b.cat.T(lang, "lang_usage", nil)
		b.respond(ctx, sc.ResponseURL, text, []slack.Block{section(text)})
		return
	}
	want, ok := mentoring.ParseLang(args[0])
	if !ok || len(args[0]) > 5 {
		text := b.cat.T(lang, "lang_usage", nil)
		b.respond(ctx, sc.ResponseURL, text, []slack.Block{section(text)})
		return
	}
	if err := b.prog.SetLanguage(ctx, sc.UserID, want); err != nil {
		b.tellError(ctx, sc.UserID, sc.ResponseURL, lang, err)
		return
	}
	text := b.cat.T(want, "lang_set", nil)
	b.respond(ctx, sc.ResponseURL, text, []slack.Block{section(text)})
	b.publishHome(ctx, sc.UserID)
}

// commandAdmin serves HR admins. The user is checked here, on the server, whatever the
// client showed them.
func (b *Bot) commandAdmin(ctx context.Context, sc slack.SlashCommand, lang mentoring.Lang, args []string) {
	if !b.isAdmin(sc.UserID) {
		b.log.Warn("admin command refused", "user", sc.UserID)
		text := b.cat.T(lang, "admin_refused", nil)
		b.respond(ctx, sc.ResponseURL, text, []slack.Block{section(text)})
		return
	}
	if len(args) > 0 {
		switch args[0] {
		case "round", "マッチング":
			b.commandRound(ctx, sc, lang)
			return
		case "pairs", "ペア":
			b.commandPairs(ctx, sc, lang)
			return
		}
	}
	counts, err := b.prog.Counts(ctx)
	if err != nil {
		b.tellError(ctx, sc.UserID, sc.ResponseURL, lang, err)
		return
	}
	blocks := renderAdminHelp(b.cat, lang, counts, b.outboxStatus(ctx), b.clock.Now())
	if len(args) > 0 {
		blocks = append([]slack.Block{section(b.cat.T(lang, "admin_unknown", map[string]any{"Text": escapeMrkdwn(truncate(args[0], 40))}))}, blocks...)
	}
	b.respond(ctx, sc.ResponseURL, b.cat.T(lang, "admin_title", nil), blocks)
}

// outboxStatus returns the outbox's state, or nil when it is not known.
func (b *Bot) outboxStatus(ctx context.Context) *OutboxStatus {
	if b.outbox == nil {
		return nil
	}
	st, err := b.outbox(ctx)
	if err != nil {
		b.log.Error("outbox status", "err", err)
		return nil
	}
	return &st
}
