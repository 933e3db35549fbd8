package app

import (
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// serviceOptions maps the configuration onto the domain's options; loc is the
// programme's time zone.
func (c Config) serviceOptions(loc *time.Location) mentoring.Options {
	var catalogue mentoring.Catalogue
	for _, t := range c.Program.Topics {
		catalogue = append(catalogue, mentoring.Topic{ID: t.ID, EN: t.EN, JA: t.JA})
	}
	lang, _ := mentoring.ParseLang(c.Program.Language)
	// Validated at load; a configuration built in code without them gets the defaults.
	wh, err := mentoring.ParseWorkingHours(c.Program.WorkingHours, c.Program.WorkingDays)
	if err != nil {
		wh = mentoring.DefaultWorkingHours()
	}
	return mentoring.Options{
		Language:    lang,
		Catalogue:   catalogue,
		Departments: c.Program.Departments,
		Cadence:     mentoring.Cadence(c.Program.DefaultCadence),
		Admins:      c.Program.Admins,

		AllowSameDepartment: c.Program.AllowSameDepartment,
		RepeatWindowRounds:  c.Program.RepeatWindowRounds,

		Location:     loc,
		MinGroupSize: c.Program.MinGroupSize,
		HRChannel:    c.Program.HRChannel,
		NudgeAfter:   time.Duration(c.Program.NudgeAfterDays) * 24 * time.Hour,
		WorkingHours: wh,
	}
}

// location returns the programme's time zone, in which schedules run: Program.Location
// as the configuration loader resolved it, else Program.Timezone, else UTC.
func (c Config) location() (*time.Location, error) {
	switch {
	case c.Program.Location != nil:
		return c.Program.Location, nil
	case c.Program.Timezone == "":
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.Program.Timezone)
	if err != nil {
		return nil, fmt.Errorf("program.timezone %q: %w", c.Program.Timezone, err)
	}
	return loc, nil
}
