package bot_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// harness is the app, assembled as in production by app.Main, connected to a fake
// Slack on a real database in a temp dir, on a simulated clock shared with the fake.
type harness struct {
	t     testing.TB
	fake  *slackfake.Server
	app   *app.Main
	db    *store.DB // a second connection to the app's database, for the tests' checks
	svc   *mentoring.Service
	clock *simclock.Clock
}

type harnessOption func(*harnessConfig)

type harnessConfig struct {
	sender bool
	fake   slackfake.Options
	bot    *bot.Options // set by withBot
	wrap   func(bot.Programme) bot.Programme
}

// withProgramme puts wrap between the bot and the domain, for tests that inject faults
// (a slow, failing or panicking use case). See newHarness.
func withProgramme(wrap func(bot.Programme) bot.Programme) harnessOption {
	return func(c *harnessConfig) { c.wrap = wrap }
}

// withSender delivers the outbox while the test runs: the app is on a simulated clock,
// so it sends only when its driver settles it, and the harness does so continuously.
func withSender() harnessOption {
	return func(c *harnessConfig) { c.sender = true }
}

// withBot sets options the assembly does not offer. See newHarness.
func withBot(f func(*bot.Options)) harnessOption {
	return func(c *harnessConfig) {
		if c.bot == nil {
			c.bot = &bot.Options{}
		}
		f(c.bot)
	}
}

func withFake(f func(*slackfake.Options)) harnessOption {
	return func(c *harnessConfig) { f(&c.fake) }
}

const adminID = "UADMIN001"

// newHarness assembles the app with app.Main and serves the fake with it.
//
// Tests that wrap the domain (withProgramme) or set bot options of their own (withBot)
// need a bot that the assembly cannot give them: for those the harness opens the app
// without running it and serves the fake with a bot of its own, built by bot.New over the
// app's service, as the assembly builds its bot.
func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	var cfg harnessConfig
	for _, o := range opts {
		o(&cfg)
	}
	clock := simclock.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC))
	if cfg.fake.Clock == nil {
		cfg.fake.Clock = clock
	}
	fake, err := slackfake.New(cfg.fake)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "test.db")
	conf := app.Defaults()
	conf.Slack = app.SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	conf.Database.Path = path
	conf.Program.Admins = []string{adminID}
	conf.Program.Language = string(mentoring.LangJA)
	conf.Outbox.RatePerSecond, conf.Outbox.Burst = 50, 10
	m := &app.Main{Config: conf, Log: testLogger(t), Clock: clock}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Clock = clock
	t.Cleanup(func() { db.Close() })

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	var ready <-chan struct{}
	if cfg.wrap == nil && cfg.bot == nil {
		go func() { done <- m.Run(runCtx) }()
		ready = m.Ready()
	} else {
		var prog bot.Programme = m.Service()
		if cfg.wrap != nil {
			prog = cfg.wrap(prog)
		}
		var bo bot.Options
		if cfg.bot != nil {
			bo = *cfg.bot
		}
		bo.AppToken, bo.BotToken, bo.APIURL = fake.AppToken(), fake.BotToken(), fake.APIURL()
		bo.Clock = clock
		if bo.Logger == nil {
			bo.Logger = testLogger(t)
		}
		b, err := bot.New(prog, db, bo)
		if err != nil {
			t.Fatal(err)
		}
		go func() { done <- b.Run(runCtx, 2*time.Second) }()
		ready = b.Ready()
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the app did not stop within 5 s")
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("the app stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not connect")
	}
	if cfg.sender {
		sctx, scancel := context.WithCancel(ctx)
		sdone := make(chan struct{})
		go func() {
			defer close(sdone)
			for sctx.Err() == nil {
				if err := m.Settle(sctx); err != nil && sctx.Err() == nil {
					t.Errorf("settle the outbox: %v", err)
					return
				}
				select {
				case <-sctx.Done():
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		t.Cleanup(func() { scancel(); <-sdone })
	}
	return &harness{t: t, fake: fake, app: m, db: db, svc: m.Service(), clock: clock}
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
