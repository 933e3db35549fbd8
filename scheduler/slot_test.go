package scheduler

import (
	"strings"
	"testing"
	"time"
)

func TestSchedule_Next(t *testing.T) {
	for _, tc := range []struct {
		zone, spec, after string // after: local wall time
		want              string // the following slots, in the zone
	}{
		// New York falls back on 2 November 2025 at 02:00 EDT to 01:00 EST.
		{"America/New_York", "30 1 * * *", "2025-11-01 12:00", "11-02 01:30 EDT, 11-03 01:30 EST"},
		{"America/New_York", "0 * * * *", "2025-11-02 00:30", "11-02 01:00 EDT, 11-02 02:00 EST, 11-02 03:00 EST"},
		// and springs forward on 9 March 2025 at 02:00 EST to 03:00 EDT.
		{"America/New_York", "30 2 * * *", "2025-03-08 12:00", "03-09 03:00 EDT, 03-10 02:30 EDT"},
		{"America/New_York", "*/20 * * * *", "2025-03-09 01:30", "03-09 01:40 EST, 03-09 03:00 EDT, 03-09 03:20 EDT"},
		{"Europe/Berlin", "30 2 * * *", "2025-10-25 12:00", "10-26 02:30 CEST, 10-27 02:30 CET"},
		{"Europe/Berlin", "30 2 * * *", "2025-03-29 12:00", "03-30 03:00 CEST, 03-31 02:30 CEST"},
		// Lord Howe moves by half an hour.
		{"Australia/Lord_Howe", "45 1 * * *", "2025-04-05 12:00", "04-06 01:45 +11, 04-07 01:45 +1030"},
		{"Australia/Lord_Howe", "15 2 * * *", "2025-10-04 12:00", "10-05 02:30 +11, 10-06 02:15 +11"},
		{"Asia/Tokyo", "0 9 * * MON", "2025-11-01 12:00", "11-03 09:00 JST, 11-10 09:00 JST"},
		// An interval ignores the wall clock.
		{"America/New_York", "@every 45m", "2025-11-02 00:30", "11-02 01:15 EDT, 11-02 01:00 EST, 11-02 01:45 EST"},
	} {
		t.Run(tc.zone+" "+tc.spec, func(t *testing.T) {
			loc := mustLoad(t, tc.zone)
			sc, err := parseSchedule(tc.spec, loc)
			if err != nil {
				t.Fatal(err)
			}
			at, err := time.ParseInLocation("2006-01-02 15:04", tc.after, loc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for range strings.Count(tc.want, ",") + 1 {
				at = sc.next(at)
				got = append(got, at.In(loc).Format("01-02 15:04 MST"))
			}
			if g := strings.Join(got, ", "); g != tc.want {
				t.Errorf("slots after %s:\n got %s\nwant %s", tc.after, g, tc.want)
			}
		})
	}
}

// robfig/cron's Next, used in the zone directly, fires a daily 01:30 job twice on the
// fall-back day and skips a daily 02:30 job on the spring-forward day: the reasons slots
// are computed on wall-clock time. Should a new robfig/cron stop doing either, this test
// fails, and the wall-clock walk in schedule.next may no longer be needed.
func TestSchedule_RobfigNextAcrossDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	daily, err := specParser.Parse("30 1 * * *")
	if err != nil {
		t.Fatal(err)
	}
	first := daily.Next(time.Date(2025, 11, 1, 12, 0, 0, 0, ny))
	second := daily.Next(first)
	if got := first.Format("01-02 15:04 MST") + ", " + second.Format("01-02 15:04 MST"); got != "11-02 01:30 EDT, 11-02 01:30 EST" {
		t.Errorf("robfig/cron's slots for 01:30 on the fall-back day: %s; want it twice, an hour apart", got)
	}
	gap, err := specParser.Parse("30 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	if next := gap.Next(time.Date(2025, 3, 8, 12, 0, 0, 0, ny)); next.Format("01-02 15:04 MST") != "03-10 02:30 EDT" {
		t.Errorf("robfig/cron's next 02:30 after the eve of spring-forward: %s; want 03-10 02:30 EDT (03-09 skipped)",
			next.Format("01-02 15:04 MST"))
	}
}

func TestInstantOf_ZonesWithoutDST(t *testing.T) {
	w := time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC)
	for _, zone := range []string{"UTC", "Asia/Tokyo", "Asia/Kolkata"} {
		loc := mustLoad(t, zone)
		if got := instantOf(w, loc); !wallClock(got.In(loc)).Equal(w) {
			t.Errorf("%s: %v reads %v", zone, got, got.In(loc))
		}
	}
}
