package mentoring_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// programme is a service over a real database with one approved pair.
type programme struct {
	t     *testing.T
	svc   *mentoring.Service
	db    *store.DB
	path  string
	clock *simclock.Clock
	pair  mentoring.Pair
}

// start is Monday 6 April 2026, 09:00 in Tokyo.
var start = time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)

// newProgramme pairs mentor UM with mentee UE at cadence, both in tz.
func newProgramme(t *testing.T, cadence mentoring.Cadence, tzs ...string) *programme {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(start)
	db.Clock = clock
	svc := mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{"UHR"},
		Location: mustZone(t, "Asia/Tokyo")})
	p := &programme{t: t, svc: svc, db: db, path: path, clock: clock}
	tz := []string{"Asia/Tokyo", "Asia/Tokyo"}
	copy(tz, tzs)
	p.join("UM", mentoring.RoleMentor, "Engineering", cadence, tz[0])
	p.join("UE", mentoring.RoleMentee, "Sales", cadence, tz[1])
	ctx := context.Background()
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r.Proposal.Pairs) != 1 {
		t.Fatalf("propose: %+v %v", r.Proposal, err)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	pairs, err := svc.PairsOf(ctx, "UM")
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs %v %v", pairs, err)
	}
	p.pair = pairs[0]
	p.deliver() // intros and orientations
	return p
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func offsetOf(t *testing.T, tz string) int {
	_, off := start.In(mustZone(t, tz)).Zone()
	return off
}

func (p *programme) join(id string, role mentoring.Role, dept string, cadence mentoring.Cadence, tz string) {
	p.t.Helper()
	_, err := p.svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: tz, TZOffset: offsetOf(p.t, tz)},
		mentoring.Profile{Role: role, Department: dept, Topics: []string{"genai", "slack"},
			Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: cadence, Capacity: 1, Consent: true})
	if err != nil {
		p.t.Fatal(err)
	}
}

// at moves the clock to start+d and sweeps.
func (p *programme) at(d time.Duration) mentoring.SweepResult {
	p.t.Helper()
	p.clock.Set(start.Add(d))
	res, err := p.svc.Sweep(context.Background(), p.clock.Now())
	if err != nil {
		p.t.Fatalf("sweep at %s: %v", d, err)
	}
	return res
}

// deliver takes every notice due now out of the outbox, as a sender that posts them all
// would, and returns their keys sorted.
func (p *programme) deliver() []string {
	p.t.Helper()
	ctx := context.Background()
	items, err := p.db.ClaimOutbox(ctx, p.clock.Now(), 10000, time.Minute)
	if err != nil {
		p.t.Fatal(err)
	}
	var keys []string
	for _, it := range items {
		if err := p.db.MarkSent(ctx, it.ID, it.Attempt, "D1", "1.0"); err != nil {
			p.t.Fatal(err)
		}
		keys = append(keys, it.Notice.Key)
	}
	slices.Sort(keys)
	return keys
}

const day = 24 * time.Hour

func (p *programme) checkIn(user string, window int, c mentoring.CheckIn) mentoring.CheckInResult {
	p.t.Helper()
	c.PairID, c.Window = p.pair.ID, window
	res, err := p.svc.RecordCheckIn(context.Background(), user, c)
	if err != nil {
		p.t.Fatalf("check-in of %s: %v", user, err)
	}
	return res
}

func openFlags(t *testing.T, svc *mentoring.Service) []string {
	t.Helper()
	fs, err := svc.Flags(context.Background(), "UHR", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Cause)+":"+f.UserID)
	}
	slices.Sort(out)
	return out
}

func TestSweep_PromptsBothAfterEachWindowOnce(t *testing.T) {
	for _, tt := range []struct {
		cadence mentoring.Cadence
		every   time.Duration
	}{
		{mentoring.CadenceWeekly, 7 * day},
		{mentoring.CadenceBiweekly, 14 * day},
		{mentoring.CadenceMonthly, 28 * day},
	} {
		t.Run(string(tt.cadence), func(t *testing.T) {
			p := newProgramme(t, tt.cadence)
			if res := p.at(tt.every - time.Minute); res.Prompted != 0 {
				t.Fatalf("prompted before the window ended: %+v", res)
			}
			if res := p.at(tt.every); res.Prompted != 2 {
				t.Fatalf("window 1 ended: %+v", res)
			}
			if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:1:UE", "checkin:1:1:UM"}) {
				t.Fatalf("delivered %v", got)
			}
			// A second sweep at the same time, or a little later, sends nothing again.
			if res := p.at(tt.every + time.Hour); res.Prompted != 0 {
				t.Fatalf("prompted twice: %+v", res)
			}
			if got := p.deliver(); len(got) != 0 {
				t.Fatalf("sent again: %v", got)
			}
			p.checkIn("UM", 1, mentoring.CheckIn{Met: mentoring.MetYes, Rating: 4, Burden: 2})
			p.checkIn("UE", 1, mentoring.CheckIn{Met: mentoring.MetYes, Rating: 5})
			p.deliver()
			if res := p.at(2 * tt.every); res.Prompted != 2 {
				t.Fatalf("window 2 ended: %+v", res)
			}
			if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:2:UE", "checkin:1:2:UM"}) {
				t.Fatalf("window 2 delivered %v", got)
			}
		})
	}
}

func TestSweep_NudgesOnceAfterNudgeAfterDays(t *testing.T) {
	p := newProgramme(t, mentoring.CadenceBiweekly)
	p.at(14 * day)
	p.deliver()
	p.checkIn("UM", 1, mentoring.CheckIn{Met: mentoring.MetYes, Rating: 4, Burden: 2})
	p.deliver()
	if res := p.at(14*day + 3*day - time.Minute); res.Nudged != 0 {
		t.Fatalf("nudged early: %+v", res)
	}
	if res := p.at(14*day + 3*day); res.Nudged != 1 {
		t.Fatalf("nudge: %+v", res)
	}
	if got := p.deliver(); !slices.Equal(got, []string{"nudge:1:1:UE"}) {
		t.Fatalf("nudged %v", got)
	}
	if res := p.at(14*day + 4*day); res.Nudged != 0 {
		t.Fatalf("nudged twice: %+v", res)
	}
}

func TestSweep_StalledAfterTwoWindowsAndQuietAfterThreePrompts(t *testing.T) {
	p := newProgramme(t, mentoring.CadenceWeekly)
	for w := 1; w <= 3; w++ {
		p.at(time.Duration(w) * 7 * day)
		p.deliver()
		if w == 1 {
			// The mentor answers the first window only: they met.
			p.checkIn("UM", 1, mentoring.CheckIn{Met: mentoring.MetYes, Rating: 3, Burden: 2})
		}
		p.at(time.Duration(w)*7*day + 6*day) // deadlines pass
		p.deliver()
		switch w {
		case 1, 2:
			if f := openFlags(t, p.svc); len(f) != 0 {
				t.Fatalf("after window %d: flags %v", w, f)
			}
		case 3:
			want := []string{"quiet:UE", "stalled:UM"}
			if f := openFlags(t, p.svc); !slices.Equal(f, want) {
				t.Fatalf("after window 3: flags %v, want %v", f, want)
			}
		}
	}
	// Window 4: the quiet mentee is not prompted; the mentor is.
	if res := p.at(28 * day); res.Prompted != 1 || res.Skipped != 1 {
		t.Fatalf("window 4: %+v", res)
	}
	if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:4:UM"}) {
		t.Fatalf("window 4 delivered %v", got)
	}
	// The mentor answers (they could not meet); no flag is raised twice.
	p.checkIn("UM", 4, mentoring.CheckIn{Met: mentoring.MetNotYet})
	p.at(28*day + 6*day)
	if f := openFlags(t, p.svc); len(f) != 2 {
		t.Fatalf("flags raised again: %v", f)
	}
	// The mentee answers late: they met in window 4. Prompts resume, the stall ends.
	p.checkIn("UE", 0, mentoring.CheckIn{Met: mentoring.MetYes, MetOn: start.Add(22 * day), Rating: 4})
	pr, err := p.db.Participant(context.Background(), "UE")
	if err != nil || !pr.QuietSince.IsZero() {
		t.Fatalf("still quiet: %+v %v", pr, err)
	}
	if res := p.at(35 * day); res.Prompted != 2 {
		t.Fatalf("window 5: %+v", res)
	}
}

func TestSweep_HoldsPromptsUntilWorkingHoursInEachZone(t *testing.T) {
	// The window ends at 09:00 in Tokyo: midnight in London, the mentee's zone.
	p := newProgramme(t, mentoring.CadenceWeekly, "Asia/Tokyo", "Europe/London")
	p.at(7 * day)
	if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:1:UM"}) {
		t.Fatalf("at 09:00 Tokyo delivered %v", got)
	}
	london := mustZone(t, "Europe/London")
	// 08:59 in London: still held.
	p.clock.Set(time.Date(2026, 4, 13, 8, 59, 0, 0, london))
	if got := p.deliver(); len(got) != 0 {
		t.Fatalf("before 09:00 London delivered %v", got)
	}
	p.clock.Set(time.Date(2026, 4, 13, 9, 0, 0, 0, london))
	if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:1:UE"}) {
		t.Fatalf("at 09:00 London delivered %v", got)
	}
}

func TestWorkingHours_Next(t *testing.T) {
	wh := mentoring.DefaultWorkingHours()
	tokyo, ny := mustZone(t, "Asia/Tokyo"), mustZone(t, "America/New_York")
	for _, tt := range []struct {
		name string
		at   time.Time
		tz   string
		want time.Time
	}{
		{"inside", time.Date(2026, 4, 8, 10, 0, 0, 0, tokyo), "Asia/Tokyo", time.Date(2026, 4, 8, 10, 0, 0, 0, tokyo)},
		{"before opening", time.Date(2026, 4, 8, 7, 0, 0, 0, tokyo), "Asia/Tokyo", time.Date(2026, 4, 8, 9, 0, 0, 0, tokyo)},
		{"after closing", time.Date(2026, 4, 8, 18, 0, 0, 0, tokyo), "Asia/Tokyo", time.Date(2026, 4, 9, 9, 0, 0, 0, tokyo)},
		{"friday evening", time.Date(2026, 4, 10, 19, 0, 0, 0, tokyo), "Asia/Tokyo", time.Date(2026, 4, 13, 9, 0, 0, 0, tokyo)},
		{"saturday", time.Date(2026, 4, 11, 12, 0, 0, 0, tokyo), "Asia/Tokyo", time.Date(2026, 4, 13, 9, 0, 0, 0, tokyo)},
		// Clocks in New York spring forward on Sunday 8 March 2026.
		{"across DST", time.Date(2026, 3, 7, 12, 0, 0, 0, ny), "America/New_York", time.Date(2026, 3, 9, 9, 0, 0, 0, ny)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := wh.Next(tt.at, tt.tz, 0); !got.Equal(tt.want) {
				t.Errorf("Next(%s) = %s, want %s", tt.at, got.In(tt.want.Location()), tt.want)
			}
		})
	}
	// An unknown zone falls back to the offset Slack reported, each time it is asked
	// (zones are cached, unknown ones too), whatever the offset.
	at := time.Date(2026, 4, 8, 0, 0, 0, 0, time.UTC) // 09:00 at +9, 08:00 at +8
	if got := wh.Next(at, "Nowhere/Else", 9*3600); !got.Equal(at) {
		t.Errorf("offset fallback: %s", got)
	}
	if got := wh.Next(at, "Nowhere/Else", 8*3600); !got.Equal(at.Add(time.Hour)) {
		t.Errorf("offset fallback, asked again with +8: %s", got)
	}
}

func TestPause_NoPromptsThenResumesWithADM(t *testing.T) {
	p := newProgramme(t, mentoring.CadenceWeekly)
	ctx := context.Background()
	p.at(7 * day) // window 1 prompts queued
	if _, err := p.svc.Pause(ctx, "UE", 2); err != nil {
		t.Fatal(err)
	}
	// The mentee's queued prompt is withdrawn; the mentor's still goes out.
	if got := p.deliver(); !slices.Equal(got, []string{"checkin:1:1:UM"}) {
		t.Fatalf("delivered %v", got)
	}
	// Window 2 ends during the pause: the pair is on a break, nobody is asked, nothing
	// counts as missed.
	if res := p.at(14 * day); res.Prompted != 0 || res.Skipped != 2 {
		t.Fatalf("during the pause: %+v", res)
	}
	p.at(20 * day)
	if f := openFlags(t, p.svc); len(f) != 0 {
		t.Fatalf("flags during a pause: %v", f)
	}
	// The pause ends by itself after two weeks, with a DM.
	res := p.at(21 * day)
	if res.Resumed != 1 || res.Prompted != 2 {
		t.Fatalf("after the pause: %+v", res)
	}
	got := p.deliver()
	if !slices.Contains(got, "checkin:1:3:UE") || !slices.ContainsFunc(got, func(k string) bool { return strings.HasPrefix(k, "resumed:UE:") }) {
		t.Fatalf("after the pause delivered %v", got)
	}
	if _, err := p.svc.Pause(ctx, "UE", 99); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("a 99-week pause: %v", err)
	}
}

func TestLeave_WithErasureLeavesNoRowNamingThePerson(t *testing.T) {
	p := newProgramme(t, mentoring.CadenceWeekly)
	ctx := context.Background()
	p.at(7 * day)
	p.deliver()
	p.checkIn("UE", 1, mentoring.CheckIn{Met: mentoring.MetYes, Rating: 1, PrivateNote: "つらい 😣", ContactHR: true})
	if err := p.svc.RecordStartRatings(ctx, "UE", map[string]int{"genai": 2, "slack": 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.svc.RecordPulse(ctx, "UE", "2026-04-13", mentoring.PulseMood, 1); mentoring.ErrorCode(err) != mentoring.ENOTFOUND {
		t.Fatalf("a tap on a survey never sent: %v", err)
	}
	if _, err := p.svc.SendPulses(ctx, p.clock.Now()); err != nil {
		t.Fatal(err)
	}
	date := p.clock.Now().In(mustZone(t, "Asia/Tokyo")).Format(time.DateOnly)
	if _, err := p.svc.RecordPulse(ctx, "UE", date, mentoring.PulseMood, 1); err != nil {
		t.Fatal(err)
	}
	p.deliver()
	res, err := p.svc.Leave(ctx, "UE", true)
	if err != nil || res.PairsEnded != 1 {
		t.Fatalf("leave: %+v %v", res, err)
	}
	// The partner is told, without a name.
	if got := p.deliver(); !slices.Equal(got, []string{"pair_ended:1"}) {
		t.Fatalf("delivered %v", got)
	}
	if tables := tablesNaming(t, p.path, "UE"); len(tables) > 0 {
		t.Fatalf("rows still name the person in: %v", tables)
	}
	// The mentor's pair has ended and they are asked nothing more about it.
	if res := p.at(14 * day); res.Prompted != 0 {
		t.Fatalf("prompted after the pair ended: %+v", res)
	}
}

func TestDeactivated_EndsPairsWithoutErasure(t *testing.T) {
	p := newProgramme(t, mentoring.CadenceWeekly)
	ctx := context.Background()
	ok, err := p.svc.Deactivated(ctx, "UM")
	if err != nil || !ok {
		t.Fatalf("deactivated: %v %v", ok, err)
	}
	if got := p.deliver(); !slices.Equal(got, []string{"pair_ended:1"}) {
		t.Fatalf("delivered %v", got)
	}
	// Told once: a second report changes nothing.
	if ok, err := p.svc.Deactivated(ctx, "UM"); err != nil || ok {
		t.Fatalf("second report: %v %v", ok, err)
	}
	if got := p.deliver(); len(got) != 0 {
		t.Fatalf("told twice: %v", got)
	}
	if pr, err := p.db.Participant(ctx, "UM"); err != nil || pr.Status != mentoring.StatusLeft {
		t.Fatalf("participant %+v %v", pr, err)
	}
}

// tablesNaming lists every table with a row whose text mentions s (case-sensitive):
// every column of every table is searched, so a table added later is covered too.
func tablesNaming(t *testing.T, path, s string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var out []string
	for _, table := range tables {
		cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var conds []string
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			conds = append(conds, `instr(CAST("`+c+`" AS TEXT), '`+s+`')`)
		}
		cols.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "` + table + `" WHERE ` + strings.Join(conds, " OR ")).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out = append(out, table)
		}
	}
	return out
}
