package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/chart"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Cycles is what the programme's cycles need of the domain: the cycle running now (its
// purpose is shown everywhere), a pure check of the cycle modal, saving it, and the
// cadence to propose in a new one.
type Cycles interface {
	CurrentCycle(ctx context.Context) (mentoring.Cycle, error)
	CheckCycle(c mentoring.Cycle) (mentoring.Cycle, mentoring.FieldErrors)
	SaveCycle(ctx context.Context, by string, c mentoring.Cycle) (mentoring.Cycle, error)
	DefaultCadenceNow(ctx context.Context) mentoring.Cadence
}

// currentCycle returns the cycle whose purpose people see now, or nil when HR has set
// up none (or it cannot be read: then the standard purpose is shown, and the error logged).
func (b *Bot) currentCycle(ctx context.Context) *mentoring.Cycle {
	c, err := b.cycles.CurrentCycle(ctx)
	switch mentoring.ErrorCode(err) {
	case "":
		return &c
	case mentoring.ENOTFOUND:
	default:
		b.log.Error("current cycle", "err", err)
	}
	return nil
}

// purposeText is the programme's purpose as everyone reads it: the current cycle's,
// under its name, or the standard text while HR has set up no cycle.
func purposeText(cat *Catalog, lang mentoring.Lang, c *mentoring.Cycle) string {
	if c == nil || c.Purpose == "" {
		return cat.T(lang, "home_purpose", nil)
	}
	return cat.T(lang, "cycle_purpose", map[string]any{"Name": escapeMrkdwn(c.Name), "Purpose": escapeMrkdwn(c.Purpose)})
}

// guidelineBlocks are the standard guidelines, then the current cycle's own, if any.
func guidelineBlocks(cat *Catalog, lang mentoring.Lang, c *mentoring.Cycle) []slack.Block {
	out := []slack.Block{section(cat.T(lang, "guidelines_title", nil) + "\n" + cat.T(lang, "guidelines_body", nil))}
	if c != nil && c.Guidelines != "" {
		out = append(out, section(cat.T(lang, "cycle_guidelines", map[string]any{"Name": escapeMrkdwn(c.Name)})))
		out = append(out, textSections(c.Guidelines)...)
	}
	return out
}

// subjectLabel names a self-rated subject: leading a senior, or a topic.
func subjectLabel(cat *Catalog, lang mentoring.Lang, sub string, catalogue mentoring.Catalogue) string {
	if sub == mentoring.SubjectLead {
		return cat.T(lang, "cycle_subject_lead", nil)
	}
	if t, ok := catalogue.Topic(sub); ok {
		return t.Label(lang)
	}
	return sub
}

// renderCycleReport is a cycle's report in the HR channel: participation, sessions,
// "would join again", and the before/after effect of each self-rated subject, every
// figure under the anonymity rules; reflections are never posted.
func renderCycleReport(cat *Catalog, lang mentoring.Lang, r mentoring.CycleReport, catalogue mentoring.Catalogue) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	k := r.K
	f := func(s mentoring.Shown, unit string) string { return figure(cat, lang, s, k, 0, unit) }
	blocks := []slack.Block{
		header(t("report_title", map[string]any{"Name": r.Cycle.Name})),
		section(t("report_dates", map[string]any{"From": calendarDateText(lang, r.Cycle.StartsOn), "To": calendarDateText(lang, r.Cycle.EndsOn),
			"Purpose": escapeMrkdwn(r.Cycle.Purpose)})),
		section(t("report_figures", map[string]any{"Joined": f(r.Joined, "unit_people"), "Pairs": f(r.Pairs, "unit_pairs"),
			"Held": f(r.SessionsHeld, "unit_times"), "Due": f(r.SessionsDue, "unit_times"),
			"Rate": figure(cat, lang, r.CompletionRate, k, 0, ""), "RateShown": !r.CompletionRate.Hidden,
			"Answers": f(r.Answers, "unit_people"), "Again": figure(cat, lang, r.JoinAgain, k, 1, "")})),
	}
	if len(r.Effects) == 0 {
		blocks = append(blocks, section(t("report_effects_none", map[string]any{"K": k})))
	} else {
		lines := []string{t("report_effects_title", nil)}
		for _, e := range r.Effects {
			lines = append(lines, t("report_effect_line", map[string]any{
				"Subject": escapeMrkdwn(subjectLabel(cat, lang, e.Subject, catalogue)),
				"Role":    t("role_name_"+roleKey(e.Role), nil),
				"Before":  figure(cat, lang, e.Before, k, 1, ""), "After": figure(cat, lang, e.After, k, 1, ""),
				"Change": signed(e.Change.Value), "People": e.Before.People}))
		}
		if r.HiddenEffects > 0 {
			lines = append(lines, t("report_effects_hidden", map[string]any{"N": r.HiddenEffects, "K": k}))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	blocks = append(blocks, contextText(t("report_privacy", map[string]any{"K": k})))
	return capBlocks(blocks, MaxMessageBlocks, "…")
}

// reportChart draws the cycle's effect: the mean self-rating of each subject at opt-in
// and at the end, side by side.
func reportChart(cat *Catalog, lang mentoring.Lang, r mentoring.CycleReport, catalogue mentoring.Catalogue) ([]byte, error) {
	title := cat.T(lang, "chart_effect_title", map[string]any{"Name": r.Cycle.Name})
	if ok, _ := chart.Covers(title); !ok {
		// A cycle named in characters the chart font lacks: leave the name to the post.
		title = cat.T(lang, "chart_effect_title_plain", nil)
	}
	b := chart.Bars{
		Title:  title,
		YLabel: cat.T(lang, "chart_confidence", nil),
		Series: []string{cat.T(lang, "chart_before", nil), cat.T(lang, "chart_after", nil)},
		Values: [][]float64{nil, nil},
	}
	for _, e := range r.Effects {
		b.Groups = append(b.Groups, chart.Label{Text: subjectLabel(cat, lang, e.Subject, catalogue), Fallback: e.Subject})
		b.Values[0] = append(b.Values[0], e.Before.Value)
		b.Values[1] = append(b.Values[1], e.After.Value)
	}
	return b.PNG()
}

// renderReview is the mid-cycle rule-review prompt, a private DM to an HR admin: the
// figures so far, exact, and who was left unmatched and why, to decide whether the rules
// (cadence, repeat window, departments…) need changing.
func renderReview(cat *Catalog, lang mentoring.Lang, d mentoring.ReviewData, loc *time.Location) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	held := d.Completion.WindowsHeld
	rate := 0
	if d.Completion.WindowsDue > 0 {
		rate = 100 * held / d.Completion.WindowsDue
	}
	blocks := []slack.Block{
		header(t("review_title", map[string]any{"Name": d.Name})),
		section(t("review_intro", nil)),
		section(t("review_figures", map[string]any{"Active": d.Counts.Active, "Paused": d.Counts.Paused, "Left": d.Counts.Left,
			"Pairs": d.Pairs, "Stalled": d.Stalled, "Held": held, "Due": d.Completion.WindowsDue, "Rate": rate,
			"Flags": d.FlagsOpen})),
	}
	var burden []string
	for _, p := range d.Burden {
		v := t("review_no_answers", nil)
		if p.People > 0 {
			v = fmt.Sprintf("%.1f (%d)", p.Mean, p.People)
		}
		burden = append(burden, shortDate(lang, p.End.In(loc).Add(-time.Minute))+" "+v)
	}
	if len(burden) > 0 {
		blocks = append(blocks, section(t("review_burden", map[string]any{"Weeks": strings.Join(burden, " · ")})))
	}
	if len(d.Unmatched) > 0 {
		lines := []string{t("review_unmatched_title", map[string]any{"N": len(d.Unmatched)})}
		for i, u := range d.Unmatched {
			if i == 20 {
				lines = append(lines, t("list_more", map[string]any{"N": len(d.Unmatched) - i}))
				break
			}
			lines = append(lines, t("review_unmatched_line", map[string]any{"User": u.UserID,
				"Role": t("role_name_"+roleKey(u.Role), nil), "Reason": t(hrReasonKey(u.Reason, u.Role), nil)}))
		}
		blocks = append(blocks, section(strings.Join(lines, "\n")))
	}
	blocks = append(blocks, section(t("review_questions", nil)))
	return blocks
}
