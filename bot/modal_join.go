package bot

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackJoin identifies the opt-in modal.
const callbackJoin = "join"

// Block IDs of the opt-in modal; each equals the profile field it edits, so field errors
// from the domain map straight onto blocks.
const (
	fieldRole       = "role"
	fieldDepartment = "department"
	fieldManager    = "manager"
	fieldTopics     = "topics"
	fieldFreeTopics = "free_topics"
	fieldLanguages  = "languages"
	fieldCadence    = "cadence"
	fieldCapacity   = "capacity"
	fieldConsent    = "consent"
)

// modalMeta travels in a modal's private_metadata: a version, so an old form is
// recognised, and the language it was shown in, so errors come back in it without a lookup.
type modalMeta struct {
	V    int            `json:"v"`
	Lang mentoring.Lang `json:"lang"`
	// For the round edit modal: the round and version HR saw, and the preview message.
	Round   int64  `json:"round,omitempty"`
	Version int    `json:"version,omitempty"`
	Channel string `json:"ch,omitempty"`
	TS      string `json:"ts,omitempty"`
	// For the check-in modal: the pair and window it is about, the pair's start (the
	// check before the acknowledgement needs it and may not read the database) and the
	// person's role in the pair, which decides the questions.
	Pair   int64          `json:"pair,omitempty"`
	Window int            `json:"win,omitempty"`
	Start  time.Time      `json:"start,omitzero"`
	Role   mentoring.Role `json:"role,omitempty"`
	// For the cycle modal: the cycle edited (0 for a new one). For the end-of-cycle
	// survey: the cycle asked about and the subjects rated, which its check needs.
	Cycle    int64    `json:"cycle,omitempty"`
	Subjects []string `json:"subjects,omitempty"`
	// For the opt-in's rating page: the profile of the first page, saved with the
	// ratings when they are submitted. New marks a first page opened for a first opt-in.
	Profile *mentoring.Profile `json:"profile,omitempty"`
	New     bool               `json:"new,omitempty"`
}

const modalMetaVersion = 1

// maxPrivateMetadata is Slack's limit on a view's private_metadata, in characters.
const maxPrivateMetadata = 3000

// encodeMeta writes the metadata as JSON, leaving <, > and & as they are: Slack counts
// characters, and escaping them would spend six for one.
func encodeMeta(m modalMeta) string {
	m.V = modalMetaVersion
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m)
	return strings.TrimSuffix(buf.String(), "\n")
}

func decodeMeta(s string) (modalMeta, bool) {
	var m modalMeta
	if err := json.Unmarshal([]byte(s), &m); err != nil || m.V != modalMetaVersion {
		return modalMeta{}, false
	}
	if m.Lang != mentoring.LangJA && m.Lang != mentoring.LangEN {
		return modalMeta{}, false
	}
	return m, true
}

// joinForm is what the opt-in modal needs to render.
type joinForm struct {
	Lang        mentoring.Lang
	Draft       mentoring.Profile
	Editing     bool
	Catalogue   mentoring.Catalogue
	Departments []string
	Cycle       *mentoring.Cycle // its guidelines join the standard ones the consent covers
}

// renderJoinModal renders the opt-in modal, prefilled with the draft.
func renderJoinModal(cat *Catalog, f joinForm) slack.ModalViewRequest {
	l := f.Lang
	t := func(key string) string { return cat.T(l, key, nil) }
	var blocks []slack.Block

	intro := t("join_intro")
	if f.Editing {
		intro = t("join_intro_edit")
	}
	blocks = append(blocks, section(intro))

	roles := []*slack.OptionBlockObject{
		slack.NewOptionBlockObject(string(mentoring.RoleMentor), plain(t("role_mentor"), MaxOptionText), plain(t("role_mentor_desc"), MaxOptionText)),
		slack.NewOptionBlockObject(string(mentoring.RoleMentee), plain(t("role_mentee"), MaxOptionText), plain(t("role_mentee_desc"), MaxOptionText)),
	}
	role := slack.NewRadioButtonsBlockElement(fieldRole, roles...)
	for _, o := range roles {
		if o.Value == string(f.Draft.Role) {
			role.InitialOption = o
		}
	}
	blocks = append(blocks, slack.NewInputBlock(fieldRole, plain(t("join_role"), 2000), nil, role))

	var dept slack.BlockElement
	if len(f.Departments) > 0 {
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		for _, d := range f.Departments {
			if len(opts) == MaxOptions {
				break
			}
			o := option(d, d)
			if mentoring.DepartmentKey(d) == mentoring.DepartmentKey(f.Draft.Department) {
				initial = o
			}
			opts = append(opts, o)
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("join_department_placeholder"), 150), fieldDepartment, opts...)
		sel.InitialOption = initial
		dept = sel
	} else {
		in := slack.NewPlainTextInputBlockElement(plain(t("join_department_placeholder"), 150), fieldDepartment)
		in.MaxLength = mentoring.MaxDepartmentLen
		in.InitialValue = f.Draft.Department
		dept = in
	}
	blocks = append(blocks, slack.NewInputBlock(fieldDepartment, plain(t("join_department"), 2000), plain(t("join_department_hint"), 2000), dept))

	mgr := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(t("join_manager_placeholder"), 150), fieldManager)
	mgr.InitialUser = f.Draft.ManagerID
	mgrBlock := slack.NewInputBlock(fieldManager, plain(t("join_manager"), 2000), plain(t("join_manager_hint"), 2000), mgr)
	mgrBlock.Optional = true
	blocks = append(blocks, mgrBlock)

	var topicOpts, topicInit []*slack.OptionBlockObject
	for _, tp := range f.Catalogue {
		if len(topicOpts) == MaxOptions {
			break
		}
		o := option(tp.ID, tp.Label(l))
		topicOpts = append(topicOpts, o)
		for _, id := range f.Draft.Topics {
			if id == tp.ID {
				topicInit = append(topicInit, o)
			}
		}
	}
	topics := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(t("join_topics_placeholder"), 150), fieldTopics, topicOpts...)
	topics.InitialOptions = topicInit
	maxTopics := mentoring.MaxTopics
	topics.MaxSelectedItems = &maxTopics
	topicsBlock := slack.NewInputBlock(fieldTopics, plain(t("join_topics"), 2000), plain(t("join_topics_hint"), 2000), topics)
	topicsBlock.Optional = true
	blocks = append(blocks, topicsBlock)

	free := slack.NewPlainTextInputBlockElement(plain(t("join_free_topics_placeholder"), 150), fieldFreeTopics)
	free.Multiline = true
	free.MaxLength = mentoring.MaxFreeTopicsLen
	free.InitialValue = f.Draft.FreeTopics
	freeBlock := slack.NewInputBlock(fieldFreeTopics, plain(t("join_free_topics"), 2000), nil, free)
	freeBlock.Optional = true
	blocks = append(blocks, freeBlock)

	var langOpts, langInit []*slack.OptionBlockObject
	for _, lg := range mentoring.Langs {
		o := option(string(lg), t("lang_name_"+string(lg)))
		langOpts = append(langOpts, o)
		for _, have := range f.Draft.Languages {
			if have == lg {
				langInit = append(langInit, o)
			}
		}
	}
	langs := slack.NewCheckboxGroupsBlockElement(fieldLanguages, langOpts...)
	langs.InitialOptions = langInit
	blocks = append(blocks, slack.NewInputBlock(fieldLanguages, plain(t("join_languages"), 2000), nil, langs))

	var cadOpts []*slack.OptionBlockObject
	var cadInit *slack.OptionBlockObject
	for _, c := range mentoring.Cadences {
		o := option(string(c), t("cadence_"+string(c)))
		cadOpts = append(cadOpts, o)
		if c == f.Draft.Cadence {
			cadInit = o
		}
	}
	cad := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("join_cadence_placeholder"), 150), fieldCadence, cadOpts...)
	cad.InitialOption = cadInit
	blocks = append(blocks, slack.NewInputBlock(fieldCadence, plain(t("join_cadence"), 2000), nil, cad))

	var capOpts []*slack.OptionBlockObject
	var capInit *slack.OptionBlockObject
	for n := 1; n <= mentoring.MaxMentorCapacity; n++ {
		o := option(strconv.Itoa(n), cat.T(l, "join_capacity_n", map[string]any{"N": n}))
		capOpts = append(capOpts, o)
		if n == f.Draft.Capacity {
			capInit = o
		}
	}
	capSel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("join_capacity_placeholder"), 150), fieldCapacity, capOpts...)
	capSel.InitialOption = capInit
	capBlock := slack.NewInputBlock(fieldCapacity, plain(t("join_capacity"), 2000), plain(t("join_capacity_hint"), 2000), capSel)
	capBlock.Optional = true
	blocks = append(blocks, capBlock)

	blocks = append(blocks, slack.NewDividerBlock())
	blocks = append(blocks, guidelineBlocks(cat, l, f.Cycle)...)
	consentOpt := option("yes", t("join_consent_option"))
	consent := slack.NewCheckboxGroupsBlockElement(fieldConsent, consentOpt)
	if f.Draft.Consent {
		consent.InitialOptions = []*slack.OptionBlockObject{consentOpt}
	}
	blocks = append(blocks, slack.NewInputBlock(fieldConsent, plain(t("join_consent"), 2000), nil, consent))
	blocks = append(blocks, contextText(t("join_privacy")))

	title, submit := t("join_title"), t("join_submit_next")
	if f.Editing {
		title, submit = t("join_title_edit"), t("join_submit")
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      callbackJoin,
		Title:           plain(title, MaxModalTitle),
		Submit:          plain(submit, MaxModalTitle),
		Close:           plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: l, New: !f.Editing}),
		Blocks:          slack.Blocks{BlockSet: capBlocks(blocks, MaxSurfaceBlocks, "…")},
	}
}

// decodeJoin reads a submitted opt-in modal into a profile. It never fails: missing or
// odd values come out empty and are caught by validation, so the person is told inline.
func decodeJoin(state *slack.ViewState) mentoring.Profile {
	var p mentoring.Profile
	if state == nil {
		return p
	}
	get := func(block string) (slack.BlockAction, bool) {
		acts, ok := state.Values[block]
		if !ok {
			return slack.BlockAction{}, false
		}
		a, ok := acts[block]
		if !ok {
			for _, v := range acts {
				return v, true
			}
		}
		return a, ok
	}
	if a, ok := get(fieldRole); ok {
		p.Role = mentoring.Role(a.SelectedOption.Value)
	}
	if a, ok := get(fieldDepartment); ok {
		p.Department = a.Value
		if a.SelectedOption.Value != "" {
			p.Department = a.SelectedOption.Value
		}
	}
	if a, ok := get(fieldManager); ok {
		p.ManagerID = a.SelectedUser
	}
	if a, ok := get(fieldTopics); ok {
		for _, o := range a.SelectedOptions {
			p.Topics = append(p.Topics, o.Value)
		}
	}
	if a, ok := get(fieldFreeTopics); ok {
		p.FreeTopics = a.Value
	}
	if a, ok := get(fieldLanguages); ok {
		for _, o := range a.SelectedOptions {
			p.Languages = append(p.Languages, mentoring.Lang(o.Value))
		}
	}
	if a, ok := get(fieldCadence); ok {
		p.Cadence = mentoring.Cadence(a.SelectedOption.Value)
	}
	p.Capacity = 1
	if a, ok := get(fieldCapacity); ok && a.SelectedOption.Value != "" {
		n, err := strconv.Atoi(strings.TrimSpace(a.SelectedOption.Value))
		if err != nil {
			n = -1
		}
		p.Capacity = n
	}
	if a, ok := get(fieldConsent); ok {
		for _, o := range a.SelectedOptions {
			if o.Value == "yes" {
				p.Consent = true
			}
		}
	}
	return p
}

// joinErrors turns domain field errors into the response_action errors map, in lang.
func joinErrors(cat *Catalog, lang mentoring.Lang, errs mentoring.FieldErrors) map[string]string {
	out := make(map[string]string, len(errs))
	for field, key := range errs {
		out[field] = cat.T(lang, key, map[string]any{
			"Max":     maxFor(field),
			"MaxCap":  mentoring.MaxMentorCapacity,
			"MaxTopN": mentoring.MaxTopics,
		})
	}
	return out
}

func maxFor(field string) int {
	switch field {
	case fieldDepartment:
		return mentoring.MaxDepartmentLen
	case fieldFreeTopics:
		return mentoring.MaxFreeTopicsLen
	}
	return 0
}
