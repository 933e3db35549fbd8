package bot_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/scheduler"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// harness is a bot connected to a fake Slack, on a real database in a temp dir.
type harness struct {
	t     testing.TB
	fake  *slackfake.Server
	db    *store.DB
	svc   *mentoring.Service
	bot   *bot.Bot
	clock *simclock.Clock
}

type harnessOption func(*harnessConfig)

type harnessConfig struct {
	sender bool
	fake   slackfake.Options
	bot    bot.Options
	wrap   func(bot.Programme) bot.Programme
	depts  []string
}

func withProgramme(wrap func(bot.Programme) bot.Programme) harnessOption {
	return func(c *harnessConfig) { c.wrap = wrap }
}

// withSender runs the outbox sender, so queued notices reach the fake.
func withSender() harnessOption {
	return func(c *harnessConfig) { c.sender = true }
}

func withBot(f func(*bot.Options)) harnessOption {
	return func(c *harnessConfig) { f(&c.bot) }
}

func withFake(f func(*slackfake.Options)) harnessOption {
	return func(c *harnessConfig) { f(&c.fake) }
}

const adminID = "UADMIN001"

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	var cfg harnessConfig
	for _, o := range opts {
		o(&cfg)
	}
	fake, err := slackfake.New(cfg.fake)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC))
	db.Clock = clock
	svc := mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Departments: cfg.depts, Admins: []string{adminID}})
	var prog bot.Programme = svc
	if cfg.wrap != nil {
		prog = cfg.wrap(svc)
	}
	bo := cfg.bot
	bo.AppToken, bo.BotToken, bo.APIURL = fake.AppToken(), fake.BotToken(), fake.APIURL()
	bo.Clock = clock
	if bo.Logger == nil {
		bo.Logger = testLogger(t)
	}
	var sender *scheduler.Sender
	bo.Notify = func() {
		if sender != nil {
			sender.Notify()
		}
	}
	b, err := bot.New(prog, db, bo)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.sender {
		sender, err = scheduler.NewSender(scheduler.SenderOptions{Store: db, Slack: b.API(), Renderer: b, Clock: clock,
			Logger: testLogger(t), RatePerSecond: 50, Burst: 10, ChannelRatePerSecond: 50, ChannelBurst: 10,
			PollInterval: 50 * time.Millisecond, BackoffBase: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		sctx, scancel := context.WithCancel(ctx)
		sdone := make(chan struct{})
		go func() { _ = sender.Run(sctx); close(sdone) }()
		t.Cleanup(func() { scancel(); <-sdone })
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(runCtx, 2*time.Second) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("bot did not stop within 5 s")
		}
	})
	select {
	case <-b.Ready():
	case err := <-done:
		t.Fatalf("bot stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("bot did not connect")
	}
	return &harness{t: t, fake: fake, db: db, svc: svc, bot: b, clock: clock}
}

// testLogger logs to the test output when -v is given with RM_TEST_LOGS=1.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("RM_TEST_LOGS") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// user adds a person to the workspace.
func (h *harness) user(id, name, locale string) *slackfake.Person {
	tz, off := "Asia/Tokyo", 9*3600
	if strings.HasPrefix(locale, "en") {
		tz, off = "Europe/London", 0
	}
	return h.fake.AddUser(slackfake.User{ID: id, Name: strings.ToLower(name), RealName: name, DisplayName: name,
		Email: strings.ToLower(id) + "@example.com", TZ: tz, TZOffset: off, Locale: locale})
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitText waits until the person has seen something containing every one of the parts.
func waitText(t testing.TB, p *slackfake.Person, parts ...string) slackfake.Seen {
	t.Helper()
	return waitTextAfter(t, p, 0, parts...)
}

// waitTextAfter is waitText over what the person saw after the first skip items.
func waitTextAfter(t testing.TB, p *slackfake.Person, skip int, parts ...string) slackfake.Seen {
	t.Helper()
	n := 0
	seen, err := p.WaitSeen(ctxT(t), func(s slackfake.Seen) bool {
		if n++; n <= skip {
			return false
		}
		for _, part := range parts {
			if !strings.Contains(s.Text, part) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("%s never saw %q: %v\nseen:\n%s", p.ID(), parts, err, seenText(p))
	}
	return seen
}

func seenText(p *slackfake.Person) string {
	var b strings.Builder
	for _, s := range p.Seen() {
		b.WriteString("[" + s.Kind + "] " + s.Text + "\n")
	}
	return b.String()
}

// validJoin is a complete opt-in.
func validJoin(role, dept, manager string) slackfake.Values {
	v := slackfake.Values{
		"role": role, "department": dept, "topics": []string{"genai", "slack"},
		"languages": []string{"ja"}, "cadence": "biweekly", "consent": []string{"yes"},
	}
	if manager != "" {
		v["manager"] = manager
	}
	return v
}
