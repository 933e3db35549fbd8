package mentoring

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Cycle is one run of the programme: its name, purpose, guidelines, dates and the cadence
// proposed to people who join during it. The purpose is shown in every intro, every
// orientation and the App Home, so everyone knows why the programme exists.
type Cycle struct {
	ID             int64
	Name           string
	Purpose        string
	Guidelines     string // shown beside the standard ones; may be empty
	StartsOn       Date
	EndsOn         Date // the last day of the cycle
	DefaultCadence Cadence
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Date is a calendar day, YYYY-MM-DD, in the programme's time zone.
type Date string

// ParseDate reads a YYYY-MM-DD day.
func ParseDate(s string) (Date, bool) {
	if _, err := time.Parse(time.DateOnly, strings.TrimSpace(s)); err != nil {
		return "", false
	}
	return Date(strings.TrimSpace(s)), true
}

// At returns the start of the day in loc.
func (d Date) At(loc *time.Location) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, string(d), loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Limits on a cycle's text.
const (
	MaxCycleNameLen       = 80
	MaxCyclePurposeLen    = 1000
	MaxCycleGuidelinesLen = 2000
	MaxCycleDays          = 731
)

// Normalize tidies a cycle's text.
func (c Cycle) Normalize() Cycle {
	c.Name = CleanText(c.Name)
	c.Purpose = CleanText(c.Purpose)
	c.Guidelines = CleanText(c.Guidelines)
	return c
}

// Validate checks a normalized cycle. Field names match the cycle modal's blocks:
// name, purpose, guidelines, starts_on, ends_on, cadence.
func (c Cycle) Validate() FieldErrors {
	errs := FieldErrors{}
	switch n := utf8.RuneCountInString(c.Name); {
	case n == 0:
		errs["name"] = "cycle_error_name"
	case n > MaxCycleNameLen:
		errs["name"] = "cycle_error_long"
	}
	switch n := utf8.RuneCountInString(c.Purpose); {
	case n == 0:
		errs["purpose"] = "cycle_error_purpose"
	case n > MaxCyclePurposeLen:
		errs["purpose"] = "cycle_error_long"
	}
	if utf8.RuneCountInString(c.Guidelines) > MaxCycleGuidelinesLen {
		errs["guidelines"] = "cycle_error_long"
	}
	start, okS := ParseDate(string(c.StartsOn))
	end, okE := ParseDate(string(c.EndsOn))
	if !okS {
		errs["starts_on"] = "cycle_error_date"
	}
	if !okE {
		errs["ends_on"] = "cycle_error_date"
	}
	if okS && okE {
		s, e := start.At(time.UTC), end.At(time.UTC)
		switch {
		case !e.After(s):
			errs["ends_on"] = "cycle_error_order"
		case e.Sub(s) > MaxCycleDays*24*time.Hour:
			errs["ends_on"] = "cycle_error_length"
		}
	}
	if !c.DefaultCadence.Valid() {
		errs["cadence"] = "join_error_cadence"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Midpoint is the day HR is asked to review the rules: halfway through the cycle.
func (c Cycle) Midpoint() Date {
	s, e := c.StartsOn.At(time.UTC), c.EndsOn.At(time.UTC)
	mid := s.Add(e.Sub(s) / 2).Truncate(24 * time.Hour)
	return Date(mid.Format(time.DateOnly))
}

// ReportDay is when the cycle report is posted: two weeks after the cycle ends, so
// everyone has had time to answer the end-of-cycle survey.
func (c Cycle) ReportDay() Date {
	return Date(c.EndsOn.At(time.UTC).AddDate(0, 0, SurveyDays).Format(time.DateOnly))
}

// SurveyDays is how long the end-of-cycle survey stays open before the report.
const SurveyDays = 14

// CycleStore is what the cycle use cases need of persistence.
type CycleStore interface {
	// SaveCycle inserts the cycle (ID 0) or updates it, and returns it with its ID.
	SaveCycle(ctx context.Context, c Cycle) (Cycle, error)
	// Cycles returns every cycle, newest start first.
	Cycles(ctx context.Context) ([]Cycle, error)
}

// CheckCycle normalizes and validates a cycle without saving it, for the modal's
// inline errors.
func (s *Service) CheckCycle(c Cycle) (Cycle, FieldErrors) {
	c = c.Normalize()
	return c, c.Validate()
}

// SaveCycle creates or edits a programme cycle; HR admins only.
func (s *Service) SaveCycle(ctx context.Context, by string, c Cycle) (Cycle, error) {
	if err := s.requireAdmin(by); err != nil {
		return Cycle{}, err
	}
	c, errs := s.CheckCycle(c)
	if errs != nil {
		return Cycle{}, &Error{Code: EINVALID, MessageKey: "cycle_error_invalid", Data: map[string]any{"Fields": errs}}
	}
	now := s.clock.Now()
	if c.ID == 0 {
		c.CreatedBy, c.CreatedAt = by, now
	}
	c.UpdatedAt = now
	saved, err := s.cycles.SaveCycle(ctx, c)
	if err != nil {
		return Cycle{}, fmt.Errorf("save cycle: %w", err)
	}
	return saved, nil
}

// CurrentCycle returns the cycle running now (today within its dates), else the next
// one to start, else the last one that ended; ENOTFOUND when there is none.
func (s *Service) CurrentCycle(ctx context.Context) (Cycle, error) {
	cs, err := s.cycles.Cycles(ctx)
	if err != nil {
		return Cycle{}, fmt.Errorf("current cycle: %w", err)
	}
	return currentCycle(cs, s.today())
}

// today is the current date in the programme's time zone.
func (s *Service) today() Date {
	return Date(s.clock.Now().In(s.opts.Location).Format(time.DateOnly))
}

// currentCycle picks from cycles (newest start first) the one running on day, else the
// next to start, else the latest.
func currentCycle(cs []Cycle, day Date) (Cycle, error) {
	var next *Cycle
	for i := range cs {
		c := &cs[i]
		switch {
		case c.StartsOn <= day && day <= c.EndsOn:
			return *c, nil
		case c.StartsOn > day:
			next = c
		}
	}
	if next != nil {
		return *next, nil
	}
	if len(cs) > 0 {
		return cs[0], nil
	}
	return Cycle{}, &Error{Code: ENOTFOUND, MessageKey: "cycle_none"}
}

// DefaultCadenceNow is the cadence to propose to someone joining now: the running
// cycle's, else the programme's.
func (s *Service) DefaultCadenceNow(ctx context.Context) Cadence {
	c, err := s.CurrentCycle(ctx)
	if err == nil && c.DefaultCadence.Valid() && c.StartsOn <= s.today() && s.today() <= c.EndsOn {
		return c.DefaultCadence
	}
	return s.opts.Cadence
}
