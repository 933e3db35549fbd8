package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Figures is what HR admins' overview needs of the domain: the programme's head counts,
// and where reporting lines are known only in part.
type Figures interface {
	Counts(ctx context.Context) (mentoring.Counts, error)
	OrgGaps(ctx context.Context) (mentoring.OrgGaps, error)
}

// commandFigures is bare `/reverse-mentor admin`: the programme's figures, the outbox and
// the admin commands. A word after `admin` that names no admin command is noted above them.
func (b *Bot) commandFigures(ctx context.Context, r commandRequest) {
	counts, err := b.figures.Counts(ctx)
	if err != nil {
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	gaps, err := b.figures.OrgGaps(ctx)
	if err != nil {
		b.tellError(ctx, r.userID, r.responseURL, r.lang, err)
		return
	}
	blocks := renderFigures(b.cat, r.lang, b.commands, counts, gaps, b.outboxStatus(ctx), b.clock.Now())
	if len(r.args) > 0 {
		note := b.cat.T(r.lang, "admin_unknown", map[string]any{"Text": escapeMrkdwn(truncate(r.args[0], 40))})
		blocks = append([]slack.Block{section(note)}, blocks...)
	}
	b.respond(ctx, r.responseURL, b.cat.T(r.lang, "admin_title", nil), blocks)
}

// renderFigures shows HR admins the programme's head counts, a prompt to import the org
// chart while reporting lines are known only in part, the outbox and their commands.
func renderFigures(cat *Catalog, lang mentoring.Lang, cmds *commandTable, c mentoring.Counts, gaps mentoring.OrgGaps, ob *OutboxStatus, now time.Time) []slack.Block {
	blocks := []slack.Block{
		header(cat.T(lang, "admin_title", nil)),
		section(cat.T(lang, "admin_counts", countsData(c))),
	}
	blocks = append(blocks, orgPrompt(cat, lang, gaps)...)
	if ob != nil {
		blocks = append(blocks, contextText(outboxLine(cat, lang, *ob, now)))
		blocks = append(blocks, renderFailed(cat, lang, *ob)...)
	}
	return append(blocks, section(adminCommands(cat, lang, cmds)))
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

func countsData(c mentoring.Counts) map[string]any {
	return map[string]any{
		"Joined": c.Joined(), "Active": c.Active, "Paused": c.Paused, "Left": c.Left,
		"Mentors": c.Mentors, "Mentees": c.Mentees,
	}
}
