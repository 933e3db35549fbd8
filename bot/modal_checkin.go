package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackCheckIn identifies the check-in modal.
const callbackCheckIn = "checkin"

// Block IDs of the check-in modal. The ones the domain checks equal the field names of
// its errors (mentoring.CheckIn.Validate), so errors map straight onto blocks.
const (
	fieldMet         = "met"
	fieldMetOn       = "met_on"
	fieldRating      = "rating"
	fieldBurden      = "burden"
	fieldHardToSpeak = "hard_to_speak"
	fieldCITopics    = "topics"
	fieldTopicsFree  = "topics_free"
	fieldLearned     = "learned"
	fieldNote        = "note"
	fieldContactHR   = "contact_hr"
)

// checkInView is what the check-in modal needs to render.
type checkInView struct {
	Lang      mentoring.Lang
	Form      mentoring.CheckInForm
	Catalogue mentoring.Catalogue
	Loc       *time.Location // the person's time zone
	Now       time.Time
}

// validCheckInMeta accepts the metadata of a check-in modal: a pair, a window, the
// pair's start and a role.
func validCheckInMeta(m modalMeta) bool {
	return m.Pair > 0 && m.Window > 0 && !m.Start.IsZero() && m.Role.Valid()
}

// renderCheckInModal renders the check-in modal: the full form for a mentor (did you
// meet and when, how it went, burden, speaking freely, topics, a private note, asking
// HR to get in touch), the lighter one for a mentee (what they learned instead of
// burden and topics). An earlier answer prefills it.
func renderCheckInModal(cat *Catalog, v checkInView) slack.ModalViewRequest {
	l, f := v.Lang, v.Form
	t := func(key string) string { return cat.T(l, key, nil) }
	prev := f.Previous
	if prev == nil {
		prev = &mentoring.CheckIn{}
	}
	from, to := windowDates(l, f.Window, v.Loc)
	who := map[string]any{"Partner": partnerName(cat, l, f.PartnerID), "From": from, "To": to}
	intro := "checkin_modal_intro"
	if f.Previous != nil {
		intro = "checkin_modal_intro_edit"
	}
	blocks := []slack.Block{section(cat.T(l, intro, who))}

	met := slack.NewRadioButtonsBlockElement(fieldMet,
		option(string(mentoring.MetYes), t("met_yes")),
		option(string(mentoring.MetRescheduled), t("met_rescheduled")),
		option(string(mentoring.MetNotYet), t("met_not_yet")))
	for _, o := range met.Options {
		if o.Value == string(prev.Met) {
			met.InitialOption = o
		}
	}
	blocks = append(blocks, slack.NewInputBlock(fieldMet, plain(t("checkin_met"), 2000), nil, met))

	date := slack.NewDatePickerBlockElement(fieldMetOn)
	date.InitialDate = defaultMetOn(f.Window, v.Now, v.Loc)
	if !prev.MetOn.IsZero() {
		date.InitialDate = prev.MetOn.UTC().Format(time.DateOnly)
	}
	blocks = append(blocks, optional(slack.NewInputBlock(fieldMetOn, plain(t("checkin_met_on"), 2000), plain(t("checkin_met_on_hint"), 2000), date)))

	blocks = append(blocks, optional(slack.NewInputBlock(fieldRating, plain(t("checkin_rating"), 2000), nil,
		scaleRadio(fieldRating, prev.Rating, func(n int) string { return scaleLabel(cat, l, n) }))))

	if f.Role == mentoring.RoleMentor {
		blocks = append(blocks, optional(slack.NewInputBlock(fieldBurden, plain(t("checkin_burden"), 2000), plain(t("checkin_burden_hint"), 2000),
			scaleRadio(fieldBurden, prev.Burden, func(n int) string { return burdenLabel(cat, l, n) }))))
		blocks = append(blocks, optional(slack.NewInputBlock(fieldHardToSpeak, plain(t("checkin_hard_to_speak"), 2000), nil,
			checkbox(fieldHardToSpeak, t("checkin_hard_to_speak_option"), prev.HardToSpeak))))
		blocks = append(blocks, optional(slack.NewInputBlock(fieldCITopics, plain(t("checkin_topics"), 2000), nil,
			topicsSelect(cat, l, f.Pair.SharedTopics, prev.Topics, v.Catalogue))))
		free := slack.NewPlainTextInputBlockElement(nil, fieldTopicsFree)
		free.MaxLength = mentoring.MaxTopicsLen
		free.InitialValue = prev.TopicsFree
		blocks = append(blocks, optional(slack.NewInputBlock(fieldTopicsFree, plain(t("checkin_topics_free"), 2000), nil, free)))
	} else {
		learned := slack.NewPlainTextInputBlockElement(plain(t("checkin_learned_placeholder"), 150), fieldLearned)
		learned.Multiline = true
		learned.MaxLength = mentoring.MaxLearnedLen
		learned.InitialValue = prev.Learned
		blocks = append(blocks, optional(slack.NewInputBlock(fieldLearned, plain(t("checkin_learned"), 2000), nil, learned)))
	}

	note := slack.NewPlainTextInputBlockElement(nil, fieldNote)
	note.Multiline = true
	note.MaxLength = mentoring.MaxNoteLen
	note.InitialValue = prev.PrivateNote
	blocks = append(blocks, optional(slack.NewInputBlock(fieldNote, plain(t("checkin_note"), 2000), plain(t("checkin_note_hint"), 2000), note)))
	blocks = append(blocks, optional(slack.NewInputBlock(fieldContactHR, plain(t("checkin_contact"), 2000), nil,
		checkbox(fieldContactHR, t("checkin_contact_option"), prev.ContactHR))))
	blocks = append(blocks, contextText(cat.T(l, "checkin_modal_privacy", who)))

	title := t("checkin_modal_title")
	if f.Previous != nil {
		title = t("checkin_modal_title_edit")
	}
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackCheckIn,
		Title:      plain(title, MaxModalTitle),
		Submit:     plain(t("checkin_modal_submit"), MaxModalTitle),
		Close:      plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: l, Pair: f.Pair.ID, Window: f.Window.N,
			Start: f.Pair.CreatedAt.UTC(), Role: f.Role}),
		Blocks: slack.Blocks{BlockSet: capBlocks(blocks, MaxSurfaceBlocks, "…")},
	}
}

// optional marks an input block optional; the domain decides what must be answered.
func optional(b *slack.InputBlock) *slack.InputBlock {
	b.Optional = true
	return b
}

// scaleRadio is the 1–5 scale as radio buttons, each with its face and word.
func scaleRadio(actionID string, initial int, label func(int) string) *slack.RadioButtonsBlockElement {
	var opts []*slack.OptionBlockObject
	for n := mentoring.ScaleMin; n <= mentoring.ScaleMax; n++ {
		opts = append(opts, option(strconv.Itoa(n), label(n)))
	}
	r := slack.NewRadioButtonsBlockElement(actionID, opts...)
	if initial >= mentoring.ScaleMin && initial <= mentoring.ScaleMax {
		r.InitialOption = opts[initial-mentoring.ScaleMin]
	}
	return r
}

// checkbox is a single checkbox whose value is "yes" when ticked.
func checkbox(actionID, label string, checked bool) *slack.CheckboxGroupsBlockElement {
	o := option("yes", label)
	c := slack.NewCheckboxGroupsBlockElement(actionID, o)
	if checked {
		c.InitialOptions = []*slack.OptionBlockObject{o}
	}
	return c
}

// topicsSelect offers the pair's shared topics first, then every other catalogue topic.
func topicsSelect(cat *Catalog, lang mentoring.Lang, shared, chosen []string, catalogue mentoring.Catalogue) *slack.MultiSelectBlockElement {
	var mine, others, initial []*slack.OptionBlockObject
	for i, tp := range catalogue {
		if i == MaxOptions {
			break
		}
		o := option(tp.ID, tp.Label(lang))
		if slices.Contains(shared, tp.ID) {
			mine = append(mine, o)
		} else {
			others = append(others, o)
		}
		if slices.Contains(chosen, tp.ID) {
			initial = append(initial, o)
		}
	}
	placeholder := plain(cat.T(lang, "checkin_topics_placeholder", nil), 150)
	var sel *slack.MultiSelectBlockElement
	if len(mine) == 0 || len(others) == 0 {
		sel = slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, placeholder, fieldCITopics, append(mine, others...)...)
	} else {
		sel = slack.NewOptionsGroupMultiSelectBlockElement(slack.MultiOptTypeStatic, placeholder, fieldCITopics,
			slack.NewOptionGroupBlockElement(plain(cat.T(lang, "checkin_topics_shared", nil), 75), mine...),
			slack.NewOptionGroupBlockElement(plain(cat.T(lang, "checkin_topics_other", nil), 75), others...))
	}
	sel.InitialOptions = initial
	return sel
}

// defaultMetOn is the day the date picker starts on: today in the person's zone, or,
// when the window is over, its last day, so that one tap files the answer under the
// window it is about (the domain files a session under the window of its date).
func defaultMetOn(w mentoring.Window, now time.Time, loc *time.Location) string {
	y, m, d := now.In(loc).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !day.Before(w.End) {
		day = w.End.Add(-time.Nanosecond).UTC().Truncate(24 * time.Hour)
	}
	if first := w.Start.UTC().Truncate(24 * time.Hour); day.Before(first) {
		day = first
	}
	return day.Format(time.DateOnly)
}

// decodeCheckIn reads a submitted check-in modal. It never fails: missing or odd values
// come out empty or out of range and are caught by the domain's check, so the person is
// told inline. badDate reports a date that could not be read at all.
func decodeCheckIn(state *slack.ViewState) (c mentoring.CheckIn, badDate bool) {
	get := func(block string) (slack.BlockAction, bool) {
		if state == nil {
			return slack.BlockAction{}, false
		}
		acts, ok := state.Values[block]
		if !ok {
			return slack.BlockAction{}, false
		}
		if a, ok := acts[block]; ok {
			return a, true
		}
		for _, a := range acts {
			return a, true
		}
		return slack.BlockAction{}, false
	}
	scale := func(block string) int {
		a, ok := get(block)
		if !ok || a.SelectedOption.Value == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimSpace(a.SelectedOption.Value))
		if err != nil {
			return -1
		}
		return n
	}
	ticked := func(block string) bool {
		a, _ := get(block)
		return slices.ContainsFunc(a.SelectedOptions, func(o slack.OptionBlockObject) bool { return o.Value == "yes" })
	}
	if a, ok := get(fieldMet); ok {
		c.Met = mentoring.Met(a.SelectedOption.Value)
	}
	if a, ok := get(fieldMetOn); ok && a.SelectedDate != "" {
		d, err := time.Parse(time.DateOnly, a.SelectedDate)
		if err != nil {
			badDate = true
		} else {
			c.MetOn = d
		}
	}
	c.Rating = scale(fieldRating)
	c.Burden = scale(fieldBurden)
	c.HardToSpeak = ticked(fieldHardToSpeak)
	c.ContactHR = ticked(fieldContactHR)
	if a, ok := get(fieldCITopics); ok {
		for _, o := range a.SelectedOptions {
			c.Topics = append(c.Topics, o.Value)
		}
	}
	if a, ok := get(fieldTopicsFree); ok {
		c.TopicsFree = a.Value
	}
	if a, ok := get(fieldLearned); ok {
		c.Learned = a.Value
	}
	if a, ok := get(fieldNote); ok {
		c.PrivateNote = a.Value
	}
	return c, badDate
}
