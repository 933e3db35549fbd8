package mentoring

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is everything the use cases need of persistence, so a store that lacks a method
// fails to compile rather than at first use. The store package implements it; each
// method is one transaction.
type Store interface {
	ParticipantStore
	RoundStore
	OrgStore
	UnpairedStore
	SessionStore
	SummaryStore
	CycleStore
	RatingStore
	SurveyStore
	CycleReportStore
	ExportStore
}

// ParticipantStore is what the opt-in, profile and language use cases need of
// persistence.
type ParticipantStore interface {
	Participant(ctx context.Context, userID string) (Participant, error) // ErrNotFound when absent
	SaveParticipant(ctx context.Context, p Participant) error            // insert or replace
	UserLang(ctx context.Context, userID string) (Lang, error)           // ErrNotFound when the user chose none
	SetUserLang(ctx context.Context, userID string, lang Lang) error
	ParticipantCounts(ctx context.Context) (Counts, error)
}

// Counts are the programme's head counts by status and role.
type Counts struct {
	Active, Paused, Left int
	Mentors, Mentees     int // among active and paused participants
}

// Joined is the number of people who have ever joined and not erased their data.
func (c Counts) Joined() int { return c.Active + c.Paused + c.Left }

// Options configure a Service.
type Options struct {
	Language    Lang      // programme default language
	Catalogue   Catalogue // topics; DefaultCatalogue when empty
	Departments []string  // offered in the opt-in modal; empty means free text
	Cadence     Cadence   // default cadence offered to new participants
	Admins      []string  // HR admins' user IDs

	AllowSameDepartment bool    // pair people of the same department
	RepeatWindowRounds  int     // a pair may not repeat within this many approved rounds
	Weights             Weights // soft scores; DefaultWeights when zero

	Location     *time.Location // the programme's time zone; UTC when nil
	NudgeAfter   time.Duration  // an unanswered check-in is nudged once after this; 3 days when zero
	WorkingHours WorkingHours   // when prompts may reach people; DefaultWorkingHours when empty
	PauseWeeks   int            // a pause without a length lasts this many weeks; 4 when zero
	MinGroupSize int            // anonymity threshold k of published figures; 5 when zero
	HRChannel    string         // where summaries and cycle reports are posted (program.hr_channel)
}

// Service carries out the programme's use cases.
type Service struct {
	store     ParticipantStore
	rounds    RoundStore
	orgs      OrgStore
	unpaired  UnpairedStore
	sessions  SessionStore
	summaries SummaryStore
	cycles    CycleStore
	ratings   RatingStore
	surveys   SurveyStore
	reports   CycleReportStore
	exports   ExportStore
	clock     Clock
	opts      Options
}

// NewService returns a Service over store and clock.
func NewService(store Store, clock Clock, opts Options) *Service {
	if len(opts.Catalogue) == 0 {
		opts.Catalogue = DefaultCatalogue()
	}
	if opts.Language == "" {
		opts.Language = LangJA
	}
	if !opts.Cadence.Valid() {
		opts.Cadence = CadenceBiweekly
	}
	if opts.Weights == (Weights{}) {
		opts.Weights = DefaultWeights()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.NudgeAfter <= 0 {
		opts.NudgeAfter = 3 * 24 * time.Hour
	}
	if len(opts.WorkingHours.Days) == 0 {
		opts.WorkingHours = DefaultWorkingHours()
	}
	if opts.PauseWeeks <= 0 {
		opts.PauseWeeks = DefaultPauseWeeks
	}
	if opts.MinGroupSize <= 0 {
		opts.MinGroupSize = 5
	}
	return &Service{store: store, rounds: store, orgs: store, unpaired: store, sessions: store, summaries: store, cycles: store,
		ratings: store, surveys: store, reports: store, exports: store, clock: clock, opts: opts}
}

// Catalogue returns the topic catalogue.
func (s *Service) Catalogue() Catalogue { return s.opts.Catalogue }

// Departments returns the configured department list (may be empty).
func (s *Service) Departments() []string { return s.opts.Departments }

// DefaultLanguage returns the programme's language.
func (s *Service) DefaultLanguage() Lang { return s.opts.Language }

// Person is who a Slack user is, as the workspace reports it.
type Person struct {
	UserID      string
	DisplayName string
	TZ          string
	TZOffset    int
	Locale      string // Slack locale such as "ja-JP"; may be empty
}

// CheckProfile normalizes and validates a profile without saving it. It is pure, so it
// can answer a modal submission inside Slack's acknowledgement window.
func (s *Service) CheckProfile(userID string, p Profile) (Profile, FieldErrors) {
	p = p.Normalize()
	if errs := p.Validate(userID, s.opts.Catalogue); errs != nil {
		return p, errs
	}
	return p, nil
}

// DraftProfile returns the profile to prefill the opt-in modal with: the saved one for a
// participant, or the programme's defaults for a newcomer.
func (s *Service) DraftProfile(ctx context.Context, person Person) (Profile, bool, error) {
	p, err := s.store.Participant(ctx, person.UserID)
	switch {
	case err == nil:
		return p.Profile, true, nil
	case !errors.Is(err, ErrNotFound):
		return Profile{}, false, fmt.Errorf("draft profile of %s: %w", person.UserID, err)
	}
	draft := Profile{Cadence: s.DefaultCadenceNow(ctx), Capacity: 1}
	if l, ok := ParseLang(person.Locale); ok {
		draft.Languages = []Lang{l}
	} else {
		draft.Languages = []Lang{s.opts.Language}
	}
	return draft, false, nil
}

// JoinResult tells what Join did.
type JoinResult struct {
	Participant Participant
	Created     bool // first join (or rejoin after leaving), not an edit
}

// Join opts person in with profile, or updates the profile of someone who has joined.
// A person who left comes back as active; a paused person stays paused.
func (s *Service) Join(ctx context.Context, person Person, profile Profile) (JoinResult, error) {
	profile, errs := s.CheckProfile(person.UserID, profile)
	if errs != nil {
		return JoinResult{}, &Error{Code: EINVALID, MessageKey: "join_error_invalid", Data: map[string]any{"Fields": errs}}
	}
	now := s.clock.Now().UTC()
	existing, err := s.store.Participant(ctx, person.UserID)
	created := false
	switch {
	case errors.Is(err, ErrNotFound):
		existing = Participant{UserID: person.UserID, Status: StatusActive, JoinedAt: now}
		created = true
	case err != nil:
		return JoinResult{}, fmt.Errorf("join %s: %w", person.UserID, err)
	case existing.Status == StatusLeft:
		existing.Status, existing.JoinedAt, existing.PausedUntil = StatusActive, now, time.Time{}
		created = true
	}
	existing.Profile = profile
	if person.DisplayName != "" {
		existing.DisplayName = person.DisplayName
	}
	if person.TZ != "" {
		existing.TZ, existing.TZOffset = person.TZ, person.TZOffset
	}
	existing.UpdatedAt = now
	if err := s.store.SaveParticipant(ctx, existing); err != nil {
		return JoinResult{}, fmt.Errorf("join %s: %w", person.UserID, err)
	}
	return JoinResult{Participant: existing, Created: created}, nil
}

// Participant returns the participant, or an ENOTJOINED error for someone who has not
// joined or has left.
func (s *Service) Participant(ctx context.Context, userID string) (Participant, error) {
	p, err := s.store.Participant(ctx, userID)
	if errors.Is(err, ErrNotFound) || err == nil && p.Status == StatusLeft {
		return Participant{}, &Error{Code: ENOTJOINED, MessageKey: "error_not_joined"}
	}
	if err != nil {
		return Participant{}, fmt.Errorf("participant %s: %w", userID, err)
	}
	return p, nil
}

// Language resolves the language to speak to a user in: their own choice, else their
// Slack locale, else the programme's language.
func (s *Service) Language(ctx context.Context, userID, locale string) (Lang, error) {
	l, err := s.store.UserLang(ctx, userID)
	switch {
	case err == nil:
		return l, nil
	case !errors.Is(err, ErrNotFound):
		return s.opts.Language, fmt.Errorf("language of %s: %w", userID, err)
	}
	if l, ok := ParseLang(locale); ok {
		return l, nil
	}
	return s.opts.Language, nil
}

// SetLanguage records the user's choice of language.
func (s *Service) SetLanguage(ctx context.Context, userID string, lang Lang) error {
	if lang != LangJA && lang != LangEN {
		return &Error{Code: EINVALID, MessageKey: "lang_usage"}
	}
	if err := s.store.SetUserLang(ctx, userID, lang); err != nil {
		return fmt.Errorf("set language of %s: %w", userID, err)
	}
	return nil
}

// Counts returns the programme's head counts.
func (s *Service) Counts(ctx context.Context) (Counts, error) {
	c, err := s.store.ParticipantCounts(ctx)
	if err != nil {
		return Counts{}, fmt.Errorf("counts: %w", err)
	}
	return c, nil
}

// DisplayNames returns the names participants are shown by, for the given user IDs;
// people who are not participants are left out. It reads the participants once.
func (s *Service) DisplayNames(ctx context.Context, userIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(userIDs))
	if len(userIDs) == 0 {
		return out, nil
	}
	want := make(map[string]bool, len(userIDs))
	for _, id := range userIDs {
		want[id] = true
	}
	ps, err := s.rounds.ListParticipants(ctx)
	if err != nil {
		return nil, fmt.Errorf("display names: %w", err)
	}
	for _, p := range ps {
		if want[p.UserID] {
			out[p.UserID] = p.DisplayName
		}
	}
	return out, nil
}
