package mentoring

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// WorkingHours are the hours in which prompts, nudges and pulse surveys may reach people:
// a job that fires outside them holds its messages until the next working hour in each
// recipient's own time zone, so nobody is pinged at night or at the weekend.
type WorkingHours struct {
	Start, End time.Duration  // time of day, e.g. 9h and 18h; End after Start
	Days       []time.Weekday // working days
}

// DefaultWorkingHours are 09:00–18:00, Monday to Friday.
func DefaultWorkingHours() WorkingHours {
	return WorkingHours{Start: 9 * time.Hour, End: 18 * time.Hour,
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}}
}

// ParseWorkingHours reads hours written "09:00-18:00" and days such as
// ["mon", "tue", "wed", "thu", "fri"].
func ParseWorkingHours(hours string, days []string) (WorkingHours, error) {
	var wh WorkingHours
	from, to, ok := strings.Cut(strings.TrimSpace(hours), "-")
	if !ok {
		return wh, fmt.Errorf("working hours %q: want HH:MM-HH:MM", hours)
	}
	var err error
	if wh.Start, err = parseClock(from); err != nil {
		return wh, fmt.Errorf("working hours %q: %w", hours, err)
	}
	if wh.End, err = parseClock(to); err != nil {
		return wh, fmt.Errorf("working hours %q: %w", hours, err)
	}
	if wh.End <= wh.Start {
		return wh, fmt.Errorf("working hours %q: the end must be after the start", hours)
	}
	for _, d := range days {
		wd, ok := weekdays[strings.ToLower(strings.TrimSpace(d))]
		if !ok {
			return wh, fmt.Errorf("working day %q: want mon, tue, wed, thu, fri, sat or sun", d)
		}
		if !slices.Contains(wh.Days, wd) {
			wh.Days = append(wh.Days, wd)
		}
	}
	if len(wh.Days) == 0 {
		return wh, fmt.Errorf("no working days")
	}
	return wh, nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// parseClock reads "HH:MM" as a time of day; "24:00" is the end of the day.
func parseClock(s string) (time.Duration, error) {
	var h, m int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || n != 2 || h < 0 || h > 24 || m < 0 || m > 59 || h == 24 && m != 0 {
		return 0, fmt.Errorf("%q is not a time of day like 09:00", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// Next returns the first instant at or after t that is within working hours in the time
// zone tz (an IANA name). An unknown or empty zone falls back to the fixed offset
// offsetSeconds east of UTC, as Slack reports it.
func (wh WorkingHours) Next(t time.Time, tz string, offsetSeconds int) time.Time {
	if len(wh.Days) == 0 || wh.End <= wh.Start {
		return t
	}
	loc := time.FixedZone("", offsetSeconds)
	if l := zone(tz); l != nil {
		loc = l
	}
	local := t.In(loc)
	for range 8 {
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
		if slices.Contains(wh.Days, day.Weekday()) {
			open := wallTime(day, wh.Start, loc)
			closeAt := wallTime(day, wh.End, loc)
			switch {
			case local.Before(open):
				return open.UTC()
			case local.Before(closeAt):
				return t
			}
		}
		// Next calendar day, at midnight.
		local = time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	}
	return t
}

// wallTime returns the instant the clocks in loc read day's date at the time of day d.
func wallTime(day time.Time, d time.Duration, loc *time.Location) time.Time {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
}

// zones caches the time zones loaded by name (nil for a name that is none): loading one
// reads the zone database, and a sweep asks for the zone of everyone it messages.
var zones struct {
	sync.Mutex
	m map[string]*time.Location
}

// maxZones bounds the cache; there are some 600 zone names.
const maxZones = 1024

// zone returns the time zone named name, or nil when there is none by that name.
func zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	zones.Lock()
	l, ok := zones.m[name]
	zones.Unlock()
	if ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = nil
	}
	zones.Lock()
	defer zones.Unlock()
	if zones.m == nil {
		zones.m = map[string]*time.Location{}
	}
	if len(zones.m) < maxZones {
		zones.m[name] = l
	}
	return l
}
