package mentoring

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Self-ratings measure the programme's effect: at opt-in each person rates their own
// confidence (a mentee in each topic they want to learn, a mentor in leading a senior),
// and at the end of the cycle they rate it again. The cycle report shows the change.

// RatingPhase is when a self-rating was given.
type RatingPhase string

// Phases of a self-rating.
const (
	PhaseStart RatingPhase = "start" // at opt-in
	PhaseEnd   RatingPhase = "end"   // in the end-of-cycle survey
)

// SubjectLead is the subject of a mentor's self-rating: confidence in leading a senior.
// A mentee's subjects are topic IDs.
const SubjectLead = "lead"

// SelfRating is one person's confidence in one subject, 1 (not at all) to 5 (very).
type SelfRating struct {
	UserID  string
	Subject string
	Phase   RatingPhase
	CycleID int64 // the cycle of an end rating; 0 for a start rating
	Value   int
	At      time.Time
}

// RatingSubjects returns the subjects a participant rates themself on: "lead" for a
// mentor, their catalogue topics for a mentee.
func RatingSubjects(p Profile) []string {
	if p.Role == RoleMentor {
		return []string{SubjectLead}
	}
	return slices.Clone(p.Topics)
}

// CheckSelfRatings validates ratings (subject → 1–5) of someone with profile p: every
// subject of theirs rated, nothing else. Field errors are keyed "rating_<subject>".
func CheckSelfRatings(p Profile, ratings map[string]int) FieldErrors {
	errs := FieldErrors{}
	subjects := RatingSubjects(p)
	for _, s := range subjects {
		if v, ok := ratings[s]; !ok || v < ScaleMin || v > ScaleMax {
			errs["rating_"+s] = "rating_error"
		}
	}
	for s := range ratings {
		if !slices.Contains(subjects, s) {
			errs["rating_"+s] = "rating_error_subject"
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// RatingStore is what self-ratings need of persistence.
type RatingStore interface {
	// SaveSelfRatings stores ratings, replacing a person's earlier rating of the same
	// subject, phase and cycle.
	SaveSelfRatings(ctx context.Context, rs []SelfRating) error
}

// RecordStartRatings stores the self-ratings userID gave at opt-in (see
// RatingSubjects); they are the "before" of the cycle report.
func (s *Service) RecordStartRatings(ctx context.Context, userID string, ratings map[string]int) error {
	p, err := s.Participant(ctx, userID)
	if err != nil {
		return err
	}
	if errs := CheckSelfRatings(p.Profile, ratings); errs != nil {
		return &Error{Code: EINVALID, MessageKey: "rating_error_invalid", Data: map[string]any{"Fields": errs}}
	}
	now := s.clock.Now()
	rs := make([]SelfRating, 0, len(ratings))
	for _, subject := range RatingSubjects(p.Profile) {
		rs = append(rs, SelfRating{UserID: userID, Subject: subject, Phase: PhaseStart, Value: ratings[subject], At: now})
	}
	if err := s.ratings.SaveSelfRatings(ctx, rs); err != nil {
		return fmt.Errorf("record start ratings of %s: %w", userID, err)
	}
	return nil
}
