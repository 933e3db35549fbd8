package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Render turns a notice from the outbox into a Slack message, in its recipients'
// languages: one language when they share it, both (Japanese first) when they differ.
// The outbox sender calls it just before sending.
func (b *Bot) Render(ctx context.Context, n mentoring.Notice) (string, []slack.Block, error) {
	langs := b.recipientLangs(ctx, n.UserIDs)
	var render func(mentoring.Lang) (string, []slack.Block, error)
	switch n.Kind {
	case mentoring.NoticeIntro:
		var d mentoring.IntroData
		if err := json.Unmarshal(n.Data, &d); err != nil {
			return "", nil, fmt.Errorf("render %s: %w", n.Key, err)
		}
		cycle := b.currentCycle(ctx)
		render = func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "intro_title", nil), renderIntro(b.cat, l, d, b.profiles.Catalogue(), cycle), nil
		}
	case mentoring.NoticeOrientation:
		var d mentoring.OrientationData
		if err := json.Unmarshal(n.Data, &d); err != nil {
			return "", nil, fmt.Errorf("render %s: %w", n.Key, err)
		}
		cycle := b.currentCycle(ctx)
		render = func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "orientation_title", nil), renderOrientation(b.cat, l, d, cycle), nil
		}
	case mentoring.NoticeNotPaired:
		var d mentoring.NotPairedData
		if err := json.Unmarshal(n.Data, &d); err != nil {
			return "", nil, fmt.Errorf("render %s: %w", n.Key, err)
		}
		render = func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "not_paired_title", nil), renderNotPaired(b.cat, l, d), nil
		}
	default:
		r, ok, err := b.hrNotice(ctx, n)
		if !ok {
			r, err = b.sessionNotice(ctx, n)
		}
		if err != nil {
			return "", nil, err
		}
		render = r
	}
	var texts []string
	var blocks []slack.Block
	for i, l := range langs {
		text, bl, err := render(l)
		if err != nil {
			return "", nil, err
		}
		if i > 0 {
			blocks = append(blocks, slack.NewDividerBlock())
		}
		texts = append(texts, text)
		blocks = append(blocks, bl...)
	}
	return strings.Join(texts, " / "), capBlocks(blocks, MaxMessageBlocks, "…"), nil
}

// recipientLangs returns the languages to write a message to these people in.
func (b *Bot) recipientLangs(ctx context.Context, userIDs []string) []mentoring.Lang {
	seen := map[mentoring.Lang]bool{}
	for _, id := range userIDs {
		seen[b.langOf(ctx, id)] = true
	}
	var out []mentoring.Lang
	for _, l := range mentoring.Langs {
		if seen[l] {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = []mentoring.Lang{b.langs.DefaultLanguage()}
	}
	return out
}

// renderIntro is the group DM that introduces a new pair: the purpose (the current
// cycle's, or the standard one), the guidelines, a first agenda from what they share,
// and how often to meet.
func renderIntro(cat *Catalog, lang mentoring.Lang, d mentoring.IntroData, catalogue mentoring.Catalogue, cycle *mentoring.Cycle) []slack.Block {
	var agenda []string
	for _, id := range d.SharedTopics {
		if t, ok := catalogue.Topic(id); ok {
			agenda = append(agenda, "• "+t.Label(lang))
		}
	}
	agendaText := cat.T(lang, "intro_agenda_open", nil)
	if len(agenda) > 0 {
		agendaText = cat.T(lang, "intro_agenda", map[string]any{"Topics": strings.Join(agenda, "\n")})
	}
	var langs []string
	for _, l := range d.Languages {
		langs = append(langs, cat.T(lang, "lang_name_"+string(l), nil))
	}
	blocks := []slack.Block{
		header(cat.T(lang, "intro_title", nil)),
		section(cat.T(lang, "intro_hello", map[string]any{"Mentor": d.MentorID, "Mentee": d.MenteeID})),
		section(purposeText(cat, lang, cycle)),
	}
	blocks = append(blocks, guidelineBlocks(cat, lang, cycle)...)
	return append(blocks,
		section(agendaText),
		section(cat.T(lang, "intro_cadence", map[string]any{"Cadence": cat.T(lang, "cadence_"+cadenceKey(d.Cadence), nil),
			"Languages": strings.Join(langs, cat.T(lang, "list_separator", nil))})),
		contextText(cat.T(lang, "intro_footer", nil)),
	)
}

// renderOrientation is the private DM after pairing: why the programme exists (the
// current cycle's purpose), then for a mentor, how to lead a senior and where to turn
// if it feels heavy; for a mentee, how to learn from a junior.
func renderOrientation(cat *Catalog, lang mentoring.Lang, d mentoring.OrientationData, cycle *mentoring.Cycle) []slack.Block {
	who := nameList(cat, lang, d.Partners)
	if d.Role == mentoring.RoleMentor {
		return []slack.Block{
			header(cat.T(lang, "orientation_title", nil)),
			section(cat.T(lang, "orientation_mentor_intro", map[string]any{"Partners": who})),
			section(purposeText(cat, lang, cycle)),
			section(cat.T(lang, "orientation_mentor_tips", nil)),
			section(cat.T(lang, "orientation_mentor_heavy", nil)),
			contextText(cat.T(lang, "orientation_privacy", nil)),
		}
	}
	return []slack.Block{
		header(cat.T(lang, "orientation_title", nil)),
		section(cat.T(lang, "orientation_mentee_intro", map[string]any{"Partners": who})),
		section(purposeText(cat, lang, cycle)),
		section(cat.T(lang, "orientation_mentee_tips", nil)),
		contextText(cat.T(lang, "orientation_privacy", nil)),
	}
}
