// Package storetest fills a database with a year of a mentoring programme, for the
// benchmarks of the work that reads it (the sweep, the outbox) and their tests.
//
// The structure (participants, rounds and their pairs, cycles and their milestones) is
// written through the store's own methods. The history is simulated sweep by sweep, as
// the programme would have lived it, and written in one bulk transaction, row for row as
// the store writes it: check-in prompts prompted, nudged, answered, missed or skipped;
// check-ins; weekly pulse surveys and their answers; follow-up flags (handled or open);
// breaks taken and ended; people gone quiet and pairs stalled; end-of-cycle surveys; and
// the outbox rows of the last 90 days, sent. The history stops at the last sweep before
// Spec.Now, so a sweep at Now finds exactly the work that fell due in between (Due).
package storetest

import (
	"context"
	"fmt"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// Timings of the programme as the application runs it by default.
const (
	// SweepEvery is the period of the sweep (schedule.sweep, every 15 minutes).
	SweepEvery = 15 * time.Minute
	// RoundEvery is how far apart the follow-up rounds were approved.
	RoundEvery = 3 * 24 * time.Hour
	// OutboxRetention is how long sent outbox rows are kept (the prune-outbox job).
	OutboxRetention = 90 * 24 * time.Hour
)

// Topics is the programme's topic catalogue.
var Topics = []string{"genai", "cloud", "data", "security", "design", "mobile"}

// Spec describes the programme to seed.
//
// The launch round pairs LaunchPairs at Begin; then Rounds follow-up rounds of RoundPairs
// each, RoundEvery apart and an hour later in the day. Pairs meet weekly (a quarter of
// them), every two weeks (half) or monthly (a quarter): every window of a round's pairs
// ends with the other windows of that round. All cadences divide 364 days, so the launch
// round's 2×LaunchPairs prompts all fall due at Begin+364 days.
//
// People on a break (Paused), gone quiet (Disengaged) and the pauses of the year
// (PastPauses) are people of the follow-up rounds: the launch round is all active at the
// end. Resuming of the Paused end their break between the last sweep and Now.
type Spec struct {
	Begin time.Time // the launch round's approval
	Now   time.Time // when the benchmark sweeps; the history ends at the sweep before

	LaunchPairs        int
	Rounds, RoundPairs int

	Paused, Resuming int // people on a break at the end; of them, those back by Now
	PastPauses       int // people who took a break earlier in the year
	Disengaged       int // people who stop answering check-ins and go quiet

	Admins       []string // HR admins: flags, reviews
	HRChannel    string   // where cycle reports are posted
	Location     *time.Location
	NudgeAfter   time.Duration
	WorkingHours mentoring.WorkingHours
	CycleMonths  int // length of a cycle; cycles follow one another from Begin's quarter
	PulseWeekday time.Weekday
	PulseHour    int // the weekly pulse slot, in Location

	PulseAnswers float64 // the mean share of pulse surveys answered
	SurveyAnswer float64 // the share of people who answer a cycle's survey
}

// Year is the programme of the sweep benchmarks: 20 000 participants in 10 000 active
// pairs (a launch round of 2 500 pairs, then 15 rounds of 500), a year after the launch.
// now is when the benchmark sweeps.
func Year(now time.Time) Spec {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err) // the Go distribution embeds no zone database and the system has none
	}
	return Spec{
		Begin: time.Date(2025, 4, 8, 6, 0, 0, 0, time.UTC), // a Tuesday, 15:00 in Tokyo
		Now:   now,

		LaunchPairs: 2500, Rounds: 15, RoundPairs: 500,
		Paused: 300, Resuming: 20, PastPauses: 1000, Disengaged: 200,

		Admins: []string{"UHRADMIN1", "UHRADMIN2", "UHRADMIN3"}, HRChannel: "CHRCHANNEL",
		Location: tokyo, NudgeAfter: 3 * 24 * time.Hour, WorkingHours: mentoring.DefaultWorkingHours(),
		CycleMonths: 3, PulseWeekday: time.Monday, PulseHour: 10,
		PulseAnswers: 0.6, SurveyAnswer: 0.4,
	}
}

// Options are the service options that match the programme seeded.
func (s Spec) Options() mentoring.Options {
	var cat mentoring.Catalogue
	for _, t := range Topics {
		cat = append(cat, mentoring.Topic{ID: t, EN: t, JA: t})
	}
	return mentoring.Options{Admins: s.Admins, Location: s.Location, Catalogue: cat, Cadence: mentoring.CadenceBiweekly,
		HRChannel: s.HRChannel, NudgeAfter: s.NudgeAfter, WorkingHours: s.WorkingHours}
}

// Until is the time of the last sweep before Now: the history ends there.
func (s Spec) Until() time.Time { return slotAfter(s.Now).Add(-SweepEvery) }

// Pairs is the number of pairs.
func (s Spec) Pairs() int { return s.LaunchPairs + s.Rounds*s.RoundPairs }

// UserIDs returns the Slack IDs of the participants: the mentor and the mentee of each
// pair, in the pairs' order.
func (s Spec) UserIDs() []string {
	out := make([]string, 0, 2*s.Pairs())
	for i := range s.Pairs() {
		out = append(out, mentorID(i), menteeID(i))
	}
	return out
}

// Due is the work a sweep at Spec.Now finds.
type Due struct {
	Pairs     int // pairs whose window ended
	Prompts   int // of their people, those to prompt (neither on a break nor gone quiet)
	Nudges    int // prompts whose nudge time came
	Deadlines int // prompts whose answer deadline passed
	Resumes   int // breaks that ended
}

// Seeded tells what Seed wrote.
type Seeded struct {
	Due  Due
	Rows map[string]int // rows written per table
	Took time.Duration
}

// Seed creates the database at path (which must not exist) and fills it with the
// programme of spec.
func Seed(ctx context.Context, path string, spec Spec) (Seeded, error) {
	began := time.Now()
	w := newWorld(spec)
	db, err := store.Open(ctx, path)
	if err != nil {
		return Seeded{}, err
	}
	err = w.structure(ctx, db)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Seeded{}, fmt.Errorf("seed structure: %w", err)
	}
	rows, err := w.write(ctx, path)
	if err != nil {
		return Seeded{}, fmt.Errorf("seed history: %w", err)
	}
	return Seeded{Due: w.due, Rows: rows, Took: time.Since(began)}, nil
}

// structure writes participants, rounds, pairs, cycles and their milestones through the
// store's methods.
func (w *world) structure(ctx context.Context, db *store.DB) error {
	for _, p := range w.people {
		if err := db.SaveParticipant(ctx, p.p); err != nil {
			return err
		}
	}
	for _, r := range w.rounds {
		prop := mentoring.Proposal{}
		var pairs []mentoring.Pair
		for _, p := range w.pairs[r.first : r.first+r.n] {
			prop.Pairs = append(prop.Pairs, mentoring.ProposedPair{MentorID: p.MentorID, MenteeID: p.MenteeID,
				Score: p.Score, SharedTopics: p.SharedTopics, Languages: p.Languages})
			prop.TotalScore += p.Score
			pairs = append(pairs, p.Pair)
		}
		round, err := db.SaveProposal(ctx, mentoring.Round{Proposal: prop, CreatedBy: w.spec.Admins[0],
			CreatedAt: r.at.Add(-2 * time.Hour)})
		if err != nil {
			return err
		}
		if err := db.ApproveRound(ctx, round.ID, round.Version, w.spec.Admins[0], r.at, pairs, nil); err != nil {
			return err
		}
	}
	for i := range w.cycles {
		c, err := db.SaveCycle(ctx, w.cycles[i].Cycle)
		if err != nil {
			return err
		}
		w.cycles[i].ID = c.ID
		for _, m := range w.cycles[i].done {
			if _, err := db.DoMilestone(ctx, c.ID, m.name, m.at, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
