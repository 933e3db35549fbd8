package bot

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/chart"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Summaries is what HR's weekly summary needs of the domain: the summary of the week
// ending at a time (the admin App Home's trend), and posting it in the HR channel now.
type Summaries interface {
	WeeklySummary(ctx context.Context, end time.Time) (mentoring.Summary, error)
	PostSummaryNow(ctx context.Context, by string) (mentoring.Summary, error)
}

// actionSummaryPost is the admin App Home's "post summary" button.
const actionSummaryPost = "summary_post"

// commandSummary is `/reverse-mentor admin summary`: the summary of the week ending now,
// posted in the HR channel at once.
func (b *Bot) commandSummary(ctx context.Context, r commandRequest) {
	b.postSummary(ctx, r.userID, r.responseURL, r.lang)
}

// actionSummaryPost is the admin App Home's button: the same as the command.
func (b *Bot) actionSummaryPost(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.postSummary(ctx, cb.User.ID, "", b.langOf(ctx, cb.User.ID))
}

// postSummary queues the summary and its chart for the HR channel, wakes the outbox and
// tells the admin.
func (b *Bot) postSummary(ctx context.Context, by, responseURL string, lang mentoring.Lang) {
	sm, err := b.summaries.PostSummaryNow(ctx, by)
	if err != nil {
		b.tellError(ctx, by, responseURL, lang, err)
		return
	}
	b.log.Info("summary posted on request", "by", by, "week_end", sm.Week.End)
	b.notify()
	text := b.cat.T(lang, "summary_posted", nil)
	b.reply(ctx, by, responseURL, text, []slack.Block{section(text)})
}

// figure writes a published figure: the number with its unit (unit names a catalog
// entry such as "unit_people": "{{.N}}人" in Japanese, "{{.N}}" in English), or "fewer
// than k" when it describes too few people. decimals is the number of decimals shown.
func figure(cat *Catalog, lang mentoring.Lang, s mentoring.Shown, k, decimals int, unit string) string {
	if s.Hidden {
		return cat.T(lang, "summary_fewer_than", map[string]any{"K": k})
	}
	n := strconv.FormatFloat(s.Value, 'f', decimals, 64)
	if unit == "" {
		return n
	}
	return cat.T(lang, unit, map[string]any{"N": n})
}

// sparkBars are the eight heights of a text sparkline.
var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws 1–5 averages as a row of bars; a hidden week is "·".
func sparkline(points []mentoring.Shown) string {
	var b strings.Builder
	for _, p := range points {
		if p.Hidden {
			b.WriteRune('·')
			continue
		}
		i := int(math.Round((p.Value - 1) / 4 * float64(len(sparkBars)-1)))
		b.WriteRune(sparkBars[min(max(i, 0), len(sparkBars)-1)])
	}
	return b.String()
}

// trendLine is one trend of the summary: its name, sparkline, latest value and change.
func trendLine(cat *Catalog, lang mentoring.Lang, name string, pts []mentoring.Shown, d *float64, k int) string {
	last := mentoring.Shown{Hidden: true}
	if len(pts) > 0 {
		last = pts[len(pts)-1]
	}
	data := map[string]any{"Name": cat.T(lang, name, nil), "Spark": sparkline(pts), "Value": figure(cat, lang, last, k, 1, "")}
	if d != nil {
		data["Delta"] = signed(*d)
	}
	return cat.T(lang, "summary_trend_line", data)
}

// signed writes a change with its sign.
func signed(d float64) string {
	if d > 0 {
		return "+" + strconv.FormatFloat(d, 'f', 1, 64)
	}
	return strconv.FormatFloat(d, 'f', 1, 64)
}

// renderSummary is the weekly summary post in the HR channel. Every figure is as the
// domain published it: hidden ones read "fewer than k"; no free text, no name.
func renderSummary(cat *Catalog, lang mentoring.Lang, sm mentoring.Summary, loc *time.Location) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	people := func(s mentoring.Shown) string { return figure(cat, lang, s, sm.K, 0, "unit_people") }
	pairs := func(s mentoring.Shown) string { return figure(cat, lang, s, sm.K, 0, "unit_pairs") }
	times := func(s mentoring.Shown) string { return figure(cat, lang, s, sm.K, 0, "unit_times") }
	items := func(s mentoring.Shown) string { return figure(cat, lang, s, sm.K, 0, "unit_items") }
	from, to := sm.Week.Start.In(loc), sm.Week.End.In(loc).Add(-time.Minute)
	blocks := []slack.Block{
		header(t("summary_title", map[string]any{"From": shortDate(lang, from), "To": shortDate(lang, to)})),
		section(t("summary_participation", map[string]any{"Joined": people(sm.Joined), "Active": people(sm.Active),
			"Paused": people(sm.Paused), "Left": people(sm.Left), "Mentors": people(sm.Mentors),
			"Mentees": people(sm.Mentees), "New": people(sm.NewThisWeek)})),
	}
	if sm.ByDepartmentOK {
		var parts []string
		for _, g := range sm.ByDepartment {
			v := strconv.Itoa(g.People)
			if g.Hidden {
				v = t("summary_not_shown", nil)
			}
			parts = append(parts, escapeMrkdwn(g.Name)+" "+v)
		}
		blocks = append(blocks, contextText(t("summary_by_department", map[string]any{"Groups": strings.Join(parts, " · ")})))
	}
	sessions := map[string]any{"Pairs": pairs(sm.ActivePairs), "Stalled": pairs(sm.StalledPairs),
		"Due": times(sm.SessionsDue), "Held": times(sm.SessionsHeld)}
	if !sm.CompletionRate.Hidden {
		sessions["Rate"] = figure(cat, lang, sm.CompletionRate, sm.K, 0, "")
	}
	blocks = append(blocks, section(t("summary_sessions", sessions)))
	var mood, safety, burden []mentoring.Shown
	for _, w := range sm.Trend {
		mood, safety, burden = append(mood, w.Mood), append(safety, w.Safety), append(burden, w.Burden)
	}
	trends := []string{t("summary_trends_title", map[string]any{"Weeks": len(sm.Trend)}),
		trendLine(cat, lang, "summary_mood", mood, sm.MoodDelta, sm.K),
		trendLine(cat, lang, "summary_safety", safety, sm.SafetyDelta, sm.K),
		trendLine(cat, lang, "summary_burden", burden, sm.BurdenDelta, sm.K)}
	blocks = append(blocks, section(strings.Join(trends, "\n")),
		section(t("summary_flags", map[string]any{"Open": items(sm.FlagsOpen), "Handled": items(sm.FlagsHandled)})),
		section(changesLine(cat, lang, sm)),
		contextText(t("summary_privacy", map[string]any{"K": sm.K})))
	return capBlocks(blocks, MaxMessageBlocks, "…")
}

// changesLine says in one line what changed since last week.
func changesLine(cat *Catalog, lang mentoring.Lang, sm mentoring.Summary) string {
	var parts []string
	for _, c := range []struct {
		key string
		d   *float64
	}{{"summary_mood", sm.MoodDelta}, {"summary_safety", sm.SafetyDelta}, {"summary_burden", sm.BurdenDelta}} {
		if c.d == nil || *c.d == 0 {
			continue
		}
		dir := "summary_up"
		if *c.d < 0 {
			dir = "summary_down"
		}
		parts = append(parts, cat.T(lang, dir, map[string]any{"Name": cat.T(lang, c.key, nil),
			"By": strconv.FormatFloat(math.Abs(*c.d), 'f', 1, 64)}))
	}
	if !sm.NewlyStalled.Hidden && sm.NewlyStalled.Value > 0 {
		parts = append(parts, cat.T(lang, "summary_newly_stalled", map[string]any{"N": int(sm.NewlyStalled.Value)}))
	} else if sm.NewlyStalled.Hidden {
		parts = append(parts, cat.T(lang, "summary_newly_stalled_few", map[string]any{"K": sm.K}))
	}
	if len(parts) == 0 {
		return cat.T(lang, "summary_changes_none", nil)
	}
	return cat.T(lang, "summary_changes", map[string]any{"Changes": strings.Join(parts, cat.T(lang, "list_separator", nil))})
}

// shortDate writes a day as the language writes it briefly: 6/26 or 26 Jun.
func shortDate(lang mentoring.Lang, t time.Time) string {
	if lang == mentoring.LangJA {
		return t.Format("1/2")
	}
	return t.Format("2 Jan")
}

// summaryChart draws the summary's trend chart: mood, safety and burden over the weeks,
// gaps where fewer than k answered.
func summaryChart(cat *Catalog, lang mentoring.Lang, sm mentoring.Summary, loc *time.Location) ([]byte, error) {
	var ticks []string
	lines := []chart.Line{
		{Name: chart.Label{Text: cat.T(lang, "summary_mood", nil)}},
		{Name: chart.Label{Text: cat.T(lang, "summary_safety", nil)}},
		{Name: chart.Label{Text: cat.T(lang, "summary_burden", nil)}},
	}
	val := func(s mentoring.Shown) float64 {
		if s.Hidden {
			return math.NaN()
		}
		return s.Value
	}
	for _, w := range sm.Trend {
		ticks = append(ticks, shortDate(lang, w.End.In(loc).Add(-time.Minute)))
		lines[0].Values = append(lines[0].Values, val(w.Mood))
		lines[1].Values = append(lines[1].Values, val(w.Safety))
		lines[2].Values = append(lines[2].Values, val(w.Burden))
	}
	return chart.Trend{
		Title:  cat.T(lang, "chart_trend_title", map[string]any{"Weeks": len(sm.Trend)}),
		XLabel: cat.T(lang, "chart_week_ending", nil),
		YLabel: cat.T(lang, "chart_mean", nil),
		Ticks:  ticks,
		Lines:  lines,
		Note:   cat.T(lang, "chart_gaps", map[string]any{"K": sm.K}),
	}.PNG()
}
