package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// CycleSurvey is one person's answer to the end-of-cycle survey: what the mentee learned
// or how the mentor grew, whether they would join again (0–10), and the same
// self-ratings they gave at opt-in, rated again.
type CycleSurvey struct {
	CycleID    int64
	UserID     string
	Role       Role
	Reflection string         // what I learned (mentee) / how I grew (mentor); free text, never published
	JoinAgain  int            // 0–10; -1 when not answered
	Ratings    map[string]int // subject → 1–5, the subjects of RatingSubjects
	AnsweredAt time.Time
}

// Limits of the survey.
const (
	MaxReflectionLen = 3000
	JoinAgainMax     = 10
)

// SurveyForm is what the end-of-cycle survey modal shows one person.
type SurveyForm struct {
	Cycle    Cycle
	Role     Role
	Subjects []string     // what they rate: topic IDs or "lead"
	Previous *CycleSurvey // their earlier answer, when editing
}

// SurveyData is the payload of the DM inviting someone to the end-of-cycle survey.
type SurveyData struct {
	CycleID int64  `json:"cycle_id"`
	UserID  string `json:"user_id"`
	Name    string `json:"name"` // the cycle's name
}

// SurveyStore is what the end-of-cycle survey needs of persistence.
type SurveyStore interface {
	// CycleSurvey returns one person's answer, or ErrNotFound.
	CycleSurvey(ctx context.Context, cycleID int64, userID string) (CycleSurvey, error)
	// SaveCycleSurvey stores an answer (replacing an earlier one) and its end ratings.
	SaveCycleSurvey(ctx context.Context, a CycleSurvey) error
}

// SurveyForm returns what the survey modal shows userID for the cycle.
func (s *Service) SurveyForm(ctx context.Context, userID string, cycleID int64) (SurveyForm, error) {
	c, err := s.cycleByID(ctx, cycleID)
	if err != nil {
		return SurveyForm{}, err
	}
	p, err := s.store.Participant(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return SurveyForm{}, &Error{Code: ENOTJOINED, MessageKey: "error_not_joined"}
	}
	if err != nil {
		return SurveyForm{}, fmt.Errorf("survey form: %w", err)
	}
	f := SurveyForm{Cycle: c, Role: p.Role, Subjects: RatingSubjects(p.Profile)}
	prev, err := s.surveys.CycleSurvey(ctx, cycleID, userID)
	switch {
	case err == nil:
		f.Previous = &prev
	case !errors.Is(err, ErrNotFound):
		return SurveyForm{}, fmt.Errorf("survey form: %w", err)
	}
	return f, nil
}

// CheckSurvey validates a survey answer against the subjects asked. Field names match
// the survey modal's blocks: reflection, join_again, rating_<subject>.
func CheckSurvey(a CycleSurvey, subjects []string) (CycleSurvey, FieldErrors) {
	a.Reflection = CleanText(a.Reflection)
	errs := FieldErrors{}
	if utf8.RuneCountInString(a.Reflection) > MaxReflectionLen {
		errs["reflection"] = "checkin_error_long"
	}
	if a.JoinAgain < -1 || a.JoinAgain > JoinAgainMax {
		errs["join_again"] = "survey_error_join_again"
	}
	for _, sub := range subjects {
		if v, ok := a.Ratings[sub]; ok && (v < ScaleMin || v > ScaleMax) {
			errs["rating_"+sub] = "rating_error"
		}
	}
	for sub := range a.Ratings {
		found := false
		for _, s := range subjects {
			found = found || s == sub
		}
		if !found {
			delete(a.Ratings, sub)
		}
	}
	if len(errs) == 0 {
		return a, nil
	}
	return a, errs
}

// RecordCycleSurvey stores userID's end-of-cycle answer; answering again replaces it.
func (s *Service) RecordCycleSurvey(ctx context.Context, userID string, a CycleSurvey) error {
	f, err := s.SurveyForm(ctx, userID, a.CycleID)
	if err != nil {
		return err
	}
	a.UserID, a.Role, a.AnsweredAt = userID, f.Role, s.clock.Now()
	a, errs := CheckSurvey(a, f.Subjects)
	if errs != nil {
		return &Error{Code: EINVALID, MessageKey: "survey_error_invalid", Data: map[string]any{"Fields": errs}}
	}
	if err := s.surveys.SaveCycleSurvey(ctx, a); err != nil {
		return fmt.Errorf("record survey of %s: %w", userID, err)
	}
	return nil
}

// cycleByID returns a cycle, or ENOTFOUND.
func (s *Service) cycleByID(ctx context.Context, id int64) (Cycle, error) {
	cs, err := s.cycles.Cycles(ctx)
	if err != nil {
		return Cycle{}, fmt.Errorf("cycle %d: %w", id, err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c, nil
		}
	}
	return Cycle{}, &Error{Code: ENOTFOUND, MessageKey: "cycle_none"}
}

// surveyNotices invites everyone who took part in the cycle to its survey.
func (s *Service) surveyNotices(ctx context.Context, c Cycle, now time.Time) ([]Notice, error) {
	ps, err := s.rounds.ListParticipants(ctx, StatusActive, StatusPaused)
	if err != nil {
		return nil, err
	}
	var out []Notice
	for _, p := range ps {
		data, _ := json.Marshal(SurveyData{CycleID: c.ID, UserID: p.UserID, Name: c.Name})
		out = append(out, Notice{Key: fmt.Sprintf("cycle_survey:%d:%s", c.ID, p.UserID), Kind: NoticeCycleSurvey,
			UserIDs: []string{p.UserID}, Data: data, NotBefore: s.workTime(p, now)})
	}
	return out, nil
}
