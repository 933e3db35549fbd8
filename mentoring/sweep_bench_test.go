package mentoring_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
	"github.com/reverse-mentor/reverse-mentor/store/storetest"
)

// TestMain removes the programmes the benchmarks seeded.
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.Cleanup()
	os.Exit(code)
}

// findDueTarget is the bound on finding what is due.
const findDueTarget = 100 * time.Millisecond

// BenchmarkSweepFindDue measures how long a sweep takes to find what is due, in a
// programme of 20 000 participants in 10 000 active pairs a year after its launch
// (storetest.Year: weekly, fortnightly and monthly pairs from 16 rounds; a year of
// prompts answered, nudged, missed and skipped, check-ins, weekly pulse surveys and
// their answers, flags, breaks, people gone quiet, quarterly cycles with their surveys
// and milestones, and 90 days of sent outbox rows), at a sweep when one round's windows
// all end: some 750 pairs due, 450 nudges and 160 deadlines, 20 breaks ending. Target:
// 100 ms.
//
// "plan" is the sweep's dry run (PlanSweep): everything a sweep reads and decides,
// without writing; "queries" the four store queries that find the work (DuePairs,
// DueNudges, DueDeadlines, ParticipantsToResume). Both report ms/find and the items
// found; the counts must match what the seed left due. The first run seeds the programme
// (about a minute), once per process.
//
//	go test ./mentoring -run '^$' -bench SweepFindDue -benchtime 20x
func BenchmarkSweepFindDue(b *testing.B) {
	ctx := context.Background()
	begin := storetest.Year(time.Time{}).Begin
	// Round 8's windows all end: 8 rounds after the launch, then 12 times 4 weeks.
	spec := storetest.Year(begin.Add(8*storetest.RoundEvery + time.Hour + 12*28*24*time.Hour))
	path, seeded, err := storetest.Cached(spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("programme seeded in %v: %v; due at %s: %+v", seeded.Took.Round(time.Second), seeded.Rows,
		spec.Now.Format(time.RFC3339), seeded.Due)
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	clock := simclock.New(spec.Now)
	db.Clock = clock
	svc := mentoring.NewService(db, clock, spec.Options())
	due := seeded.Due

	b.Run("plan", func(b *testing.B) {
		var notices []mentoring.Notice
		for b.Loop() {
			notices, err = svc.PlanSweep(ctx, spec.Now)
			if err != nil {
				b.Fatal(err)
			}
		}
		kinds := map[string]int{}
		for _, n := range notices {
			kinds[n.Kind]++
		}
		if kinds[mentoring.NoticeCheckinPrompt] < due.Prompts || kinds[mentoring.NoticeResumed] != due.Resumes {
			b.Fatalf("the dry run would send %v; due %+v", kinds, due)
		}
		reportFind(b, findDueTarget)
		b.ReportMetric(float64(len(notices)), "notices")
		b.Logf("would send %d notices: %v", len(notices), kinds)
	})
	b.Run("queries", func(b *testing.B) {
		var found storetest.Due
		for b.Loop() {
			pairs, err1 := db.DuePairs(ctx, spec.Now)
			nudges, err2 := db.DueNudges(ctx, spec.Now)
			deadlines, err3 := db.DueDeadlines(ctx, spec.Now)
			resumes, err4 := db.ParticipantsToResume(ctx, spec.Now)
			for _, err := range []error{err1, err2, err3, err4} {
				if err != nil {
					b.Fatal(err)
				}
			}
			found = storetest.Due{Pairs: len(pairs), Nudges: len(nudges), Deadlines: len(deadlines), Resumes: len(resumes)}
		}
		want := due
		want.Prompts = 0
		if found != want {
			b.Fatalf("found %+v; the seed left due %+v", found, want)
		}
		reportFind(b, findDueTarget)
		b.ReportMetric(float64(found.Pairs), "pairs")
		b.ReportMetric(float64(found.Nudges), "nudges")
		b.ReportMetric(float64(found.Deadlines), "deadlines")
		b.ReportMetric(float64(found.Resumes), "resumes")
	})
}

// reportFind reports the mean time of one iteration in milliseconds, and says so when it
// is over target.
func reportFind(b *testing.B, target time.Duration) {
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/find")
	if per > target {
		b.Logf("%v a find: over the %v target", per, target)
	}
}
