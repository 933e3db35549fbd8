package mentoring_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func TestFlagFilter_MatchesHandledCauseAndPerson(t *testing.T) {
	open := mentoring.Flag{Cause: mentoring.FlagBurden, UserID: "UM1", Detail: mentoring.FlagDetail{PartnerID: "UE1"}}
	handled := open
	handled.HandledBy = "UHR"
	stalled := mentoring.Flag{Cause: mentoring.FlagStalled, UserID: "UM2", Detail: mentoring.FlagDetail{PartnerID: "UE2"}}
	for _, tt := range []struct {
		name   string
		filter mentoring.FlagFilter
		flag   mentoring.Flag
		want   bool
	}{
		{"open by default", mentoring.FlagFilter{}, open, true},
		{"handled hidden by default", mentoring.FlagFilter{}, handled, false},
		{"handled with all", mentoring.FlagFilter{All: true}, handled, true},
		{"its cause", mentoring.FlagFilter{Cause: mentoring.FlagBurden}, open, true},
		{"another cause", mentoring.FlagFilter{Cause: mentoring.FlagMood}, open, false},
		{"the person it is about", mentoring.FlagFilter{UserID: "UM1"}, open, true},
		{"the partner of someone who felt a burden", mentoring.FlagFilter{UserID: "UE1"}, open, false},
		{"the mentee of a stalled pair", mentoring.FlagFilter{UserID: "UE2"}, stalled, true},
		{"someone else", mentoring.FlagFilter{UserID: "UX"}, stalled, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.Match(tt.flag); got != tt.want {
				t.Fatalf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

// hrService is a service with one HR admin, an HR channel and its store.
func hrService(t *testing.T, channel string) (*mentoring.Service, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "hr.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC))
	db.Clock = clock
	return mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{"UHR"},
		HRChannel: channel, MinGroupSize: 5}), db
}

func TestPostSummaryNow_AdminsOnlyIntoTheHRChannel(t *testing.T) {
	ctx := context.Background()
	svc, db := hrService(t, "CHR")
	if _, err := svc.PostSummaryNow(ctx, "UM1"); mentoring.ErrorCode(err) != mentoring.EFORBIDDEN {
		t.Fatalf("a participant posted the summary: %v", err)
	}
	if _, err := svc.FindFlags(ctx, "UM1", mentoring.FlagFilter{}, 0); mentoring.ErrorCode(err) != mentoring.EFORBIDDEN {
		t.Fatalf("a participant listed the flags: %v", err)
	}
	sm, err := svc.PostSummaryNow(ctx, "UHR")
	if err != nil {
		t.Fatal(err)
	}
	if !sm.Week.End.Equal(time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC)) {
		t.Fatalf("the week ends %v, want now", sm.Week.End)
	}
	items, err := db.ClaimOutbox(ctx, time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, it := range items {
		kinds[it.Notice.Kind] = it.Notice.Channel
	}
	// Nobody has answered anything: there is no trend to draw, so no chart.
	if len(items) != 1 || kinds[mentoring.NoticeSummary] != "CHR" {
		t.Fatalf("queued %v", kinds)
	}

	none, _ := hrService(t, "")
	if _, err := none.PostSummaryNow(ctx, "UHR"); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("without an HR channel: %v", err)
	}
}

func TestCycleReport_WithNoEffectToShowQueuesNoChart(t *testing.T) {
	ctx := context.Background()
	svc, db := hrService(t, "CHR")
	if _, err := svc.SaveCycle(ctx, "UHR", mentoring.Cycle{Name: "Short", Purpose: "Try it out",
		StartsOn: "2026-03-01", EndsOn: "2026-03-20", DefaultCadence: mentoring.CadenceWeekly}); err != nil {
		t.Fatal(err)
	}
	// 10 April is past the report day (3 April): the report is due, with nobody's ratings.
	if _, err := svc.Sweep(ctx, time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	items, err := db.ClaimOutbox(ctx, time.Date(2026, 4, 10, 3, 0, 0, 0, time.UTC), 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, it := range items {
		kinds = append(kinds, it.Notice.Kind)
	}
	if len(kinds) != 1 || kinds[0] != mentoring.NoticeCycleReport {
		t.Fatalf("queued %v, want the report alone", kinds)
	}
}
