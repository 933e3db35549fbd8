package mentoring

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// Milestones of a cycle, each done once: the rule-review prompt to HR halfway through,
// the survey to everyone when it ends, the report to the HR channel SurveyDays later.
const (
	MilestoneReview = "review"
	MilestoneSurvey = "survey"
	MilestoneReport = "report"
)

// CycleFigures are the raw inputs of a cycle's report and review.
type CycleFigures struct {
	Joined, Pairs           int // people who joined by the end; pairs created within the cycle
	WindowsDue, WindowsHeld int // session windows that ended within the cycle, and those held
	Answers                 int // end-of-cycle surveys answered
	JoinAgain               Tally
	// Effects are, per subject (topic ID or "lead"), the people who rated themselves at
	// opt-in and again at the end: sums of the before and after ratings.
	Effects map[string]EffectTally
}

// EffectTally sums the before and after self-ratings of one subject.
type EffectTally struct {
	Role                Role
	People              int
	SumBefore, SumAfter int
}

// CycleReportStore is what the cycle's milestones need of persistence.
type CycleReportStore interface {
	// CycleFigures reads the figures of the cycle, whose days span [from, to).
	CycleFigures(ctx context.Context, cycleID int64, from, to time.Time) (CycleFigures, error)
	// DoMilestone records that the cycle's milestone is done and queues notices, in one
	// transaction, unless it was done already (then false).
	DoMilestone(ctx context.Context, cycleID int64, milestone string, at time.Time, notices []Notice) (bool, error)
	// MilestonesDone returns the milestones done, of every cycle.
	MilestonesDone(ctx context.Context) (map[CycleMilestone]bool, error)
	// LastApprovedRound returns the newest approved round, or ErrNotFound.
	LastApprovedRound(ctx context.Context) (Round, error)
}

// CycleMilestone names one milestone of one cycle.
type CycleMilestone struct {
	CycleID int64
	Name    string
}

// CycleReport is a cycle's outcome as it may be published in the HR channel: every
// figure under the anonymity rules.
type CycleReport struct {
	Cycle Cycle
	K     int

	Joined, Pairs             Shown
	SessionsDue, SessionsHeld Shown
	CompletionRate            Shown
	Answers                   Shown
	JoinAgain                 Shown // mean of 0–10
	Effects                   []Effect
	HiddenEffects             int // subjects with too few people to show
}

// Effect is the before/after change of one self-rated subject.
type Effect struct {
	Subject       string
	Role          Role
	Before, After Shown
	Change        Shown // After − Before, over the same people
}

// CycleReport computes the cycle's report under the anonymity rules; HR admins only.
func (s *Service) CycleReport(ctx context.Context, by string, cycleID int64) (CycleReport, error) {
	if err := s.requireAdmin(by); err != nil {
		return CycleReport{}, err
	}
	c, err := s.cycleByID(ctx, cycleID)
	if err != nil {
		return CycleReport{}, err
	}
	return s.cycleReport(ctx, c)
}

func (s *Service) cycleReport(ctx context.Context, c Cycle) (CycleReport, error) {
	loc := s.opts.Location
	f, err := s.reports.CycleFigures(ctx, c.ID, c.StartsOn.At(loc), c.EndsOn.At(loc).AddDate(0, 0, 1))
	if err != nil {
		return CycleReport{}, fmt.Errorf("cycle report: %w", err)
	}
	a := s.opts.anonymity()
	r := CycleReport{Cycle: c, K: a.K, Joined: a.Count(f.Joined), Answers: a.Count(f.Answers),
		JoinAgain: a.Mean(f.JoinAgain.Mean(), f.JoinAgain.People)}
	r.Pairs = a.Count(2 * f.Pairs)
	r.Pairs.Value = float64(f.Pairs)
	r.SessionsDue, r.SessionsHeld = a.Count(2*f.WindowsDue), a.Count(2*f.WindowsHeld)
	r.SessionsDue.Value, r.SessionsHeld.Value = float64(f.WindowsDue), float64(f.WindowsHeld)
	r.CompletionRate = Shown{Hidden: r.SessionsDue.Hidden || r.SessionsHeld.Hidden || f.WindowsDue == 0}
	if !r.CompletionRate.Hidden {
		r.CompletionRate.Value = math.Round(100 * float64(f.WindowsHeld) / float64(f.WindowsDue))
	}
	subjects := make([]string, 0, len(f.Effects))
	for sub := range f.Effects {
		subjects = append(subjects, sub)
	}
	slices.SortFunc(subjects, func(x, y string) int {
		// "lead" (the mentors') first, then topics in catalogue order.
		return s.subjectOrder(x) - s.subjectOrder(y)
	})
	for _, sub := range subjects {
		t := f.Effects[sub]
		if t.People < a.K {
			r.HiddenEffects++
			continue
		}
		before := float64(t.SumBefore) / float64(t.People)
		after := float64(t.SumAfter) / float64(t.People)
		r.Effects = append(r.Effects, Effect{Subject: sub, Role: t.Role,
			Before: a.Mean(before, t.People), After: a.Mean(after, t.People),
			Change: a.Mean(math.Round((after-before)*10)/10, t.People)})
	}
	return r, nil
}

// subjectOrder ranks a self-rating subject for display.
func (s *Service) subjectOrder(sub string) int {
	if sub == SubjectLead {
		return -1
	}
	for i, t := range s.opts.Catalogue {
		if t.ID == sub {
			return i
		}
	}
	return len(s.opts.Catalogue)
}

// ReviewData is the payload of the mid-cycle rule-review prompt, a private DM to each HR
// admin: the figures so far, exact (admins may see them), to decide whether the rules
// need changing.
type ReviewData struct {
	CycleID    int64        `json:"cycle_id"`
	Name       string       `json:"name"`
	AdminID    string       `json:"admin_id"`
	Counts     Counts       `json:"counts"`
	Pairs      int          `json:"pairs"`
	Stalled    int          `json:"stalled"`
	FlagsOpen  int          `json:"flags_open"`
	Burden     []TrendPoint `json:"burden"` // the last weeks, oldest first
	Unmatched  []Unmatched  `json:"unmatched"`
	Completion CycleFigures `json:"completion"`
}

// TrendPoint is one week of a trend for HR: the mean and the people behind it.
type TrendPoint struct {
	End    time.Time `json:"end"`
	Mean   float64   `json:"mean"`
	People int       `json:"people"`
}

// ReportData is the payload of the cycle report posted in the HR channel.
type ReportData struct {
	Report CycleReport `json:"report"`
}

// sweepCycles does each cycle's milestones that have come: the review prompt halfway,
// the survey at the end, the report two weeks later. Each is done once; one done
// already is not worked out again, so the sweeps after it (every sweep, for a report,
// from its day on) do not recompute a cycle's figures or list everyone to survey.
func (s *Service) sweepCycles(ctx context.Context, now time.Time) error {
	cs, err := s.cycles.Cycles(ctx)
	if err != nil {
		return fmt.Errorf("cycles: %w", err)
	}
	if len(cs) == 0 {
		return nil
	}
	done, err := s.reports.MilestonesDone(ctx)
	if err != nil {
		return fmt.Errorf("cycle milestones: %w", err)
	}
	today := Date(now.In(s.opts.Location).Format(time.DateOnly))
	for _, c := range cs {
		for _, m := range []struct {
			name string
			due  bool
			make func(context.Context, Cycle, time.Time) ([]Notice, error)
		}{
			{MilestoneReview, today >= c.Midpoint() && today <= c.EndsOn, s.reviewNotices},
			{MilestoneSurvey, today > c.EndsOn && today < c.ReportDay(), s.surveyNotices},
			{MilestoneReport, today >= c.ReportDay() && s.opts.HRChannel != "", s.reportNotices},
		} {
			if !m.due || done[CycleMilestone{CycleID: c.ID, Name: m.name}] {
				continue
			}
			if err := s.milestone(ctx, c, m.name, now, m.make); err != nil {
				return err
			}
		}
	}
	return nil
}

// milestone does one milestone of c with the notices make returns, unless another sweep
// did it meanwhile.
func (s *Service) milestone(ctx context.Context, c Cycle, name string, now time.Time,
	make func(context.Context, Cycle, time.Time) ([]Notice, error)) error {
	ns, err := make(ctx, c, now)
	if err != nil {
		return fmt.Errorf("cycle %d %s: %w", c.ID, name, err)
	}
	if _, err := s.reports.DoMilestone(ctx, c.ID, name, now, ns); err != nil {
		return fmt.Errorf("cycle %d %s: %w", c.ID, name, err)
	}
	return nil
}

// reviewNotices prompts every HR admin to review the rules, with the figures so far.
func (s *Service) reviewNotices(ctx context.Context, c Cycle, now time.Time) ([]Notice, error) {
	counts, err := s.store.ParticipantCounts(ctx)
	if err != nil {
		return nil, err
	}
	f, _, err := s.weekFigures(ctx, now)
	if err != nil {
		return nil, err
	}
	loc := s.opts.Location
	cf, err := s.reports.CycleFigures(ctx, c.ID, c.StartsOn.At(loc), now)
	if err != nil {
		return nil, err
	}
	d := ReviewData{CycleID: c.ID, Name: c.Name, Counts: counts, Pairs: f.ActivePairs, Stalled: f.StalledPairs,
		FlagsOpen: f.FlagsOpen, Completion: cf}
	for _, w := range f.Weeks[max(0, len(f.Weeks)-4):] {
		d.Burden = append(d.Burden, TrendPoint{End: w.End, Mean: math.Round(w.Burden.Mean()*10) / 10, People: w.Burden.People})
	}
	if r, err := s.reports.LastApprovedRound(ctx); err == nil {
		d.Unmatched = r.Proposal.Unmatched
	}
	var out []Notice
	for _, admin := range s.opts.Admins {
		d.AdminID = admin
		data, _ := json.Marshal(d)
		out = append(out, Notice{Key: fmt.Sprintf("cycle_review:%d:%s", c.ID, admin), Kind: NoticeCycleReview,
			UserIDs: []string{admin}, Data: data})
	}
	return out, nil
}

// reportNotices posts the cycle report in the HR channel, with its before/after chart
// when it shows any effect (a chart of nothing would only fail to draw).
func (s *Service) reportNotices(ctx context.Context, c Cycle, _ time.Time) ([]Notice, error) {
	r, err := s.cycleReport(ctx, c)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(ReportData{Report: r})
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("cycle_report:%d", c.ID)
	out := []Notice{{Key: key, Kind: NoticeCycleReport, Channel: s.opts.HRChannel, Data: data}}
	if len(r.Effects) > 0 {
		out = append(out, Notice{Key: key + ":chart", Kind: NoticeReportChart, Channel: s.opts.HRChannel, Data: data})
	}
	return out, nil
}
