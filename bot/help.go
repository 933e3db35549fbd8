package bot

import (
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// renderHelp lists what people can type; admins see their commands too.
func renderHelp(cat *Catalog, lang mentoring.Lang, admin bool) []slack.Block {
	blocks := []slack.Block{
		section(cat.T(lang, "help_intro", nil)),
		section(cat.T(lang, "help_commands", nil)),
	}
	if admin {
		blocks = append(blocks, section(cat.T(lang, "help_admin_commands", nil)))
	}
	blocks = append(blocks, contextText(cat.T(lang, "help_footer", nil)))
	return blocks
}

// renderAdminHelp shows HR admins the programme's head counts, the outbox and their commands.
func renderAdminHelp(cat *Catalog, lang mentoring.Lang, c mentoring.Counts, ob *OutboxStatus, now time.Time) []slack.Block {
	blocks := []slack.Block{
		header(cat.T(lang, "admin_title", nil)),
		section(cat.T(lang, "admin_counts", countsData(c))),
	}
	if ob != nil {
		blocks = append(blocks, contextText(outboxLine(cat, lang, *ob, now)))
	}
	return append(blocks, section(cat.T(lang, "help_admin_commands", nil)))
}

// outboxLine sums up the outgoing message queue in one line.
func outboxLine(cat *Catalog, lang mentoring.Lang, ob OutboxStatus, now time.Time) string {
	data := map[string]any{"Queued": ob.Queued, "Sent": ob.Sent, "Retried": ob.Retried, "Failed": ob.Failed}
	if !ob.OldestQueued.IsZero() && now.After(ob.OldestQueued) {
		data["Waiting"] = max(1, int(now.Sub(ob.OldestQueued).Minutes()))
	}
	return cat.T(lang, "admin_outbox", data)
}

func countsData(c mentoring.Counts) map[string]any {
	return map[string]any{
		"Joined": c.Joined(), "Active": c.Active, "Paused": c.Paused, "Left": c.Left,
		"Mentors": c.Mentors, "Mentees": c.Mentees,
	}
}
