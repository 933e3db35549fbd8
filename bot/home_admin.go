package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// loadAdminHome reads what the App Home shows HR admins: the figures, where reporting
// lines are known only in part, the outbox, the open follow-ups, the round waiting for
// review and this week's trend. What cannot be read is logged and left out.
func (b *Bot) loadAdminHome(ctx context.Context, userID string, d *homeData) {
	var err error
	if d.Counts, err = b.figures.Counts(ctx); err != nil {
		b.log.Error("home: counts", "err", err)
	}
	if d.Gaps, err = b.figures.OrgGaps(ctx); err != nil {
		b.log.Error("home: org gaps", "err", err)
	}
	d.Outbox = b.outboxStatus(ctx)
	if fs, err := b.sessions.Flags(ctx, userID, false, maxFlagsListed); err == nil {
		d.OpenFlags = len(fs)
	} else {
		b.log.Error("home: flags", "err", err)
	}
	if r, err := b.rounds.PendingRound(ctx, userID); err == nil {
		d.Pending = &r
	} else if mentoring.ErrorCode(err) != mentoring.ENOTFOUND {
		b.log.Error("home: pending round", "err", err)
	}
	if sm, err := b.summaries.WeeklySummary(ctx, d.Now); err == nil {
		d.Trend = &sm
	} else {
		b.log.Error("home: trend", "err", err)
	}
}

// renderAdminHome is HR admins' part of the App Home: the cycle, the programme's
// figures, this week's trend as sparklines (published figures only), the round waiting
// for review, the open follow-ups, their buttons (new round, follow-ups, post the
// summary, export, new cycle), the outbox and the admin commands.
func renderAdminHome(cat *Catalog, cmds *commandTable, d homeData) []slack.Block {
	l := d.Lang
	t := func(key string, data map[string]any) string { return cat.T(l, key, data) }
	blocks := []slack.Block{slack.NewDividerBlock(), header(t("admin_title", nil))}
	if c := d.Cycle; c != nil {
		blocks = append(blocks, section(t("home_cycle", map[string]any{"Name": escapeMrkdwn(c.Name),
			"From": calendarDateText(l, c.StartsOn), "To": calendarDateText(l, c.EndsOn), "Cadence": t("cadence_"+cadenceKey(c.DefaultCadence), nil)})))
	} else {
		blocks = append(blocks, section(t("home_cycle_none", nil)))
	}
	blocks = append(blocks, section(t("admin_counts", countsData(d.Counts))))
	blocks = append(blocks, orgPrompt(cat, l, d.Gaps)...)
	if sm := d.Trend; sm != nil {
		var mood, safety, burden []mentoring.Shown
		for _, w := range sm.Trend {
			mood, safety, burden = append(mood, w.Mood), append(safety, w.Safety), append(burden, w.Burden)
		}
		blocks = append(blocks, section(strings.Join([]string{
			t("home_trend_title", map[string]any{"Weeks": len(sm.Trend)}),
			trendLine(cat, l, "summary_mood", mood, sm.MoodDelta, sm.K),
			trendLine(cat, l, "summary_safety", safety, sm.SafetyDelta, sm.K),
			trendLine(cat, l, "summary_burden", burden, sm.BurdenDelta, sm.K),
		}, "\n")))
	}
	if d.Pending != nil {
		blocks = append(blocks, section(t("home_round_pending", map[string]any{"ID": d.Pending.ID,
			"Pairs": cat.N(l, "count_pairs", len(d.Pending.Proposal.Pairs), nil), "By": d.Pending.CreatedBy})))
	}
	blocks = append(blocks, section(t("home_flags_open", map[string]any{"N": d.OpenFlags})))
	blocks = append(blocks, slack.NewActionBlock("actions_admin",
		button(actionRoundPropose, t("round_button_propose", nil), "", ""),
		button(actionFlagsPage, t("button_flags", nil), "0", ""),
		summaryButton(cat, l),
		button(actionExport, t("export_button", nil), "", ""),
		button(actionCycleOpen, t("cycle_button_new", nil), "", "")))
	if d.Outbox != nil {
		blocks = append(blocks, contextText(outboxLine(cat, l, *d.Outbox, d.Now)))
	}
	return append(blocks, contextText(adminCommands(cat, l, cmds)))
}

// summaryButton posts the summary in the HR channel, after a confirmation: everyone in
// that channel reads it.
func summaryButton(cat *Catalog, lang mentoring.Lang) *slack.ButtonBlockElement {
	b := button(actionSummaryPost, cat.T(lang, "summary_button_post", nil), "", "")
	b.Confirm = slack.NewConfirmationBlockObject(plain(cat.T(lang, "summary_confirm_title", nil), 100),
		plain(cat.T(lang, "summary_confirm_text", nil), 300),
		plain(cat.T(lang, "summary_button_post", nil), 30), plain(cat.T(lang, "modal_cancel", nil), 30))
	return b
}
