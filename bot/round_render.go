package bot

import (
	"math"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// renderRound renders a round for HR: a proposal with its pairs (one page of them), each
// saying who mentors whom and why the score is what it is, what HR's last swap did,
// where reporting lines are known only in part, the unmatched people with reasons, and
// the buttons; or the outcome of a decided round.
func renderRound(cat *Catalog, lang mentoring.Lang, r mentoring.Round, page int, catalogue mentoring.Catalogue, note string) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	p := r.Proposal
	pages := max(1, (len(p.Pairs)+pairsPerPage-1)/pairsPerPage)
	page = min(max(page, 0), pages-1)
	pairs := cat.N(lang, "count_pairs", len(p.Pairs), nil)
	blocks := []slack.Block{header(t("round_title", map[string]any{"ID": r.ID}))}
	if note != "" {
		blocks = append(blocks, section(note))
	}
	switch r.Status {
	case mentoring.RoundApproved:
		blocks = append(blocks, section(t("round_approved", map[string]any{"By": r.DecidedBy, "Pairs": pairs})))
	case mentoring.RoundCancelled:
		blocks = append(blocks, section(t("round_cancelled", map[string]any{"By": r.DecidedBy})))
	case mentoring.RoundSuperseded:
		blocks = append(blocks, section(t("round_superseded", nil)))
	default:
		blocks = append(blocks, section(t("round_summary", map[string]any{"Pairs": pairs,
			"Unmatched": cat.N(lang, "count_unmatched", len(p.Unmatched), nil)})))
		if p.LastSwap != nil {
			blocks = append(blocks, section(swapNote(cat, lang, *p.LastSwap)))
		}
		if n := unknownLines(p); n > 0 {
			blocks = append(blocks, section(cat.N(lang, "round_org_prompt", n, nil)))
		}
	}
	blocks = append(blocks, slack.NewDividerBlock())
	lo, hi := page*pairsPerPage, min(len(p.Pairs), (page+1)*pairsPerPage)
	for i := lo; i < hi; i++ {
		blocks = append(blocks, section(pairLine(cat, lang, i, p.Pairs[i], catalogue)))
	}
	if len(p.Pairs) == 0 {
		blocks = append(blocks, section(t("round_no_pairs", nil)))
	}
	if len(p.Unmatched) > 0 {
		text := t("round_unmatched_title", nil)
		for i, u := range p.Unmatched {
			line := t("round_unmatched_line", map[string]any{"User": u.UserID,
				"Role": t("role_name_"+roleKey(u.Role), nil), "Reason": t(hrReasonKey(u.Reason, u.Role), nil)})
			if len([]rune(text))+len([]rune(line)) > MaxSectionText-100 {
				text += "\n" + t("list_more", map[string]any{"N": len(p.Unmatched) - i})
				break
			}
			text += "\n" + line
		}
		blocks = append(blocks, section(text))
	}
	if pages > 1 {
		blocks = append(blocks, contextText(t("round_page", map[string]any{"Page": page + 1, "Pages": pages})))
	}
	if r.Status != mentoring.RoundProposed {
		return blocks
	}
	return append(blocks, roundButtons(cat, lang, r, page, pages)...)
}

// roundButtons are the actions of a proposal: approve, edit, re-run, cancel, and the
// pages.
func roundButtons(cat *Catalog, lang mentoring.Lang, r mentoring.Round, page, pages int) []slack.Block {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	ref := roundRef{ID: r.ID, Version: r.Version, Page: page}
	approve := button(actionRoundApprove, t("round_button_approve", nil), ref.String(), slack.StylePrimary)
	approve.Confirm = slack.NewConfirmationBlockObject(plain(t("round_confirm_title", nil), 100),
		plain(t("round_confirm_text", map[string]any{"Pairs": cat.N(lang, "count_pairs", len(r.Proposal.Pairs), nil)}), 300),
		plain(t("round_confirm_yes", nil), 30), plain(t("modal_cancel", nil), 30))
	cancel := button(actionRoundCancel, t("round_button_cancel", nil), ref.String(), slack.StyleDanger)
	cancel.Confirm = slack.NewConfirmationBlockObject(plain(t("round_cancel_title", nil), 100),
		plain(t("round_cancel_text", nil), 300), plain(t("round_button_cancel", nil), 30), plain(t("modal_cancel", nil), 30))
	cancel.Confirm.Style = slack.StyleDanger
	var elems []slack.BlockElement
	if len(r.Proposal.Pairs) > 0 {
		elems = append(elems, approve, button(actionRoundEdit, t("round_button_edit", nil), ref.String(), ""))
	}
	elems = append(elems, button(actionRoundRerun, t("round_button_rerun", nil), ref.String(), ""), cancel)
	blocks := []slack.Block{slack.NewActionBlock("actions_round", elems...)}
	if pages > 1 {
		var nav []slack.BlockElement
		if page > 0 {
			nav = append(nav, button(actionRoundPage, t("button_prev", nil), roundRef{r.ID, r.Version, page - 1}.String(), ""))
		}
		if page < pages-1 {
			nav = append(nav, button(actionRoundPageNext, t("button_next", nil), roundRef{r.ID, r.Version, page + 1}.String(), ""))
		}
		blocks = append(blocks, slack.NewActionBlock("actions_round_pages", nav...))
	}
	return blocks
}

// unknownLines counts the pairs whose reporting lines are known only in part.
func unknownLines(p mentoring.Proposal) int {
	n := 0
	for _, pp := range p.Pairs {
		if len(pp.UnknownAbove) > 0 {
			n++
		}
	}
	return n
}

// hrReasonKey is the message that tells HR why someone of role was left unmatched; some
// reasons read differently for a mentor and a mentee.
func hrReasonKey(reason string, role mentoring.Role) string {
	switch reason {
	case mentoring.ReasonOutnumbered, mentoring.ReasonNoPartner:
		return "reason_" + reason + "_" + roleKey(role)
	}
	return "reason_" + reason
}

// pairLine explains one proposed pair: who mentors whom and the score, the score's parts
// in words, why a mentor has a second or third mentee, and where the pair's reporting
// lines are known only in part.
func pairLine(cat *Catalog, lang mentoring.Lang, i int, p mentoring.ProposedPair, catalogue mentoring.Catalogue) string {
	t := func(key string, data map[string]any) string { return cat.T(lang, key, data) }
	pts := p.Parts
	var why []string
	var topics []string
	for _, id := range p.SharedTopics {
		if tp, ok := catalogue.Topic(id); ok {
			topics = append(topics, tp.Label(lang))
		}
	}
	if len(topics) > 0 {
		why = append(why, cat.N(lang, "round_why_topics", len(topics), map[string]any{
			"Topics": strings.Join(topics, t("list_separator", nil)), "Points": points(pts.Topics)}))
	} else {
		why = append(why, t("round_no_shared_topic", nil))
	}
	if pts.FreeTopics != 0 {
		why = append(why, t("round_why_free", map[string]any{"Points": points(pts.FreeTopics)}))
	}
	if len(p.Languages) > 0 {
		var langs []string
		for _, l := range p.Languages {
			langs = append(langs, t("lang_name_"+string(l), nil))
		}
		why = append(why, t("round_why_language", map[string]any{"Languages": strings.Join(langs, t("list_separator", nil))}))
	}
	if p.TZGapHours > 0 {
		why = append(why, t("round_tz_gap", map[string]any{"Hours": strconv.FormatFloat(p.TZGapHours, 'f', -1, 64),
			"Points": points(pts.TimeZone)}))
	} else {
		why = append(why, t("round_tz_same", nil))
	}
	if pts.Levels > 0 {
		why = append(why, cat.N(lang, "round_why_seniority", pts.Levels, map[string]any{"Points": points(pts.Seniority)}))
	}
	if weeks := int(math.Round(pts.WaitedWeeks)); weeks > 0 {
		why = append(why, cat.N(lang, "round_why_waiting", weeks, map[string]any{"Points": points(pts.Waiting)}))
	}
	lines := []string{
		t("round_pair_line", map[string]any{"N": i + 1, "Mentor": p.MentorID, "Mentee": p.MenteeID,
			"Score": strconv.FormatFloat(p.Score, 'f', 1, 64)}),
		t("round_pair_why", map[string]any{"Why": strings.Join(why, t("round_why_separator", nil))}),
	}
	if p.ExtraSlot > 0 && p.SlotReason != "" {
		lines = append(lines, t("round_slot_"+p.SlotReason, map[string]any{"Mentor": p.MentorID, "Mentee": p.MenteeID,
			"Slot": p.ExtraSlot}))
	}
	if len(p.UnknownAbove) > 0 {
		lines = append(lines, t("round_unknown_line", map[string]any{"Managers": nameList(cat, lang, p.UnknownAbove)}))
	}
	return strings.Join(lines, "\n")
}

// points writes a part of a score with its sign, to one decimal where it has one.
func points(x float64) string {
	x = math.Round(x*10) / 10
	s := strconv.FormatFloat(math.Abs(x), 'f', -1, 64)
	if x < 0 {
		return "−" + s
	}
	return "+" + s
}

// scoreChange writes a change of score with its sign and one decimal.
func scoreChange(x float64) string {
	s := strconv.FormatFloat(math.Abs(x), 'f', 1, 64)
	if x < 0 && s != "0.0" {
		return "−" + s
	}
	return "+" + s
}

// swapNote says what HR's last swap did to the two pairs' scores, and warns when it made
// either worse.
func swapNote(cat *Catalog, lang mentoring.Lang, e mentoring.SwapEffect) string {
	score := func(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
	delta := e.After[0] + e.After[1] - e.Before[0] - e.Before[1]
	text := cat.T(lang, "round_swap_effect", map[string]any{"A": e.Pairs[0] + 1, "B": e.Pairs[1] + 1,
		"BeforeA": score(e.Before[0]), "BeforeB": score(e.Before[1]), "AfterA": score(e.After[0]), "AfterB": score(e.After[1]),
		"Delta": scoreChange(delta)})
	if n := e.Worse(); n > 0 {
		text += "\n" + cat.N(lang, "round_swap_worse", n, nil)
	}
	return text
}

// renderChanges tells HR why a proposal could not be approved: what changed since it was
// made, one line each, within one section.
func renderChanges(cat *Catalog, lang mentoring.Lang, changes []mentoring.RoundChange) string {
	text := cat.T(lang, "round_changed", nil)
	for i, c := range changes {
		data := map[string]any{"User": c.UserID, "Mentor": c.MentorID, "Mentee": c.MenteeID, "Partner": c.PartnerID,
			"Free": max(0, c.Capacity-c.Taken), "Proposed": c.Proposed}
		switch c.Kind {
		case mentoring.ChangeRules:
			data["Reason"] = cat.T(lang, "rule_"+c.Reason, nil)
		case mentoring.ChangeRole:
			role := mentoring.RoleMentee
			if c.UserID == c.MenteeID {
				role = mentoring.RoleMentor
			}
			data["Role"] = cat.T(lang, "role_name_"+roleKey(role), nil)
		}
		line := "• " + cat.T(lang, "change_"+c.Kind, data)
		if len([]rune(text))+len([]rune(line)) > MaxSectionText-100 {
			text += "\n" + cat.T(lang, "list_more", map[string]any{"N": len(changes) - i})
			break
		}
		text += "\n" + line
	}
	return text
}

// orgPrompt asks HR admins to import the org chart while participants' reporting lines
// are known only in part, naming the managers above whom nothing is known; nothing when
// every line is known.
func orgPrompt(cat *Catalog, lang mentoring.Lang, gaps mentoring.OrgGaps) []slack.Block {
	if gaps.People == 0 {
		return nil
	}
	shown := gaps.Managers
	if len(shown) > 10 {
		shown = shown[:10]
	}
	managers := nameList(cat, lang, shown)
	if more := len(gaps.Managers) - len(shown); more > 0 {
		managers += " " + cat.T(lang, "list_more", map[string]any{"N": more})
	}
	return []slack.Block{section(cat.N(lang, "admin_org_prompt", gaps.People, map[string]any{"Managers": managers}))}
}
