package scheduler

import (
	"errors"
	"time"

	"github.com/robfig/cron/v3"
)

// specParser reads five-field cron expressions and descriptors such as @daily or @every 1h.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// schedule turns a cron expression into slots: the instants a job is due.
//
// A calendar expression ("30 1 * * *") is read in the programme's zone as wall-clock
// time. Its slots are found among wall-clock times, each mapped to one instant:
//
//   - a wall time that happens twice (the hour repeated when clocks fall back) maps to
//     its first occurrence, so a daily 01:30 job runs once that day and an hourly job
//     runs once per wall-clock hour (24 times on the 25-hour day);
//   - a wall time that never happens (the hour skipped when clocks spring forward) maps
//     to the instant the gap ends, so a daily 02:30 job runs at 03:00 that day instead
//     of not at all, and slots in the gap run once between them.
//
// robfig/cron's own Next, used in the zone directly, returns both instants of a
// repeated wall time and skips a day whose wall time falls in the gap; enumerating wall
// times avoids both. Slots are stored as UTC instants, so the same wall-clock slot on the
// same day always gets the same key, whichever instance or restart computes it.
//
// An interval (@every 90m) has no wall clock: its slots are instants an interval apart.
type schedule struct {
	spec cron.Schedule
	loc  *time.Location
	wall bool // calendar expression read as wall-clock time
}

// parseSchedule parses spec for the zone loc. A spec may not name its own zone.
func parseSchedule(spec string, loc *time.Location) (schedule, error) {
	s, err := specParser.Parse(spec)
	if err != nil {
		return schedule{}, err
	}
	sc := schedule{spec: s, loc: loc}
	switch v := s.(type) {
	case *cron.SpecSchedule:
		if v.Location != time.Local {
			return schedule{}, errors.New("must not set a time zone; schedules run in the programme's zone")
		}
		sc.wall = true
	case cron.ConstantDelaySchedule:
	default:
		return schedule{}, errors.New("unsupported schedule")
	}
	return sc, nil
}

// next returns the first slot strictly after the instant after, or the zero time when
// there is none within five years.
func (sc schedule) next(after time.Time) time.Time {
	if !sc.wall {
		return sc.spec.Next(after.UTC()).UTC()
	}
	w := wallClock(after.In(sc.loc))
	// A wall time before after's can still map after it (a gap end), and one after it can
	// map before (a repeat): step on until the instant is later. Two or three steps do.
	for range 1000 {
		w = sc.spec.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		if at := instantOf(w, sc.loc); at.After(after) {
			return at
		}
	}
	return time.Time{}
}

// wallClock returns the wall-clock reading of t as a UTC time with the same fields, so
// that robfig/cron walks wall time without any zone transitions.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// instantOf returns the first instant at which clocks in loc read the wall time w (given
// as UTC fields), or, for a wall time skipped by a transition, the instant the skip ends.
func instantOf(w time.Time, loc *time.Location) time.Time {
	// The offsets in effect within a day and a half either side: every instant whose
	// wall clock could read w has one of them.
	var offsets []int
	for _, d := range []time.Duration{-36 * time.Hour, 0, 36 * time.Hour} {
		_, off := w.Add(d).In(loc).Zone()
		offsets = append(offsets, off)
	}
	var first, latest time.Time
	for _, off := range offsets {
		at := w.Add(-time.Duration(off) * time.Second)
		if wallClock(at.In(loc)).Equal(w) && (first.IsZero() || at.Before(first)) {
			first = at
		}
		if at.After(latest) {
			latest = at
		}
	}
	if !first.IsZero() {
		return first.UTC()
	}
	// No instant reads w: it lies in a gap. The latest candidate is past the transition,
	// in the zone that began when the gap ended.
	if start, _ := latest.In(loc).ZoneBounds(); !start.IsZero() {
		return start.UTC()
	}
	return latest.UTC()
}
