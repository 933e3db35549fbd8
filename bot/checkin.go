package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// CheckIns is what check-ins need of the domain: the form for one pair and window, a
// pure check of an answer (it runs before the acknowledgement), and recording it.
type CheckIns interface {
	CheckInForm(ctx context.Context, userID string, pairID int64, window int) (mentoring.CheckInForm, error)
	CheckCheckIn(c mentoring.CheckIn, pairStart time.Time) (mentoring.CheckIn, mentoring.FieldErrors)
	RecordCheckIn(ctx context.Context, userID string, c mentoring.CheckIn) (mentoring.CheckInResult, error)
}

// actionCheckInOpen is every "Check in" button: in the prompt DM (value: the pair and
// window), on the App Home and in `status` (the one pair, or "" to choose), and in the
// list of pairs for someone with several.
const actionCheckInOpen = "checkin_open"

// commandCheckIn is `/reverse-mentor checkin`: the check-in modal at once for someone
// with one pair, a button per pair for someone with several, a kind word for someone
// with none.
func (b *Bot) commandCheckIn(ctx context.Context, r commandRequest) {
	b.startCheckIn(ctx, r.userID, r.triggerID, r.responseURL, r.lang, checkInRef{})
}

// actionCheckInOpen opens the check-in modal for the pair and window the button names.
func (b *Bot) actionCheckInOpen(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	ref, ok := parseCheckInRef(a.Value)
	if !ok {
		b.tellUnknownAction(ctx, cb.User.ID)
		return
	}
	b.startCheckIn(ctx, cb.User.ID, cb.TriggerID, "", b.langOf(ctx, cb.User.ID), ref)
}

// startCheckIn opens the modal for ref's pair or, when ref names none, finds the
// person's pairs first. The trigger lives 3 seconds: only reads come before views.open.
func (b *Bot) startCheckIn(ctx context.Context, userID, triggerID, responseURL string, lang mentoring.Lang, ref checkInRef) {
	if ref.Pair == 0 {
		pairs, err := b.people.PairsOf(ctx, userID)
		if err != nil {
			b.tellError(ctx, userID, responseURL, lang, err)
			return
		}
		switch len(pairs) {
		case 0:
			b.tellNoPair(ctx, userID, responseURL, lang)
			return
		case 1:
			ref = checkInRef{Pair: pairs[0].ID}
		default:
			b.choosePair(ctx, userID, responseURL, lang, pairs)
			return
		}
	}
	b.openCheckIn(ctx, userID, triggerID, responseURL, lang, ref)
}

// tellNoPair answers someone with no pair: not joined yet, or waiting for a round.
func (b *Bot) tellNoPair(ctx context.Context, userID, responseURL string, lang mentoring.Lang) {
	if _, err := b.people.Participant(ctx, userID); err != nil {
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	text := b.cat.T(lang, "checkin_no_pair", nil)
	b.reply(ctx, userID, responseURL, text, []slack.Block{section(text)})
}

// choosePair offers one button per pair: "Check in about your session with @…".
func (b *Bot) choosePair(ctx context.Context, userID, responseURL string, lang mentoring.Lang, pairs []mentoring.Pair) {
	var partners []string
	for _, p := range pairs {
		partners = append(partners, p.Partner(userID))
	}
	names, err := b.rounds.DisplayNames(ctx, partners)
	if err != nil {
		b.log.Error("display names", "err", err)
	}
	text := b.cat.T(lang, "checkin_choose", nil)
	b.reply(ctx, userID, responseURL, text, renderChoosePair(b.cat, lang, userID, pairs, names))
}

// renderChoosePair lists a person's pairs as check-in buttons, one each, each in a block
// of its own (action IDs must differ within a block).
func renderChoosePair(cat *Catalog, lang mentoring.Lang, userID string, pairs []mentoring.Pair, names map[string]string) []slack.Block {
	blocks := []slack.Block{section(cat.T(lang, "checkin_choose", nil))}
	for _, p := range pairs {
		partner := p.Partner(userID)
		label := cat.T(lang, "checkin_button_with", map[string]any{"Name": nameOr(names, partner)})
		blocks = append(blocks, slack.NewActionBlock(fmt.Sprintf("actions_checkin_pair_%d", p.ID),
			button(actionCheckInOpen, label, checkInRef{Pair: p.ID}.String(), "")))
	}
	return capBlocks(blocks, MaxMessageBlocks, "…")
}

// openCheckIn opens the check-in modal for one pair and window, prefilled with the
// earlier answer when there is one. When the trigger has expired the person gets a
// button that opens it anew.
func (b *Bot) openCheckIn(ctx context.Context, userID, triggerID, responseURL string, lang mentoring.Lang, ref checkInRef) {
	form, err := b.sessions.CheckInForm(ctx, userID, ref.Pair, ref.Window)
	if err != nil {
		b.log.Info("check-in form refused", "user", userID, "pair", ref.Pair, "code", mentoring.ErrorCode(err))
		b.tellError(ctx, userID, responseURL, lang, err)
		return
	}
	view := renderCheckInModal(b.cat, checkInView{Lang: lang, Form: form, Catalogue: b.profiles.Catalogue(),
		Loc: b.personZone(ctx, userID), Now: b.clock.Now()})
	if _, err := b.api.OpenViewContext(ctx, triggerID, view); err != nil {
		b.log.Warn("views.open check-in", "user", userID, "err", redact(err.Error()))
		text := b.cat.T(lang, "checkin_open_failed", nil)
		retry := checkInRef{Pair: form.Pair.ID, Window: form.Window.N}
		b.reply(ctx, userID, responseURL, text, []slack.Block{
			section(text),
			slack.NewActionBlock("actions_checkin_retry", button(actionCheckInOpen, b.cat.T(lang, "checkin_button", nil), retry.String(), slack.StylePrimary)),
		})
	}
}

// checkCheckIn reads and checks a check-in before the acknowledgement, so problems show
// inline in the modal; a good one is recorded after it.
func (b *Bot) checkCheckIn(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	userID := cb.User.ID
	c, badDate := decodeCheckIn(cb.View.State)
	c.PairID, c.Window, c.Role = meta.Pair, meta.Window, meta.Role
	c, errs := b.sessions.CheckCheckIn(c, meta.Start)
	if badDate {
		if errs == nil {
			errs = mentoring.FieldErrors{}
		}
		errs[fieldMetOn] = "checkin_error_date"
	}
	if errs != nil {
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: checkInErrors(b.cat, meta.Lang, errs)}}
	}
	return viewAnswer{work: func(ctx context.Context) { b.saveCheckIn(ctx, userID, meta.Lang, c) }}
}

// checkInErrors turns domain field errors into the response_action errors map.
func checkInErrors(cat *Catalog, lang mentoring.Lang, errs mentoring.FieldErrors) map[string]string {
	out := make(map[string]string, len(errs))
	for field, key := range errs {
		out[field] = cat.T(lang, key, nil)
	}
	return out
}

// saveCheckIn records a checked answer and confirms it by DM. The domain queues the
// rewrite of the prompt DM and any follow-up for HR; the outbox is woken to send them.
// When saving fails the person gets their answers back, so nothing they wrote is lost.
func (b *Bot) saveCheckIn(ctx context.Context, userID string, lang mentoring.Lang, c mentoring.CheckIn) {
	res, err := b.sessions.RecordCheckIn(ctx, userID, c)
	if err != nil {
		if de, ok := asDomainError(err); ok && de.Code != mentoring.EINTERNAL {
			b.log.Info("check-in refused", "user", userID, "pair", c.PairID, "code", de.Code)
			b.tellError(ctx, userID, "", lang, err)
			return
		}
		b.log.Error("record check-in", "user", userID, "pair", c.PairID, "err", err)
		text := b.cat.T(lang, "checkin_save_failed", nil)
		blocks := append([]slack.Block{section(text)}, renderCheckInAnswers(b.cat, lang, c, b.profiles.Catalogue())...)
		blocks = append(blocks, slack.NewActionBlock("actions_checkin_retry", button(actionCheckInOpen,
			b.cat.T(lang, "checkin_button", nil), checkInRef{Pair: c.PairID, Window: c.Window}.String(), slack.StylePrimary)))
		b.dm(ctx, userID, text, blocks)
		return
	}
	b.log.Info("checked in", "user", userID, "pair", c.PairID, "window", res.CheckIn.Window, "updated", res.Updated, "flags", res.Flagged)
	b.notify()
	key := "checkin_saved"
	if res.Updated {
		key = "checkin_updated"
	}
	text := b.cat.T(lang, key, nil)
	blocks := []slack.Block{section(text)}
	if res.CheckIn.ContactHR {
		blocks = append(blocks, section(b.cat.T(lang, "checkin_contact_next", nil)))
	}
	b.dm(ctx, userID, text, blocks)
}

// renderCheckInAnswers shows a check-in as its author wrote it, for the apology when it
// could not be saved. Free text is escaped and split over sections, so a 3,000-character
// note comes back whole.
func renderCheckInAnswers(cat *Catalog, lang mentoring.Lang, c mentoring.CheckIn, catalogue mentoring.Catalogue) []slack.Block {
	t := func(key string) string { return cat.T(lang, key, nil) }
	lines := []string{cat.T(lang, "checkin_your_answers", nil)}
	if c.Met.Valid() {
		line := "*" + t("checkin_met") + "* " + t("met_"+string(c.Met))
		if !c.MetOn.IsZero() {
			line += " (" + c.MetOn.Format(time.DateOnly) + ")"
		}
		lines = append(lines, line)
	}
	if l := scaleLabel(cat, lang, c.Rating); l != "" {
		lines = append(lines, "*"+t("checkin_rating")+"* "+l)
	}
	if l := burdenLabel(cat, lang, c.Burden); l != "" {
		lines = append(lines, "*"+t("checkin_burden")+"* "+l)
	}
	if c.HardToSpeak {
		lines = append(lines, "*"+t("checkin_hard_to_speak")+"* "+t("checkin_hard_to_speak_option"))
	}
	var topics []string
	for _, id := range c.Topics {
		if tp, ok := catalogue.Topic(id); ok {
			topics = append(topics, tp.Label(lang))
		}
	}
	if len(topics) > 0 {
		lines = append(lines, "*"+t("checkin_topics")+"* "+strings.Join(topics, t("list_separator")))
	}
	if c.ContactHR {
		lines = append(lines, "*"+t("checkin_contact")+"* "+t("checkin_contact_option"))
	}
	blocks := []slack.Block{section(strings.Join(lines, "\n"))}
	for _, free := range []struct{ key, text string }{
		{"checkin_topics_free", c.TopicsFree}, {"checkin_learned", c.Learned}, {"checkin_note", c.PrivateNote},
	} {
		if free.text != "" {
			blocks = append(blocks, section("*"+t(free.key)+"*"))
			blocks = append(blocks, textSections(free.text)...)
		}
	}
	return blocks
}

// textSections shows free text typed by a person, escaped, in as many sections as its
// length needs, each within Slack's limit: nothing is cut.
func textSections(s string) []slack.Block {
	var out []slack.Block
	var b strings.Builder
	n := 0
	for _, r := range s {
		esc := escapeMrkdwn(string(r))
		if n+len([]rune(esc)) > MaxSectionText {
			out = append(out, section(b.String()))
			b.Reset()
			n = 0
		}
		b.WriteString(esc)
		n += len([]rune(esc))
	}
	if b.Len() > 0 {
		out = append(out, section(b.String()))
	}
	return out
}
