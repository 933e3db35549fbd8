package bot

import (
	"context"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Surveys is what the end-of-cycle survey needs of the domain: the form for one person
// and cycle, and recording an answer (the pure check is mentoring.CheckSurvey).
type Surveys interface {
	SurveyForm(ctx context.Context, userID string, cycleID int64) (mentoring.SurveyForm, error)
	RecordCycleSurvey(ctx context.Context, userID string, a mentoring.CycleSurvey) error
}

// actionSurveyOpen is the survey DM's button; its value is the cycle's ID.
const actionSurveyOpen = "survey_open"

// renderSurveyInvite is the DM inviting a participant to the end-of-cycle survey, with
// the button that opens it and who reads the answers.
func renderSurveyInvite(cat *Catalog, lang mentoring.Lang, d mentoring.SurveyData) []slack.Block {
	return []slack.Block{
		header(cat.T(lang, "survey_title", nil)),
		section(cat.T(lang, "survey_invite", map[string]any{"Name": escapeMrkdwn(d.Name)})),
		slack.NewActionBlock("actions_survey",
			button(actionSurveyOpen, cat.T(lang, "survey_button", nil), strconv.FormatInt(d.CycleID, 10), slack.StylePrimary)),
		contextText(cat.T(lang, "survey_privacy", nil)),
	}
}

// actionSurveyOpen opens the survey modal for the cycle the button names, prefilled
// with an earlier answer. Only reads come before views.open; when the trigger has
// expired the person gets the button again.
func (b *Bot) actionSurveyOpen(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	userID := cb.User.ID
	lang := b.langOf(ctx, userID)
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || id <= 0 {
		b.tellUnknownAction(ctx, userID)
		return
	}
	form, err := b.surveys.SurveyForm(ctx, userID, id)
	if err != nil {
		b.log.Info("survey form refused", "user", userID, "cycle", id, "code", mentoring.ErrorCode(err))
		b.tellError(ctx, userID, "", lang, err)
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, renderSurveyModal(b.cat, lang, form, b.profiles.Catalogue())); err != nil {
		b.log.Warn("views.open survey", "user", userID, "err", redact(err.Error()))
		text := b.cat.T(lang, "checkin_open_failed", nil)
		b.dm(ctx, userID, text, []slack.Block{section(text), slack.NewActionBlock("actions_survey_retry",
			button(actionSurveyOpen, b.cat.T(lang, "survey_button", nil), a.Value, slack.StylePrimary))})
	}
}

// checkSurvey reads the survey before the acknowledgement: problems show inline; a good
// answer is recorded after it.
func (b *Bot) checkSurvey(cb slack.InteractionCallback, meta modalMeta) viewAnswer {
	userID := cb.User.ID
	a := decodeSurvey(cb.View.State, meta.Subjects)
	a.CycleID = meta.Cycle
	a, errs := mentoring.CheckSurvey(a, meta.Subjects)
	if errs != nil {
		return viewAnswer{ack: viewErrors{ResponseAction: "errors", Errors: ratingErrors(b.cat, meta.Lang, errs)}}
	}
	return viewAnswer{work: func(ctx context.Context) { b.saveSurvey(ctx, userID, meta.Lang, a) }}
}

// saveSurvey records a checked answer and thanks the person by DM. When saving fails
// they get what they wrote back, with the button to try again, so nothing is lost.
func (b *Bot) saveSurvey(ctx context.Context, userID string, lang mentoring.Lang, a mentoring.CycleSurvey) {
	err := b.surveys.RecordCycleSurvey(ctx, userID, a)
	if err == nil {
		b.log.Info("cycle survey answered", "user", userID, "cycle", a.CycleID)
		text := b.cat.T(lang, "survey_thanks", nil)
		b.dm(ctx, userID, text, []slack.Block{section(text), contextText(b.cat.T(lang, "survey_privacy", nil))})
		return
	}
	if de, ok := asDomainError(err); ok && de.Code != mentoring.EINTERNAL {
		b.tellError(ctx, userID, "", lang, err)
		return
	}
	b.log.Error("record cycle survey", "user", userID, "cycle", a.CycleID, "err", err)
	text := b.cat.T(lang, "survey_save_failed", nil)
	blocks := []slack.Block{section(text)}
	if a.Reflection != "" {
		blocks = append(blocks, textSections(a.Reflection)...)
	}
	blocks = append(blocks, slack.NewActionBlock("actions_survey_retry",
		button(actionSurveyOpen, b.cat.T(lang, "survey_button", nil), strconv.FormatInt(a.CycleID, 10), slack.StylePrimary)))
	b.dm(ctx, userID, text, blocks)
}
