package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

const adminID = "UADMIN001"

// newFake starts a fake Slack with a mentor and a mentee.
func newFake(t *testing.T, clock *simclock.Clock) *slackfake.Server {
	t.Helper()
	opts := slackfake.Options{}
	if clock != nil {
		opts.Clock = clock
	}
	fake, err := slackfake.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	for _, id := range []string{"UMENTOR01", "UMENTEE01"} {
		fake.AddUser(slackfake.User{ID: id, Name: strings.ToLower(id), Locale: "ja-JP", TZ: "Asia/Tokyo", TZOffset: 32400})
	}
	return fake
}

// testConfig configures the app for the fake, with its database in dir.
func testConfig(fake *slackfake.Server, dir string) Config {
	c := Defaults()
	c.Slack = SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	c.Database.Path = filepath.Join(dir, "rm.db")
	c.Program.Admins = []string{adminID}
	c.Outbox.RatePerSecond, c.Outbox.Burst = 50, 10
	return c
}

// serve opens m and runs it until the test ends; it returns once m is connected.
func serve(t *testing.T, m *Main) (stop func() time.Duration) {
	t.Helper()
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	stopped := false
	stop = func() time.Duration {
		if stopped {
			return 0
		}
		stopped = true
		began := time.Now()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return")
		}
		return time.Since(began)
	}
	t.Cleanup(func() { stop() })
	select {
	case <-m.Ready():
	case err := <-done:
		t.Fatalf("Run stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not connect")
	}
	return stop
}

// approvePair opts the fake's mentor and mentee in and has HR pair them, which queues
// an intro and two orientations.
func approvePair(t *testing.T, svc *mentoring.Service) {
	t.Helper()
	ctx := context.Background()
	for _, p := range []struct {
		id   string
		role mentoring.Role
	}{{"UMENTOR01", mentoring.RoleMentor}, {"UMENTEE01", mentoring.RoleMentee}} {
		if _, err := svc.Join(ctx, mentoring.Person{UserID: p.id, DisplayName: p.id},
			mentoring.Profile{Role: p.role, Department: "Dept " + p.id, Topics: []string{"genai"},
				Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := svc.ProposeRound(ctx, adminID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRound(ctx, adminID, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
}

// posted counts the messages the outbox posted (they carry its metadata) in the pair's
// group DM and in each one's DM.
func posted(fake *slackfake.Server) int {
	n := 0
	for _, c := range []string{fake.DMChannel("UMENTOR01", "UMENTEE01"), fake.DMChannel("UMENTOR01"), fake.DMChannel("UMENTEE01")} {
		for _, m := range fake.Messages(c) {
			if len(m.Metadata) > 0 {
				n++
			}
		}
	}
	return n
}

func TestOpen_BadTokenLeavesNoDatabase(t *testing.T) {
	fake := newFake(t, nil)
	dir := t.TempDir()
	cfg := testConfig(fake, dir)
	cfg.Slack.BotToken = "xoxb-not-the-right-one"
	m := &Main{Config: cfg}
	err := m.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Fatalf("Open = %v, want invalid_auth", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused token left %d files behind, e.g. %s", len(entries), entries[0].Name())
	}
}

func TestMain_SimulatedClockDeliversOnlyWhenTheDriverSettles(t *testing.T) {
	clock := simclock.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC))
	fake := newFake(t, clock)
	m := &Main{Config: testConfig(fake, t.TempDir()), Clock: clock}
	serve(t, m)
	ctx := context.Background()

	approvePair(t, m.Service())
	// Nothing moves by itself on a simulated clock: the sender's loop does not run.
	if n := posted(fake); n != 0 {
		t.Fatalf("%d messages posted before the driver settled the outbox", n)
	}
	if err := m.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if n := posted(fake); n != 3 {
		t.Fatalf("%d messages posted after Settle, want an intro and two orientations", n)
	}

	// RunDue runs the job slots due at the clock's time: the first sight of a job only
	// marks where counting starts; a day later its daily slot, midnight in the
	// programme's zone, runs.
	if err := m.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	if err := m.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, m.Config.Database.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, job := range []string{"prune-events", "prune-outbox"} {
		last, err := db.LastSlot(ctx, job)
		if want := time.Date(2026, 4, 7, 0, 0, 0, 0, tokyo); err != nil || !last.Equal(want) {
			t.Errorf("%s: last slot %v, %v; want %v", job, last, err, want)
		}
	}
	if n := posted(fake); n != 3 {
		t.Errorf("%d messages posted after RunDue, want still 3", n)
	}
}

func TestMain_WallClockSendsByItselfAndStopsInTime(t *testing.T) {
	fake := newFake(t, nil)
	m := &Main{Config: testConfig(fake, t.TempDir())}
	stop := serve(t, m)
	for _, call := range []func(context.Context) error{m.RunDue, m.Settle} {
		if err := call(context.Background()); err == nil || !strings.Contains(err.Error(), "simulated Clock") {
			t.Errorf("on the wall clock: %v, want a refusal", err)
		}
	}
	approvePair(t, m.Service())
	deadline := time.Now().Add(10 * time.Second)
	for posted(fake) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := posted(fake); n != 3 {
		t.Fatalf("%d messages posted, want 3", n)
	}
	if took := stop(); took > shutdownGrace {
		t.Errorf("Run took %v to stop, more than %v", took, shutdownGrace)
	}
}

func TestMain_RefusesUseBeforeOpen(t *testing.T) {
	var m Main
	for name, err := range map[string]error{
		"Run": m.Run(context.Background()), "RunDue": m.RunDue(context.Background()), "Settle": m.Settle(context.Background()),
	} {
		if err == nil || !strings.Contains(err.Error(), "before a successful Open") {
			t.Errorf("%s before Open: %v", name, err)
		}
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close before Open: %v", err)
	}
}

func TestConfigLocation(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		program ProgramConfig
		want    string
	}{
		{ProgramConfig{}, "UTC"},
		{ProgramConfig{Timezone: "Europe/Berlin"}, "Europe/Berlin"},
		{ProgramConfig{Timezone: "Europe/Berlin", Location: tokyo}, "Asia/Tokyo"},
		{ProgramConfig{Timezone: "Mars/Olympus"}, "error"},
	} {
		loc, err := Config{Program: tc.program}.location()
		got := "error"
		if err == nil {
			got = loc.String()
		}
		if got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.program, got, tc.want)
		}
	}
}

func TestConfigServiceOptions(t *testing.T) {
	c := Config{Program: ProgramConfig{
		Language: "en", Admins: []string{adminID}, Departments: []string{"Sales"}, DefaultCadence: "weekly",
		Topics:              []Topic{{ID: "genai", EN: "Generative AI", JA: "生成AI"}},
		AllowSameDepartment: true, RepeatWindowRounds: 4,
		NudgeAfterDays: 2, WorkingHours: "08:30-17:00", WorkingDays: []string{"mon", "tue"},
	}}
	o := c.serviceOptions(time.UTC)
	if o.NudgeAfter != 48*time.Hour || o.WorkingHours.Start != 8*time.Hour+30*time.Minute || len(o.WorkingHours.Days) != 2 {
		t.Errorf("session options = %+v", o)
	}
	if o.Language != mentoring.LangEN || len(o.Admins) != 1 || o.Admins[0] != adminID ||
		len(o.Departments) != 1 || o.Cadence != mentoring.CadenceWeekly || !o.AllowSameDepartment ||
		o.RepeatWindowRounds != 4 || len(o.Catalogue) != 1 || o.Catalogue[0] != (mentoring.Topic{ID: "genai", EN: "Generative AI", JA: "生成AI"}) {
		t.Errorf("options = %+v", o)
	}
}

func TestOpen_OneRunningInstancePerDatabase(t *testing.T) {
	fake := newFake(t, nil)
	cfg := testConfig(fake, t.TempDir())
	first := &Main{Config: cfg}
	defer first.Close()
	if err := first.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := &Main{Config: cfg}
	defer second.Close()
	err := second.Open(context.Background())
	if !errors.Is(err, store.ErrHeld) {
		t.Fatalf("a second instance on the same database: %v, want store.ErrHeld", err)
	}
	// Once the first is gone, another may start.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	third := &Main{Config: cfg}
	defer third.Close()
	if err := third.Open(context.Background()); err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
}
