package bot

import (
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func sampleReport() mentoring.CycleReport {
	show := func(v float64, n int) mentoring.Shown { return mentoring.Shown{Value: v, People: n} }
	return mentoring.CycleReport{
		Cycle: mentoring.Cycle{ID: 1, Name: "2026 Spring", Purpose: "Digital skills <across> generations",
			StartsOn: "2026-04-06", EndsOn: "2026-09-30"},
		K: 5, Joined: show(50, 50), Pairs: show(16, 32), SessionsDue: show(120, 240), SessionsHeld: show(96, 192),
		CompletionRate: show(80, 240), Answers: show(38, 38), JoinAgain: show(8.4, 36),
		Effects: []mentoring.Effect{
			{Subject: "lead", Role: mentoring.RoleMentor, Before: show(2.3, 22), After: show(3.6, 22), Change: show(1.3, 22)},
			{Subject: "genai", Role: mentoring.RoleMentee, Before: show(2.1, 9), After: show(3.7, 9), Change: show(1.6, 9)},
		},
		HiddenEffects: 3,
	}
}

func TestRender_CycleReportAndReviewGolden(t *testing.T) {
	cat := testCatalog(t)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	catalogue := mentoring.DefaultCatalogue()
	end := time.Date(2026, 6, 26, 0, 0, 0, 0, time.UTC)
	review := mentoring.ReviewData{CycleID: 1, Name: "2026 Spring", AdminID: "UHR",
		Counts: mentoring.Counts{Active: 44, Paused: 3, Left: 3, Mentors: 30, Mentees: 17}, Pairs: 16, Stalled: 2, FlagsOpen: 3,
		Burden:     []mentoring.TrendPoint{{End: end.AddDate(0, 0, -7), Mean: 2.8, People: 12}, {End: end, Mean: 3.4, People: 11}},
		Unmatched:  []mentoring.Unmatched{{UserID: "U0MENTOR9", Role: mentoring.RoleMentor, Reason: mentoring.ReasonOutnumbered}},
		Completion: mentoring.CycleFigures{WindowsDue: 40, WindowsHeld: 31}}
	for _, l := range mentoring.Langs {
		golden(t, "cycle_report."+string(l), renderCycleReport(cat, l, sampleReport(), catalogue))
		golden(t, "cycle_review."+string(l), renderReview(cat, l, review, tokyo))
		b, err := reportChart(cat, l, sampleReport(), catalogue)
		if err != nil || len(b) < 8 || string(b[1:4]) != "PNG" {
			t.Fatalf("%s report chart: %v", l, err)
		}
	}
}
