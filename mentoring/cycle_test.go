package mentoring_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func TestCycle_ValidateCatchesWhatTheModalMustRefuse(t *testing.T) {
	ok := mentoring.Cycle{Name: "2026 春", Purpose: "デジタル活用と世代を超えた対話", StartsOn: "2026-04-01", EndsOn: "2026-09-30",
		DefaultCadence: mentoring.CadenceBiweekly}
	if errs := ok.Normalize().Validate(); errs != nil {
		t.Fatalf("a good cycle refused: %v", errs)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*mentoring.Cycle)
		field string
	}{
		{"no name", func(c *mentoring.Cycle) { c.Name = "  " }, "name"},
		{"no purpose", func(c *mentoring.Cycle) { c.Purpose = "" }, "purpose"},
		{"ends before it starts", func(c *mentoring.Cycle) { c.EndsOn = "2026-03-01" }, "ends_on"},
		{"not a date", func(c *mentoring.Cycle) { c.StartsOn = "April" }, "starts_on"},
		{"three years", func(c *mentoring.Cycle) { c.EndsOn = "2029-04-01" }, "ends_on"},
		{"no cadence", func(c *mentoring.Cycle) { c.DefaultCadence = "" }, "cadence"},
		{"purpose too long", func(c *mentoring.Cycle) { c.Purpose = strings.Repeat("目", 1001) }, "purpose"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			if errs := c.Normalize().Validate(); errs[tt.field] == "" {
				t.Fatalf("errors %v, want one for %s", errs, tt.field)
			}
		})
	}
}

// TestCycle_MilestonesAndReportShowTheEffect runs a six-week cycle of six pairs: HR is
// asked to review the rules halfway, everyone is surveyed at the end, and two weeks later
// the report shows the before/after change of each self-rating shown by enough people.
func TestCycle_MilestonesAndReportShowTheEffect(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "cy.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := simclock.New(start)
	db.Clock = clock
	tokyo := mustZone(t, "Asia/Tokyo")
	svc := mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{"UHR"},
		Location: tokyo, MinGroupSize: 5, HRChannel: "CHR"})
	ctx := context.Background()
	cy, err := svc.SaveCycle(ctx, "UHR", mentoring.Cycle{Name: "Spring", Purpose: "Digital skills across generations",
		StartsOn: "2026-04-06", EndsOn: "2026-05-17", DefaultCadence: mentoring.CadenceWeekly})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveCycle(ctx, "UM000", cy); mentoring.ErrorCode(err) != mentoring.EFORBIDDEN {
		t.Fatalf("a participant saved a cycle: %v", err)
	}
	for i := range 6 {
		for _, p := range []struct {
			id   string
			role mentoring.Role
			dept string
		}{{"UM00" + string(rune('0'+i)), mentoring.RoleMentor, "Eng"}, {"UE00" + string(rune('0'+i)), mentoring.RoleMentee, "Sales"}} {
			if _, err := svc.Join(ctx, mentoring.Person{UserID: p.id, TZ: "Asia/Tokyo", TZOffset: 32400},
				mentoring.Profile{Role: p.role, Department: p.dept, Topics: []string{"genai", "slack"},
					Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceWeekly, Capacity: 1, Consent: true}); err != nil {
				t.Fatal(err)
			}
			before := map[string]int{"lead": 2}
			if p.role == mentoring.RoleMentee {
				before = map[string]int{"genai": 2, "slack": 4}
			}
			if err := svc.RecordStartRatings(ctx, p.id, before); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := svc.RecordStartRatings(ctx, "UE000", map[string]int{"genai": 9}); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("a rating of 9: %v", err)
	}
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	kinds := func(from time.Time) map[string]int {
		items, err := db.ClaimOutbox(ctx, clock.Now(), 10000, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, it := range items {
			out[it.Notice.Kind]++
			if err := db.MarkSent(ctx, it.ID, it.Attempt, "C1", "1.0"); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	kinds(start)
	sweepAt := func(day string) map[string]int {
		t.Helper()
		d, _ := mentoring.ParseDate(day)
		clock.Set(d.At(tokyo).Add(10 * time.Hour))
		if _, err := svc.Sweep(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		return kinds(clock.Now())
	}
	if got := sweepAt("2026-04-24"); got[mentoring.NoticeCycleReview] != 0 {
		t.Fatalf("review before halfway: %v", got)
	}
	if got := sweepAt("2026-04-27"); got[mentoring.NoticeCycleReview] != 1 {
		t.Fatalf("halfway: %v", got)
	}
	if got := sweepAt("2026-04-28"); got[mentoring.NoticeCycleReview] != 0 {
		t.Fatalf("review sent twice: %v", got)
	}
	// A dry run lists only what a sweep would send: not a milestone done already.
	planned := func() map[string]int {
		t.Helper()
		ns, err := svc.PlanSweep(ctx, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, n := range ns {
			out[n.Kind]++
		}
		return out
	}
	if got := planned(); got[mentoring.NoticeCycleReview] != 0 {
		t.Fatalf("the dry run after the review would send it again: %v", got)
	}
	if got := sweepAt("2026-05-18"); got[mentoring.NoticeCycleSurvey] != 12 {
		t.Fatalf("survey at the end: %v", got)
	}
	// Mentees say they grew in generative AI; mentors in leading a senior. Only four
	// mentees answer for Slack: too few to show.
	for i := range 6 {
		m, e := "UM00"+string(rune('0'+i)), "UE00"+string(rune('0'+i))
		if err := svc.RecordCycleSurvey(ctx, m, mentoring.CycleSurvey{CycleID: cy.ID, JoinAgain: 8,
			Reflection: "先輩の前でも落ち着いて話せるようになった", Ratings: map[string]int{"lead": 4}}); err != nil {
			t.Fatal(err)
		}
		ratings := map[string]int{"genai": 4}
		if i < 4 {
			ratings["slack"] = 4
		}
		if err := svc.RecordCycleSurvey(ctx, e, mentoring.CycleSurvey{CycleID: cy.ID, JoinAgain: 9, Ratings: ratings}); err != nil {
			t.Fatal(err)
		}
	}
	if got := sweepAt("2026-05-31"); got[mentoring.NoticeCycleReport] != 1 {
		t.Fatalf("report two weeks after the end: %v", got)
	}
	if got := planned(); got[mentoring.NoticeCycleReport] != 0 || got[mentoring.NoticeCycleSurvey] != 0 {
		t.Fatalf("the dry run after the report would send it again: %v", got)
	}
	if got := sweepAt("2026-06-01"); got[mentoring.NoticeCycleReport] != 0 {
		t.Fatalf("report sent twice: %v", got)
	}
	rep, err := svc.CycleReport(ctx, "UHR", cy.ID)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, e := range rep.Effects {
		subjects = append(subjects, e.Subject)
		if e.Change.Value != 2 || e.Change.Hidden || e.Before.Value != 2 || e.After.Value != 4 {
			t.Errorf("effect %+v", e)
		}
	}
	if !slices.Equal(subjects, []string{"lead", "genai"}) || rep.HiddenEffects != 1 {
		t.Fatalf("effects %v hidden %d", subjects, rep.HiddenEffects)
	}
	if rep.JoinAgain.Hidden || rep.JoinAgain.Value != 8.5 || rep.Answers.Value != 12 {
		t.Fatalf("join again %+v answers %+v", rep.JoinAgain, rep.Answers)
	}
	body, _ := json.Marshal(rep)
	if strings.Contains(string(body), "落ち着いて") {
		t.Fatal("a reflection reached the published report")
	}
}
