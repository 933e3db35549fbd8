package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// renderFunc renders a notice in one language: the fallback text and the blocks.
type renderFunc func(mentoring.Lang) (string, []slack.Block, error)

// sessionNotice returns the renderer of a notice the sessions send: a check-in prompt,
// nudge or its answered rewrite, a pulse survey, a follow-up flag (read as it stands
// now, so a copy rewritten after handling says who handled it), the end of a pair, or
// the end of a break.
func (b *Bot) sessionNotice(ctx context.Context, n mentoring.Notice) (renderFunc, error) {
	decode := func(v any) error {
		if err := json.Unmarshal(n.Data, v); err != nil {
			return fmt.Errorf("render %s: %w", n.Key, err)
		}
		return nil
	}
	switch n.Kind {
	case mentoring.NoticeCheckinPrompt:
		var d mentoring.PromptData
		if err := decode(&d); err != nil {
			return nil, err
		}
		loc := b.personZone(ctx, d.UserID)
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, promptTitleKey(d), nil), renderPrompt(b.cat, l, d, loc), nil
		}, nil
	case mentoring.NoticePulse:
		var d mentoring.PulseData
		if err := decode(&d); err != nil {
			return nil, err
		}
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "pulse_title", nil), renderPulse(b.cat, l, pulseView{Date: d.Date, Role: d.Role}), nil
		}, nil
	case mentoring.NoticeFlag:
		var d mentoring.FlagData
		if err := decode(&d); err != nil {
			return nil, err
		}
		v, err := b.loadFlag(ctx, d.FlagKey, d.AdminID)
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", n.Key, err)
		}
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "flag_title", nil), renderFlag(b.cat, l, v), nil
		}, nil
	case mentoring.NoticePairEnded:
		var d mentoring.PairEndedData
		if err := decode(&d); err != nil {
			return nil, err
		}
		loc := b.personZone(ctx, d.UserID)
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "pair_ended_title", nil), renderPairEnded(b.cat, l, d, loc), nil
		}, nil
	case mentoring.NoticeResumed:
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "resumed_title", nil), renderResumed(b.cat, l), nil
		}, nil
	}
	return nil, fmt.Errorf("render %s: unknown kind %q", n.Key, n.Kind)
}

func promptTitleKey(d mentoring.PromptData) string {
	switch {
	case d.Answered:
		return "checkin_answered_title"
	case d.Nudge:
		return "checkin_nudge_title"
	}
	return "checkin_title"
}

// renderPrompt is the check-in DM: the prompt after a session window, its one gentle
// nudge, or, once answered, the same message rewritten to say so. Each has the button
// that opens the check-in modal for that pair and window.
func renderPrompt(cat *Catalog, lang mentoring.Lang, d mentoring.PromptData, loc *time.Location) []slack.Block {
	from, to := windowDates(lang, mentoring.Window{N: d.Window, Start: d.Start, End: d.End}, loc)
	data := map[string]any{"Partner": partnerName(cat, lang, d.PartnerID), "From": from, "To": to}
	ref := checkInRef{Pair: d.PairID, Window: d.Window}.String()
	why := "checkin_why_mentee"
	if d.Role == mentoring.RoleMentor {
		why = "checkin_why_mentor"
	}
	switch {
	case d.Answered:
		return []slack.Block{
			header(cat.T(lang, "checkin_answered_title", nil)),
			section(cat.T(lang, "checkin_answered", data)),
			slack.NewActionBlock("actions_checkin", button(actionCheckInOpen, cat.T(lang, "checkin_button_edit", nil), ref, "")),
		}
	case d.Nudge:
		return []slack.Block{
			header(cat.T(lang, "checkin_nudge_title", nil)),
			section(cat.T(lang, "checkin_nudge", data)),
			slack.NewActionBlock("actions_checkin", button(actionCheckInOpen, cat.T(lang, "checkin_button", nil), ref, slack.StylePrimary)),
			contextText(cat.T(lang, why, data)),
		}
	}
	return []slack.Block{
		header(cat.T(lang, "checkin_title", nil)),
		section(cat.T(lang, "checkin_prompt", data)),
		section(cat.T(lang, why, data)),
		slack.NewActionBlock("actions_checkin", button(actionCheckInOpen, cat.T(lang, "checkin_button", nil), ref, slack.StylePrimary)),
	}
}

// renderPairEnded tells someone kindly that their pair has ended: it names nobody and
// gives no reason, and says they stay in the pool for the next round.
func renderPairEnded(cat *Catalog, lang mentoring.Lang, d mentoring.PairEndedData, loc *time.Location) []slack.Block {
	blocks := []slack.Block{
		header(cat.T(lang, "pair_ended_title", nil)),
		section(cat.T(lang, "pair_ended_text", map[string]any{"Since": dateText(lang, d.Since, loc), "Others": d.OtherPairs > 0})),
	}
	if d.WillRematch {
		blocks = append(blocks, section(cat.T(lang, "pair_ended_next", nil)))
	}
	return blocks
}

// renderResumed welcomes someone back when their break ends by itself.
func renderResumed(cat *Catalog, lang mentoring.Lang) []slack.Block {
	return []slack.Block{section(cat.T(lang, "resumed_text", nil))}
}
