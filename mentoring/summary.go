package mentoring

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// TrendWeeks is how many weeks of mood, safety and burden the weekly summary shows.
const TrendWeeks = 8

// SummaryStore is what the weekly summary needs of persistence: raw figures, which the
// summary then publishes under the anonymity rules.
type SummaryStore interface {
	// SummaryFigures returns the programme's figures for each week window (oldest
	// first; each [Start, End)) and its state at now. A week published before comes back
	// as it was published.
	SummaryFigures(ctx context.Context, weeks []Span, now time.Time) (Figures, error)
	// PublishSummary records week's figures as published (unless week is nil: a summary
	// on request is a snapshot, not a week of the series) and queues the post and its
	// chart, in one transaction; notices whose keys are queued already change nothing.
	PublishSummary(ctx context.Context, week *WeekFigures, posts ...Notice) error
	// LastPublishedWeek returns the end of the newest week published at or before t, or
	// the zero time when none was.
	LastPublishedWeek(ctx context.Context, t time.Time) (time.Time, error)
}

// Span is a stretch of time, [Start, End).
type Span struct{ Start, End time.Time }

// Figures are a summary's raw inputs: counts and sums of answers, with the people
// behind each.
type Figures struct {
	Counts        Counts
	Departments   map[string]int // active and paused participants by department
	JoinedInWeek  int            // joined in the last week
	ActivePairs   int
	StalledPairs  int
	Weeks         []WeekFigures // one per span asked, oldest first
	FlagsOpen     int
	FlagsHandled  int // handled in the last week
	FlagsRaised   int // raised in the last week
	StalledRaised int // pairs newly stalled in the last week
}

// WeekFigures are one week's answers: sums over answers and the distinct people who gave
// them.
type WeekFigures struct {
	Span
	WindowsDue, WindowsHeld int // session windows that ended in the week, and those with a session
	PairsDue                int // distinct pairs among them
	Mood, Safety, Burden    Tally
}

// Tally sums answers on a 1–5 scale.
type Tally struct {
	Sum, Answers, People int
}

// Mean is the average answer, 0 when there is none.
func (t Tally) Mean() float64 {
	if t.Answers == 0 {
		return 0
	}
	return float64(t.Sum) / float64(t.Answers)
}

// Summary is the weekly HR summary as it may be published in the HR channel: every figure
// is a Shown, hidden when it describes fewer than K people.
type Summary struct {
	Week Span // the week summed up, in the programme's time zone
	K    int  // the anonymity threshold it was published under

	Joined, Active, Paused, Left, Mentors, Mentees, NewThisWeek Shown
	// ByRole and ByDepartment are breakdowns of the active and paused participants, each
	// group shown only as the anonymity rules allow; ok false when nothing may be shown.
	ByRole, ByDepartment     []GroupShown
	ByRoleOK, ByDepartmentOK bool

	ActivePairs, StalledPairs Shown
	SessionsDue, SessionsHeld Shown
	CompletionRate            Shown // per cent of due windows held; hidden with either count

	Trend []TrendWeek // TrendWeeks weeks, oldest first; the last is Week

	FlagsOpen, FlagsHandled Shown
	// Changes since the week before: deltas of the averages shown in both weeks, and
	// pairs newly stalled.
	MoodDelta, SafetyDelta, BurdenDelta *float64
	NewlyStalled                        Shown
}

// TrendWeek is one week of the trend.
type TrendWeek struct {
	Span
	Mood, Safety, Burden Shown
}

// SummaryData is the payload of a summary notice: the summary as computed when its slot
// came, so a post delivered later says what was true then.
type SummaryData struct {
	Summary Summary `json:"summary"`
}

// WeeklySummary computes the summary of the week that ends at end, under the anonymity
// rules. It changes nothing.
func (s *Service) WeeklySummary(ctx context.Context, end time.Time) (Summary, error) {
	f, week, err := s.weekFigures(ctx, end)
	if err != nil {
		return Summary{}, err
	}
	return s.opts.anonymity().summarize(f, week), nil
}

// weekFigures reads the raw figures of the TrendWeeks weeks ending at end. The weeks
// follow the published series: when a summary was published less than a week before
// end, the last week runs from that summary to end and the ones before are the published
// weeks, read back as they were rather than worked out again from a year of answers (a
// summary on request, or the admin's App Home, costs one week's work).
func (s *Service) weekFigures(ctx context.Context, end time.Time) (Figures, Span, error) {
	end = end.In(s.opts.Location)
	last, err := s.summaries.LastPublishedWeek(ctx, end)
	if err != nil {
		return Figures{}, Span{}, fmt.Errorf("weekly summary: %w", err)
	}
	anchor, start := end, end.AddDate(0, 0, -7)
	if !last.IsZero() && last.Before(end) && !last.Before(start) {
		anchor, start = last.In(s.opts.Location), last.In(s.opts.Location)
	}
	spans := make([]Span, TrendWeeks)
	spans[TrendWeeks-1] = Span{Start: start, End: end}
	for i := range TrendWeeks - 1 {
		e := anchor.AddDate(0, 0, -7*(TrendWeeks-2-i))
		if anchor.Equal(end) {
			e = end.AddDate(0, 0, -7*(TrendWeeks-1-i))
		}
		spans[i] = Span{Start: e.AddDate(0, 0, -7), End: e}
	}
	f, err := s.summaries.SummaryFigures(ctx, spans, end)
	if err != nil {
		return Figures{}, Span{}, fmt.Errorf("weekly summary: %w", err)
	}
	return f, spans[len(spans)-1], nil
}

// anonymity is the programme's anonymity rule.
func (o Options) anonymity() Anonymity { return Anonymity{K: max(2, o.MinGroupSize)} }

// summarize publishes raw figures under the anonymity rule.
func (a Anonymity) summarize(f Figures, week Span) Summary {
	c := f.Counts
	sm := Summary{Week: week, K: a.K,
		Joined: a.Count(c.Joined()), Active: a.Count(c.Active), Paused: a.Count(c.Paused), Left: a.Count(c.Left),
		Mentors: a.Count(c.Mentors), Mentees: a.Count(c.Mentees), NewThisWeek: a.Count(f.JoinedInWeek),
		ActivePairs: a.Count(2 * f.ActivePairs), StalledPairs: a.Count(2 * f.StalledPairs),
		FlagsOpen: a.Count(f.FlagsOpen), FlagsHandled: a.Count(f.FlagsHandled), NewlyStalled: a.Count(2 * f.StalledRaised),
	}
	// Pair counts describe two people each: publish the number of pairs, hidden by people.
	for _, x := range []*Shown{&sm.ActivePairs, &sm.StalledPairs, &sm.NewlyStalled} {
		x.Value /= 2
	}
	sm.ByRole, sm.ByRoleOK = a.Breakdown([]Group{
		{Name: string(RoleMentor), People: c.Mentors, Value: float64(c.Mentors)},
		{Name: string(RoleMentee), People: c.Mentees, Value: float64(c.Mentees)},
	})
	var depts []Group
	for _, name := range sortedKeys(f.Departments) {
		n := f.Departments[name]
		depts = append(depts, Group{Name: name, People: n, Value: float64(n)})
	}
	sm.ByDepartment, sm.ByDepartmentOK = a.Breakdown(depts)
	if n := len(f.Weeks); n > 0 {
		last := f.Weeks[n-1]
		sm.SessionsDue = a.Count(2 * last.WindowsDue)
		sm.SessionsHeld = a.Count(2 * last.WindowsHeld)
		sm.SessionsDue.Value, sm.SessionsHeld.Value = float64(last.WindowsDue), float64(last.WindowsHeld)
		sm.CompletionRate = Shown{Hidden: sm.SessionsDue.Hidden || sm.SessionsHeld.Hidden || last.WindowsDue == 0,
			People: 2 * last.WindowsDue}
		if !sm.CompletionRate.Hidden {
			sm.CompletionRate.Value = math.Round(100 * float64(last.WindowsHeld) / float64(last.WindowsDue))
		}
	}
	for _, w := range f.Weeks {
		sm.Trend = append(sm.Trend, TrendWeek{Span: w.Span,
			Mood: a.Mean(w.Mood.Mean(), w.Mood.People), Safety: a.Mean(w.Safety.Mean(), w.Safety.People),
			Burden: a.Mean(w.Burden.Mean(), w.Burden.People)})
	}
	if n := len(sm.Trend); n >= 2 {
		now, before := sm.Trend[n-1], sm.Trend[n-2]
		sm.MoodDelta = delta(now.Mood, before.Mood)
		sm.SafetyDelta = delta(now.Safety, before.Safety)
		sm.BurdenDelta = delta(now.Burden, before.Burden)
	}
	return sm
}

// delta is the change from before to now, when both may be shown.
func delta(now, before Shown) *float64 {
	if now.Hidden || before.Hidden {
		return nil
	}
	d := math.Round((now.Value-before.Value)*10) / 10
	return &d
}

// summaryKey is the key of a week's summary post: one per week, whatever restarts.
func summaryKey(end time.Time) string { return "summary:" + end.UTC().Format(time.RFC3339) }

// PostWeeklySummary queues the summary of the week ending at slot for the HR channel,
// once per slot: the post is keyed by the slot, so a restart or a second run sends
// nothing again. channel is program.hr_channel.
func (s *Service) PostWeeklySummary(ctx context.Context, slot time.Time, channel string) (Summary, error) {
	f, week, err := s.weekFigures(ctx, slot)
	if err != nil {
		return Summary{}, err
	}
	sm := s.opts.anonymity().summarize(f, week)
	posts, err := s.summaryPosts(sm, slot, channel)
	if err != nil {
		return Summary{}, err
	}
	if err := s.summaries.PublishSummary(ctx, &f.Weeks[len(f.Weeks)-1], posts...); err != nil {
		return Summary{}, fmt.Errorf("post weekly summary: %w", err)
	}
	return sm, nil
}

// summaryPosts are the channel posts of a summary: the summary, and its trend chart
// when some week of the trend has a figure to draw (an empty chart says nothing).
func (s *Service) summaryPosts(sm Summary, slot time.Time, channel string) ([]Notice, error) {
	n, err := s.summaryNotice(sm, slot, channel)
	if err != nil {
		return nil, err
	}
	if !sm.HasTrend() {
		return []Notice{n}, nil
	}
	chart := n
	chart.Key, chart.Kind = n.Key+":chart", NoticeSummaryChart
	return []Notice{n, chart}, nil
}

// HasTrend reports whether any week of the trend shows a figure.
func (sm Summary) HasTrend() bool {
	for _, w := range sm.Trend {
		if !w.Mood.Hidden || !w.Safety.Hidden || !w.Burden.Hidden {
			return true
		}
	}
	return false
}

// summaryNotice is the channel post of a summary.
func (s *Service) summaryNotice(sm Summary, slot time.Time, channel string) (Notice, error) {
	if channel == "" {
		return Notice{}, &Error{Code: EINVALID, MessageKey: "summary_no_channel"}
	}
	data, err := json.Marshal(SummaryData{Summary: sm})
	if err != nil {
		return Notice{}, err
	}
	return Notice{Key: summaryKey(slot), Kind: NoticeSummary, Channel: channel, Data: data}, nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// PostSummaryNow queues the summary up to now for the HR channel, at an HR admin's
// request: the week since the last weekly summary, after the published ones. It is keyed
// by now, so it is a post of its own beside the weekly one, and it is a snapshot: the
// weekly series is not changed by it.
func (s *Service) PostSummaryNow(ctx context.Context, by string) (Summary, error) {
	if err := s.requireAdmin(by); err != nil {
		return Summary{}, err
	}
	now := s.clock.Now()
	f, week, err := s.weekFigures(ctx, now)
	if err != nil {
		return Summary{}, err
	}
	sm := s.opts.anonymity().summarize(f, week)
	posts, err := s.summaryPosts(sm, now, s.opts.HRChannel)
	if err != nil {
		return Summary{}, err
	}
	if err := s.summaries.PublishSummary(ctx, nil, posts...); err != nil {
		return Summary{}, fmt.Errorf("post summary now: %w", err)
	}
	return sm, nil
}
