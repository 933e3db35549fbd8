package bot

import (
	"context"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackCycle identifies the programme cycle modal (`admin program`).
const callbackCycle = "cycle"

// actionCycleOpen is the App Home's "new cycle" button: the cycle modal for a new cycle.
const actionCycleOpen = "cycle_open"

// Block IDs of the cycle modal; each equals the field name of the domain's errors
// (mentoring.Cycle.Validate), so errors map straight onto blocks. The cadence is the
// opt-in modal's fieldCadence.
const (
	fieldCycleName  = "name"
	fieldPurpose    = "purpose"
	fieldGuidelines = "guidelines"
	fieldStartsOn   = "starts_on"
	fieldEndsOn     = "ends_on"
)

// cycleForm is what the cycle modal shows: the cycle to edit, or a draft of a new one.
type cycleForm struct {
	Lang  mentoring.Lang
	Cycle mentoring.Cycle // ID 0 for a new cycle
}

// commandProgram is `/reverse-mentor admin program`: the modal that edits the current
// cycle, or creates the first one; `admin program new` starts a new cycle.
func (b *Bot) commandProgram(ctx context.Context, r commandRequest) {
	fresh := len(r.args) > 0 && slicesContainsFold([]string{"new", "新規", "新しい期"}, r.args[0])
	b.openCycle(ctx, r.userID, r.triggerID, r.responseURL, r.lang, fresh)
}

// actionCycleOpen opens the cycle modal for a new cycle.
func (b *Bot) actionCycleOpen(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.openCycle(ctx, cb.User.ID, cb.TriggerID, "", b.langOf(ctx, cb.User.ID), true)
}

// openCycle opens the cycle modal: the current cycle to edit, or, for a new one (or
// when there is none), a draft that keeps the current cycle's purpose, guidelines and
// cadence and starts the day after it ends. Only reads come before views.open.
func (b *Bot) openCycle(ctx context.Context, userID, triggerID, responseURL string, lang mentoring.Lang, fresh bool) {
	cur := b.currentCycle(ctx)
	f := cycleForm{Lang: lang}
	if cur != nil && !fresh {
		f.Cycle = *cur
	} else {
		f.Cycle = newCycleDraft(cur, b.cycles.DefaultCadenceNow(ctx), b.clock.Now().In(b.personZone(ctx, userID)))
	}
	if _, err := b.api.OpenViewContext(ctx, triggerID, renderCycleModal(b.cat, f)); err != nil {
		b.log.Warn("views.open cycle", "user", userID, "err", redact(err.Error()))
		text := b.cat.T(lang, "checkin_open_failed", nil)
		b.reply(ctx, userID, responseURL, text, []slack.Block{
			section(text),
			slack.NewActionBlock("actions_cycle_retry", button(actionCycleOpen, b.cat.T(lang, "cycle_button_new", nil), "", "")),
		})
	}
}

// newCycleDraft is a new cycle to start from: the current one's purpose, guidelines and
// cadence, starting the day after it ends (or today), for six months.
func newCycleDraft(cur *mentoring.Cycle, cadence mentoring.Cadence, now time.Time) mentoring.Cycle {
	y, m, d := now.Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	c := mentoring.Cycle{DefaultCadence: cadence}
	if cur != nil {
		c.Purpose, c.Guidelines = cur.Purpose, cur.Guidelines
		if cur.DefaultCadence.Valid() {
			c.DefaultCadence = cur.DefaultCadence
		}
		if next := cur.EndsOn.At(time.UTC).AddDate(0, 0, 1); next.After(from) {
			from = next
		}
	}
	c.StartsOn = mentoring.Date(from.Format(time.DateOnly))
	c.EndsOn = mentoring.Date(from.AddDate(0, 6, -1).Format(time.DateOnly))
	return c
}

// renderCycleModal renders the cycle modal: name, purpose, guidelines, start and end
// dates and the cadence proposed to people who join during the cycle.
func renderCycleModal(cat *Catalog, f cycleForm) slack.ModalViewRequest {
	l, c := f.Lang, f.Cycle
	t := func(key string) string { return cat.T(l, key, nil) }
	intro, title := "cycle_modal_intro_new", "cycle_modal_title_new"
	if c.ID != 0 {
		intro, title = "cycle_modal_intro_edit", "cycle_modal_title_edit"
	}
	text := func(id string, max int, multiline bool, initial, placeholder string) *slack.PlainTextInputBlockElement {
		in := slack.NewPlainTextInputBlockElement(plain(t(placeholder), 150), id)
		in.MaxLength, in.Multiline, in.InitialValue = max, multiline, initial
		return in
	}
	date := func(id string, d mentoring.Date) *slack.DatePickerBlockElement {
		p := slack.NewDatePickerBlockElement(id)
		if _, ok := mentoring.ParseDate(string(d)); ok {
			p.InitialDate = string(d)
		}
		return p
	}
	var cadOpts []*slack.OptionBlockObject
	var cadInit *slack.OptionBlockObject
	for _, cd := range mentoring.Cadences {
		o := option(string(cd), t("cadence_"+string(cd)))
		cadOpts = append(cadOpts, o)
		if cd == c.DefaultCadence {
			cadInit = o
		}
	}
	cad := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("join_cadence_placeholder"), 150), fieldCadence, cadOpts...)
	cad.InitialOption = cadInit
	blocks := []slack.Block{
		section(t(intro)),
		slack.NewInputBlock(fieldCycleName, plain(t("cycle_name"), 2000), plain(t("cycle_name_hint"), 2000),
			text(fieldCycleName, mentoring.MaxCycleNameLen, false, c.Name, "cycle_name_placeholder")),
		slack.NewInputBlock(fieldPurpose, plain(t("cycle_purpose_label"), 2000), plain(t("cycle_purpose_hint"), 2000),
			text(fieldPurpose, mentoring.MaxCyclePurposeLen, true, c.Purpose, "cycle_purpose_placeholder")),
		optional(slack.NewInputBlock(fieldGuidelines, plain(t("cycle_guidelines_label"), 2000), plain(t("cycle_guidelines_hint"), 2000),
			text(fieldGuidelines, mentoring.MaxCycleGuidelinesLen, true, c.Guidelines, "cycle_guidelines_placeholder"))),
		slack.NewInputBlock(fieldStartsOn, plain(t("cycle_starts_on"), 2000), nil, date(fieldStartsOn, c.StartsOn)),
		slack.NewInputBlock(fieldEndsOn, plain(t("cycle_ends_on"), 2000), plain(t("cycle_ends_on_hint"), 2000), date(fieldEndsOn, c.EndsOn)),
		slack.NewInputBlock(fieldCadence, plain(t("cycle_cadence"), 2000), plain(t("cycle_cadence_hint"), 2000), cad),
		contextText(t("cycle_modal_footer")),
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackCycle,
		Title:           plain(t(title), MaxModalTitle),
		Submit:          plain(t("join_submit"), MaxModalTitle),
		Close:           plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: l, Cycle: c.ID}),
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// decodeCycle reads a submitted cycle modal. It never fails: what is missing comes out
// empty and the domain's check names it.
func decodeCycle(state *slack.ViewState) mentoring.Cycle {
	var c mentoring.Cycle
	if state == nil {
		return c
	}
	get := func(block string) slack.BlockAction {
		for _, a := range state.Values[block] {
			return a
		}
		return slack.BlockAction{}
	}
	c.Name = get(fieldCycleName).Value
	c.Purpose = get(fieldPurpose).Value
	c.Guidelines = get(fieldGuidelines).Value
	c.StartsOn = mentoring.Date(get(fieldStartsOn).SelectedDate)
	c.EndsOn = mentoring.Date(get(fieldEndsOn).SelectedDate)
	c.DefaultCadence = mentoring.Cadence(get(fieldCadence).SelectedOption.Value)
	return c
}

// checkCycle reads the cycle modal before the acknowledgement: problems show inline,
// a good cycle is saved after it. Only HR admins may save one; the domain checks again.
func (b *Bot) checkCycle(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	by := cb.User.ID
	if !b.admins.IsAdmin(by) {
		return viewAnswer{work: func(ctx context.Context) { b.refuse(ctx, by, "", meta.Lang) }}
	}
	c := decodeCycle(cb.View.State)
	c.ID = meta.Cycle
	c, errs := b.cycles.CheckCycle(c)
	if errs != nil {
		out := make(map[string]string, len(errs))
		for field, key := range errs {
			out[field] = b.cat.T(meta.Lang, key, nil)
		}
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: out}}
	}
	return viewAnswer{work: func(ctx context.Context) { b.saveCycle(ctx, by, meta.Lang, c) }}
}

// saveCycle saves a checked cycle and tells the admin, whose App Home then shows it.
func (b *Bot) saveCycle(ctx context.Context, by string, lang mentoring.Lang, c mentoring.Cycle) {
	saved, err := b.cycles.SaveCycle(ctx, by, c)
	if err != nil {
		b.tellError(ctx, by, "", lang, err)
		return
	}
	b.log.Info("cycle saved", "cycle", saved.ID, "by", by, "new", c.ID == 0)
	text := b.cat.T(lang, "cycle_saved", map[string]any{"Name": escapeMrkdwn(saved.Name),
		"From": calendarDateText(lang, saved.StartsOn), "To": calendarDateText(lang, saved.EndsOn)})
	b.dm(ctx, by, text, []slack.Block{section(text), section(purposeText(b.cat, lang, &saved))})
	b.publishHome(ctx, by)
}

// slicesContainsFold reports whether words holds w, compared as the command table
// compares words.
func slicesContainsFold(words []string, w string) bool {
	for _, x := range words {
		if foldWord(x) == foldWord(strings.TrimSpace(w)) {
			return true
		}
	}
	return false
}
