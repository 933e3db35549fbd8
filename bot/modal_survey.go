package bot

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// callbackSurvey identifies the end-of-cycle survey modal.
const callbackSurvey = "cycle_survey"

// Block IDs of the survey modal; they equal the field names of the domain's errors
// (mentoring.CheckSurvey). Ratings are ratingField(subject).
const (
	fieldReflection = "reflection"
	fieldJoinAgain  = "join_again"
)

// validSurveyMeta accepts the metadata of a survey modal: a cycle and a role.
func validSurveyMeta(m modalMeta) bool { return m.Cycle > 0 && m.Role.Valid() }

// renderSurveyModal renders the end-of-cycle survey: for a mentee, what they learned
// and their confidence now in each of their topics; for a mentor, how they grew and
// their confidence now in leading a senior; for both, whether they would join again
// (0–10). Every question may be left out; an earlier answer prefills it.
func renderSurveyModal(cat *Catalog, lang mentoring.Lang, f mentoring.SurveyForm, catalogue mentoring.Catalogue) slack.ModalViewRequest {
	t := func(key string) string { return cat.T(lang, key, nil) }
	prev := f.Previous
	if prev == nil {
		prev = &mentoring.CycleSurvey{JoinAgain: -1}
	}
	role := "mentee"
	if f.Role == mentoring.RoleMentor {
		role = "mentor"
	}
	intro := "survey_modal_intro_" + role
	if f.Previous != nil {
		intro = "survey_modal_intro_edit"
	}
	blocks := []slack.Block{section(cat.T(lang, intro, map[string]any{"Name": escapeMrkdwn(f.Cycle.Name)}))}

	refl := slack.NewPlainTextInputBlockElement(plain(t("survey_reflection_placeholder_"+role), 150), fieldReflection)
	refl.Multiline, refl.MaxLength, refl.InitialValue = true, mentoring.MaxReflectionLen, prev.Reflection
	blocks = append(blocks, optional(slack.NewInputBlock(fieldReflection, plain(t("survey_reflection_"+role), 2000), nil, refl)))

	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for n := 0; n <= mentoring.JoinAgainMax; n++ {
		o := option(strconv.Itoa(n), joinAgainLabel(cat, lang, n))
		opts = append(opts, o)
		if n == prev.JoinAgain {
			initial = o
		}
	}
	again := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(t("survey_join_again_placeholder"), 150), fieldJoinAgain, opts...)
	again.InitialOption = initial
	blocks = append(blocks, optional(slack.NewInputBlock(fieldJoinAgain, plain(t("survey_join_again"), 2000),
		plain(t("survey_join_again_hint"), 2000), again)))

	if len(f.Subjects) > 0 {
		blocks = append(blocks, section(t("survey_ratings_"+role)))
		blocks = append(blocks, ratingInputs(cat, lang, f.Subjects, prev.Ratings, catalogue, true)...)
	}
	blocks = append(blocks, contextText(t("survey_privacy")))

	title := t("survey_modal_title")
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: callbackSurvey,
		Title:      plain(title, MaxModalTitle),
		Submit:     plain(t("survey_submit"), MaxModalTitle),
		Close:      plain(t("modal_cancel"), MaxModalTitle),
		PrivateMetadata: encodeMeta(modalMeta{Lang: lang, Cycle: f.Cycle.ID, Role: f.Role,
			Subjects: f.Subjects}),
		Blocks: slack.Blocks{BlockSet: capBlocks(blocks, MaxSurfaceBlocks, "…")},
	}
}

// joinAgainLabel is one option of "would you join again": the number, with words at
// both ends of the scale.
func joinAgainLabel(cat *Catalog, lang mentoring.Lang, n int) string {
	switch n {
	case 0:
		return cat.T(lang, "survey_join_again_0", nil)
	case mentoring.JoinAgainMax:
		return cat.T(lang, "survey_join_again_max", map[string]any{"N": n})
	}
	return strconv.Itoa(n)
}

// decodeSurvey reads a submitted survey. It never fails: "join again" left out is -1
// and an unreadable one out of range, so the domain's check names it.
func decodeSurvey(state *slack.ViewState, subjects []string) mentoring.CycleSurvey {
	a := mentoring.CycleSurvey{JoinAgain: -1, Ratings: decodeRatings(state, subjects)}
	if state == nil {
		return a
	}
	for _, act := range state.Values[fieldReflection] {
		a.Reflection = act.Value
	}
	for _, act := range state.Values[fieldJoinAgain] {
		if v := strings.TrimSpace(act.SelectedOption.Value); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = mentoring.JoinAgainMax + 1
			}
			a.JoinAgain = n
		}
	}
	return a
}
