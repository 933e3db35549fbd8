package storetest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// world is the programme being seeded: its people, pairs, rounds and cycles, and what
// the simulation of the history decides about them.
type world struct {
	spec   Spec
	until  time.Time // the last sweep of the history
	people []*person
	pairs  []*pairState
	rounds []roundPlan
	cycles []cyclePlan
	due    Due

	outbox []outboxRow // buffered: written in the order the rows were queued
	flags  []flagRow   // likewise
}

// person is one participant and what the history did to them.
type person struct {
	p         mentoring.Participant // as they joined
	pair      *pairState
	partner   *person
	pulseRate float64
	stopAt    int       // the window from which they stop answering check-ins; 0 never
	pause     span      // their break, if they took one
	quiet     time.Time // when they went quiet (three prompts in a row missed)
	resumed   time.Time // when the sweep ended their break
	sent      []mentoring.PromptState
}

// span is a break from from until until.
type span struct{ from, until time.Time }

// pausedAt reports whether the person is on a break at t, as the sweep sees it.
func (p *person) pausedAt(t time.Time) bool {
	return !p.pause.from.IsZero() && !t.Before(p.pause.from) && t.Before(p.pause.until)
}

// quietAt reports whether the person had gone quiet by t.
func (p *person) quietAt(t time.Time) bool { return !p.quiet.IsZero() && !t.Before(p.quiet) }

// missedInRow counts the person's newest sent prompts missed in a row.
func (p *person) missedInRow() int {
	n := 0
	for i := len(p.sent) - 1; i >= 0 && p.sent[i] == mentoring.PromptMissed; i-- {
		n++
	}
	return n
}

// pairState is one pair and its running state through the history.
type pairState struct {
	mentoring.Pair
	mentor, mentee *person
	next           int          // the first window not yet prompted
	session        map[int]bool // windows with a session reported
	excused        map[int]bool // windows with someone on a break
}

// roundPlan is a round approved at at, of the pairs first..first+n.
type roundPlan struct {
	at       time.Time
	first, n int
}

// cyclePlan is a cycle and its milestones done within the history.
type cyclePlan struct {
	mentoring.Cycle
	done []milestone
}

type milestone struct {
	name string
	at   time.Time
}

func newWorld(s Spec) *world {
	w := &world{spec: s, until: s.Until()}
	w.rounds = append(w.rounds, roundPlan{at: s.Begin, n: s.LaunchPairs})
	for r := 1; r <= s.Rounds; r++ {
		w.rounds = append(w.rounds, roundPlan{at: s.Begin.Add(time.Duration(r)*RoundEvery + time.Hour),
			first: s.LaunchPairs + (r-1)*s.RoundPairs, n: s.RoundPairs})
	}
	for ri, r := range w.rounds {
		for i := r.first; i < r.first+r.n; i++ {
			w.pairs = append(w.pairs, w.newPair(i, int64(ri+1), r.at))
		}
	}
	w.assignBreaks()
	w.planCycles()
	return w
}

var cadences = [4]mentoring.Cadence{mentoring.CadenceWeekly, mentoring.CadenceBiweekly, mentoring.CadenceBiweekly,
	mentoring.CadenceMonthly}

// newPair makes pair i (ID i+1) of round, approved at at, and its two people.
func (w *world) newPair(i int, round int64, at time.Time) *pairState {
	cad := cadences[i%len(cadences)]
	shared := Topics[i%len(Topics)]
	tz, offset := "Asia/Tokyo", 9*3600
	if i%33 == 7 {
		tz, offset = "Asia/Singapore", 8*3600
	}
	langs := []mentoring.Lang{mentoring.LangJA}
	if i%3 == 0 {
		langs = append(langs, mentoring.LangEN)
	}
	joined := at.Add(-7*24*time.Hour + time.Duration(i%96)*15*time.Minute)
	newPerson := func(id string, role mentoring.Role, dept int, topics []string) *person {
		return &person{p: mentoring.Participant{UserID: id, DisplayName: id, TZ: tz, TZOffset: offset,
			Profile: mentoring.Profile{Role: role, Department: fmt.Sprintf("Dept %02d", dept), Topics: topics,
				Languages: langs, Cadence: cad, Capacity: 1, Consent: true},
			Status: mentoring.StatusActive, JoinedAt: joined, UpdatedAt: joined},
			pulseRate: w.spec.PulseAnswers * (0.5 + float64(i%11)/10)}
	}
	m := newPerson(mentorID(i), mentoring.RoleMentor, i%30,
		[]string{shared, Topics[(i+1)%len(Topics)], Topics[(i+3)%len(Topics)]})
	e := newPerson(menteeID(i), mentoring.RoleMentee, (i+11)%30, []string{shared, Topics[(i+2)%len(Topics)]})
	m.partner, e.partner = e, m
	ps := &pairState{Pair: mentoring.Pair{ID: int64(i + 1), RoundID: round, MentorID: m.p.UserID, MenteeID: e.p.UserID,
		Status: mentoring.PairActive, Cadence: cad, Score: float64(60 + i%40), SharedTopics: []string{shared},
		Languages: []mentoring.Lang{mentoring.LangJA}, CreatedAt: at},
		mentor: m, mentee: e, session: map[int]bool{}, excused: map[int]bool{}}
	m.pair, e.pair = ps, ps
	w.people = append(w.people, m, e)
	return ps
}

// mentorID and menteeID are the Slack IDs of the people of pair i (ID i+1).
func mentorID(i int) string { return fmt.Sprintf("UMT%05d", i) }
func menteeID(i int) string { return fmt.Sprintf("UME%05d", i) }

// assignBreaks picks, among the people of the follow-up rounds, those who go quiet, those
// on a break at the end (some of whom come back between the last sweep and Now), and
// those who took a break earlier in the year.
func (w *world) assignBreaks() {
	s := w.spec
	rng := rand.New(rand.NewPCG(1, 2))
	followUp := w.people[2*s.LaunchPairs:]
	order := rng.Perm(len(followUp))
	week := 7 * 24 * time.Hour
	quiet, paused, past := s.Disengaged, s.Paused, s.PastPauses
	for _, k := range order {
		p := followUp[k]
		last := p.pair.LastDueWindow(w.until)
		switch {
		case quiet > 0 && last >= 8:
			p.stopAt = 2 + rng.IntN(last-6)
			quiet--
		case paused > 0:
			p.pause.from = w.until.Add(-time.Duration(24+rng.IntN(34*24)) * time.Hour)
			if resuming := s.Paused - paused; resuming < s.Resuming {
				p.pause.until = w.until.Add(time.Duration(resuming+1) * s.Now.Sub(w.until) / time.Duration(s.Resuming+1))
				weeks := 1 + int(p.pause.until.Sub(p.pause.from)/week)
				p.pause.from = p.pause.until.Add(-time.Duration(weeks) * week)
			} else {
				weeks := 1 + int(s.Now.Sub(p.pause.from)/week) + rng.IntN(5)
				p.pause.until = p.pause.from.Add(time.Duration(weeks) * week)
			}
			paused--
		case past > 0:
			from, to := p.pair.CreatedAt.Add(3*week), w.until.Add(-8*week)
			if !from.Before(to) {
				continue
			}
			p.pause.from = between(rng, from, to)
			p.pause.until = p.pause.from.Add(time.Duration(1+rng.IntN(6)) * week)
			p.resumed = slotAfter(p.pause.until)
			past--
		}
	}
}

// planCycles lays out the cycles, one after the other from the first day of the quarter
// of the launch, until the one under way at Now, with the milestones the sweep did.
func (w *world) planCycles() {
	s := w.spec
	b := s.Begin.In(s.Location)
	start := time.Date(b.Year(), b.Month()-(b.Month()-1)%3, 1, 0, 0, 0, 0, s.Location)
	for n := 1; !start.After(s.Now); n++ {
		next := start.AddDate(0, s.CycleMonths, 0)
		c := mentoring.Cycle{Name: fmt.Sprintf("Cycle %d", n), Purpose: "Reverse mentoring on the topics of the quarter",
			StartsOn: mentoring.Date(start.Format(time.DateOnly)), EndsOn: mentoring.Date(next.AddDate(0, 0, -1).Format(time.DateOnly)),
			DefaultCadence: mentoring.CadenceBiweekly, CreatedBy: s.Admins[0], CreatedAt: start.AddDate(0, 0, -10)}
		c.UpdatedAt = c.CreatedAt
		plan := cyclePlan{Cycle: c}
		for _, m := range []milestone{
			{mentoring.MilestoneReview, c.Midpoint().At(s.Location)},
			{mentoring.MilestoneSurvey, c.EndsOn.At(s.Location).AddDate(0, 0, 1)},
			{mentoring.MilestoneReport, c.ReportDay().At(s.Location)},
		} {
			if !m.at.After(w.until) && (m.name != mentoring.MilestoneReport || s.HRChannel != "") {
				plan.done = append(plan.done, milestone{m.name, slotAfter(m.at)})
			}
		}
		w.cycles = append(w.cycles, plan)
		start = next
	}
}

// slotAfter returns the first sweep at or after t.
func slotAfter(t time.Time) time.Time {
	s := t.Truncate(SweepEvery)
	if s.Before(t) {
		s = s.Add(SweepEvery)
	}
	return s
}

// workTime returns when a message to p queued at now may go out: zero for now. The
// people's zones keep no daylight saving time, so their offset gives their hours, without
// loading the zone on every call.
func (w *world) workTime(p *person, now time.Time) time.Time {
	t := w.spec.WorkingHours.Next(now, "", p.p.TZOffset)
	if !t.After(now) {
		return time.Time{}
	}
	return t
}

// promptTimes mirrors mentoring's: the nudge NudgeAfter after the window ends, the
// deadline as long again after it, never later than the end of the next window.
func promptTimes(due time.Time, nudgeAfter, interval time.Duration) (nudgeAt, deadline time.Time) {
	nudgeAt = due.Add(nudgeAfter)
	deadline = due.Add(min(2*nudgeAfter, interval))
	if !deadline.After(nudgeAt) {
		nudgeAt = due.Add(min(nudgeAfter, interval/2))
	}
	return nudgeAt, deadline
}

// between returns a random time in [from, to), or from when the span is empty.
func between(rng *rand.Rand, from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// earliest returns the earliest of the times.
func earliest(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.Before(t) {
			t = u
		}
	}
	return t
}
