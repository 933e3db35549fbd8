package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// hrNotice returns the renderer of a notice of HR's follow-up: the weekly summary and
// the cycle report in the HR channel (in the programme's language, as recipientLangs
// gives a channel), the mid-cycle rule review to one admin, and the end-of-cycle survey
// invitation to one participant. ok is false for any other kind.
func (b *Bot) hrNotice(ctx context.Context, n mentoring.Notice) (r renderFunc, ok bool, err error) {
	decode := func(v any) error {
		if err := json.Unmarshal(n.Data, v); err != nil {
			return fmt.Errorf("render %s: %w", n.Key, err)
		}
		return nil
	}
	switch n.Kind {
	case mentoring.NoticeSummary:
		var d mentoring.SummaryData
		if err := decode(&d); err != nil {
			return nil, true, err
		}
		// The week's times keep the programme's offset through JSON: dates read as there.
		loc := d.Summary.Week.End.Location()
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "summary_fallback", nil), renderSummary(b.cat, l, d.Summary, loc), nil
		}, true, nil
	case mentoring.NoticeCycleReport:
		var d mentoring.ReportData
		if err := decode(&d); err != nil {
			return nil, true, err
		}
		catalogue := b.profiles.Catalogue()
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "report_title", map[string]any{"Name": escapeMrkdwn(d.Report.Cycle.Name)}),
				renderCycleReport(b.cat, l, d.Report, catalogue), nil
		}, true, nil
	case mentoring.NoticeCycleReview:
		var d mentoring.ReviewData
		if err := decode(&d); err != nil {
			return nil, true, err
		}
		loc := b.personZone(ctx, d.AdminID)
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "review_title", map[string]any{"Name": escapeMrkdwn(d.Name)}), renderReview(b.cat, l, d, loc), nil
		}, true, nil
	case mentoring.NoticeCycleSurvey:
		var d mentoring.SurveyData
		if err := decode(&d); err != nil {
			return nil, true, err
		}
		return func(l mentoring.Lang) (string, []slack.Block, error) {
			return b.cat.T(l, "survey_title", nil), renderSurveyInvite(b.cat, l, d), nil
		}, true, nil
	}
	return nil, false, nil
}
