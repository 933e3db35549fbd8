package bot

import (
	"context"
	"errors"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// homeData is what the App Home shows one person.
type homeData struct {
	Lang        mentoring.Lang
	Participant *mentoring.Participant // nil for someone who has not joined
	Pairs       []mentoring.Pair
	Unpaired    *mentoring.Unpaired // how the last round left them without a partner, if it did
	Admin       bool
	Counts      mentoring.Counts   // for admins
	Outbox      *OutboxStatus      // for admins, when known
	Pending     *mentoring.Round   // for admins: the proposal waiting for review
	Gaps        mentoring.OrgGaps  // for admins: where reporting lines are known only in part
	OpenFlags   int                // for admins: follow-ups nobody has handled yet
	Trend       *mentoring.Summary // for admins: the summary of the week ending now
	Cycle       *mentoring.Cycle   // the current cycle; nil when HR has set up none
	Now         time.Time
}

// publishHome renders and publishes the App Home for the user.
func (b *Bot) publishHome(ctx context.Context, userID string) {
	lang := b.langOf(ctx, userID)
	d := homeData{Lang: lang, Admin: b.admins.IsAdmin(userID), Now: b.clock.Now()}
	p, err := b.people.Participant(ctx, userID)
	switch {
	case err == nil:
		d.Participant = &p
		if d.Pairs, err = b.people.PairsOf(ctx, userID); err != nil {
			b.log.Error("home: pairs", "user", userID, "err", err)
		}
		d.Unpaired = b.unpaired(ctx, userID, d.Pairs)
	case mentoring.ErrorCode(err) != mentoring.ENOTJOINED:
		b.log.Error("home: participant", "user", userID, "err", err)
	}
	d.Cycle = b.currentCycle(ctx)
	if d.Admin {
		b.loadAdminHome(ctx, userID, &d)
	}
	view := renderHome(b.cat, b.commands, d, b.profiles.Catalogue())
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view}); err != nil {
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) {
			b.log.Warn("views.publish rate limited", "retry_after", rl.RetryAfter)
			return
		}
		b.log.Error("views.publish", "user", userID, "err", redact(err.Error()))
	}
}

// renderHome renders the App Home: the programme's purpose, the person's status and
// buttons, the guidelines, and for HR admins the programme's figures.
func renderHome(cat *Catalog, cmds *commandTable, d homeData, catalogue mentoring.Catalogue) slack.HomeTabViewRequest {
	l := d.Lang
	blocks := []slack.Block{
		header(cat.T(l, "home_title", nil)),
		section(purposeText(cat, l, d.Cycle)),
		slack.NewDividerBlock(),
	}
	if d.Participant == nil {
		blocks = append(blocks,
			section(cat.T(l, "home_invite", nil)),
			slack.NewActionBlock("actions_home",
				button(actionOpenJoin, cat.T(l, "button_join", nil), "", slack.StylePrimary),
				button(actionHelp, cat.T(l, "button_help", nil), "", ""),
			),
		)
	} else {
		p := *d.Participant
		blocks = append(blocks,
			section(statusLine(cat, l, p, d.Now)),
			section(profileSummary(cat, l, p.Profile, catalogue)),
			section(pairSummary(cat, l, p, d.Pairs, d.Unpaired)),
		)
		if next := nextCheckIns(cat, l, p, d.Pairs, d.Now); next != "" {
			blocks = append(blocks, section(next))
		}
		buttons := append(participantButtons(cat, l, p, d.Pairs), button(actionHelp, cat.T(l, "button_help", nil), "", ""))
		blocks = append(blocks, slack.NewActionBlock("actions_home", buttons...))
	}
	other := mentoring.LangEN
	if l == mentoring.LangEN {
		other = mentoring.LangJA
	}
	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, guidelineBlocks(cat, l, d.Cycle)...)
	blocks = append(blocks,
		slack.NewActionBlock("actions_lang", button(actionSetLang, cat.T(l, "button_lang_"+string(other), nil), string(other), "")),
	)
	if d.Admin {
		// The admin part comes last, so the cap never cuts what a participant needs.
		blocks = append(blocks, renderAdminHome(cat, cmds, d)...)
	}
	return slack.HomeTabViewRequest{
		Type:   slack.VTHomeTab,
		Blocks: slack.Blocks{BlockSet: capBlocks(blocks, MaxSurfaceBlocks, "…")},
	}
}
