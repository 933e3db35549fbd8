package mentoring_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// cohort is a programme of n pairs, approved at start, in Tokyo.
func cohort(t testing.TB, n int) (*mentoring.Service, *store.DB, *simclock.Clock) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(start)
	db.Clock = clock
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	svc := mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{"UHR"},
		Location: tokyo, MinGroupSize: 5, HRChannel: "CHR"})
	ctx := context.Background()
	for i := range n {
		for _, p := range []struct {
			id   string
			role mentoring.Role
			dept string
		}{{fmt.Sprintf("UM%03d", i), mentoring.RoleMentor, "Engineering"}, {fmt.Sprintf("UE%03d", i), mentoring.RoleMentee, "Sales"}} {
			if _, err := svc.Join(ctx, mentoring.Person{UserID: p.id, DisplayName: p.id, TZ: "Asia/Tokyo", TZOffset: 32400},
				mentoring.Profile{Role: p.role, Department: p.dept, Topics: []string{"genai"}, Languages: []mentoring.Lang{mentoring.LangJA},
					Cadence: mentoring.CadenceWeekly, Capacity: 1, Consent: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	return svc, db, clock
}

func TestWeeklySummary_FiguresAndTrendUnderTheAnonymityRule(t *testing.T) {
	svc, _, clock := cohort(t, 6)
	ctx := context.Background()
	// Week 1: the pairs' first window ends; five of six pairs meet; everyone answers a
	// pulse survey.
	clock.Set(start.Add(7 * day))
	if _, err := svc.Sweep(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SendPulses(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	date := clock.Now().In(mustZone(t, "Asia/Tokyo")).Format(time.DateOnly)
	pairs, err := svc.ActivePairs(ctx, "UHR")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pairs {
		if i < 5 {
			if _, err := svc.RecordCheckIn(ctx, p.MentorID, mentoring.CheckIn{PairID: p.ID, Window: 1, Met: mentoring.MetYes, Rating: 4, Burden: 2}); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []string{p.MentorID, p.MenteeID} {
			for _, q := range []mentoring.PulseQuestion{mentoring.PulseMood, mentoring.PulseSafety} {
				if _, err := svc.RecordPulse(ctx, u, date, q, 4); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Only four mentors answer the burden question: too few to publish.
		if i < 4 {
			if _, err := svc.RecordPulse(ctx, p.MentorID, date, mentoring.PulseBurden, 3); err != nil {
				t.Fatal(err)
			}
		}
	}
	end := clock.Now().Add(4 * day) // Friday
	sm, err := svc.WeeklySummary(ctx, end)
	if err != nil {
		t.Fatal(err)
	}
	if sm.Joined.Hidden || sm.Joined.Value != 12 || sm.ActivePairs.Value != 6 {
		t.Fatalf("participation %+v pairs %+v", sm.Joined, sm.ActivePairs)
	}
	if sm.SessionsDue.Value != 6 || sm.SessionsHeld.Value != 5 || sm.CompletionRate.Value != 83 {
		t.Fatalf("sessions due %+v held %+v rate %+v", sm.SessionsDue, sm.SessionsHeld, sm.CompletionRate)
	}
	last := sm.Trend[len(sm.Trend)-1]
	if len(sm.Trend) != mentoring.TrendWeeks || last.Mood.Hidden || last.Mood.Value != 4 || last.Mood.People != 12 {
		t.Fatalf("trend %+v", sm.Trend)
	}
	// Burden: four pulse answers and five check-ins from five distinct mentors: shown.
	if last.Burden.Hidden || last.Burden.People != 5 {
		t.Fatalf("burden %+v", last.Burden)
	}
	if !sm.Trend[0].Mood.Hidden {
		t.Fatalf("a week with no answers must read 'fewer than k': %+v", sm.Trend[0])
	}
	// Six mentors and six mentees, two departments of six: the breakdowns may be shown.
	if !sm.ByRoleOK || !sm.ByDepartmentOK {
		t.Fatalf("breakdowns %+v %+v", sm.ByRole, sm.ByDepartment)
	}
}

func TestWeeklySummary_SmallProgrammeHidesEverythingButZero(t *testing.T) {
	svc, _, clock := cohort(t, 2)
	sm, err := svc.WeeklySummary(context.Background(), clock.Now().Add(4*day))
	if err != nil {
		t.Fatal(err)
	}
	if !sm.Joined.Hidden || !sm.Mentors.Hidden || sm.ByRoleOK || sm.ByDepartmentOK {
		t.Fatalf("four people must not be counted in public: %+v", sm)
	}
	if sm.FlagsOpen.Hidden || sm.FlagsOpen.Value != 0 {
		t.Fatalf("zero flags may be shown: %+v", sm.FlagsOpen)
	}
}

func TestWeeklySummary_OnRequestFollowsThePublishedWeeks(t *testing.T) {
	svc, db, clock := cohort(t, 6)
	ctx := context.Background()
	tokyo := mustZone(t, "Asia/Tokyo")
	answer := func(mood int) {
		t.Helper()
		date := clock.Now().In(tokyo).Format(time.DateOnly)
		pairs, err := svc.ActivePairs(ctx, "UHR")
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pairs {
			for _, u := range []string{p.MentorID, p.MenteeID} {
				if _, err := svc.RecordPulse(ctx, u, date, mentoring.PulseMood, mood); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	clock.Set(start.Add(7 * day)) // Monday of week 2
	if _, err := svc.SendPulses(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	answer(4)
	friday := start.Add(11 * day)
	clock.Set(friday)
	if _, err := svc.PostWeeklySummary(ctx, friday, "CHR"); err != nil {
		t.Fatal(err)
	}
	// Monday of week 3: a new survey, answered lower; HR asks for the summary on Wednesday.
	clock.Set(start.Add(14 * day))
	if _, err := svc.SendPulses(ctx, clock.Now()); err != nil {
		t.Fatal(err)
	}
	answer(2)
	wednesday := start.Add(16 * day)
	clock.Set(wednesday)
	sm, err := svc.WeeklySummary(ctx, wednesday)
	if err != nil {
		t.Fatal(err)
	}
	if !sm.Week.Start.Equal(friday) || !sm.Week.End.Equal(wednesday) {
		t.Fatalf("the week on request is %s – %s, want since the last summary (%s)", sm.Week.Start, sm.Week.End, friday)
	}
	published := sm.Trend[len(sm.Trend)-2]
	if !published.End.Equal(friday) || published.Mood.Value != 4 || sm.Trend[len(sm.Trend)-1].Mood.Value != 2 {
		t.Fatalf("trend %+v", sm.Trend)
	}
	if _, err := svc.PostSummaryNow(ctx, "UHR"); err != nil {
		t.Fatal(err)
	}
	// With figures to draw, each post comes with its chart.
	items, err := db.ClaimOutbox(ctx, wednesday, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	charts := 0
	for _, it := range items {
		if it.Notice.Kind == mentoring.NoticeSummaryChart {
			charts++
		}
	}
	if charts != 2 {
		t.Fatalf("%d charts queued for the weekly summary and the one on request", charts)
	}
	// The summary on request is a snapshot: the next weekly one covers the whole week.
	if last, err := db.LastPublishedWeek(ctx, wednesday); err != nil || !last.Equal(friday) {
		t.Fatalf("last published week %s (%v), want %s", last, err, friday)
	}
	next := friday.Add(7 * day)
	clock.Set(next)
	sm, err = svc.PostWeeklySummary(ctx, next, "CHR")
	if err != nil {
		t.Fatal(err)
	}
	if !sm.Week.Start.Equal(friday) || !sm.Week.End.Equal(next) {
		t.Fatalf("the next weekly summary covers %s – %s", sm.Week.Start, sm.Week.End)
	}
}
