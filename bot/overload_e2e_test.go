package bot_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// gated holds Participant lookups of one person until released, so a test can keep the
// bot's workers busy; and delays Join by joinDelay, which widens any race between two
// submissions of one form.
type gated struct {
	botProgramme
	blocker   string
	entered   chan struct{}
	release   chan struct{}
	joinDelay time.Duration
}

func (g *gated) Participant(ctx context.Context, userID string) (mentoring.Participant, error) {
	if userID == g.blocker {
		g.entered <- struct{}{}
		<-g.release
	}
	return g.botProgramme.Participant(ctx, userID)
}

func (g *gated) Join(ctx context.Context, p mentoring.Person, profile mentoring.Profile) (mentoring.JoinResult, error) {
	time.Sleep(g.joinDelay)
	return g.botProgramme.Join(ctx, p, profile)
}

// botRig is a bot of the test's own over the assembled app's domain and database, served
// to a fake Slack, with a stop the test calls.
type botRig struct {
	fake *slackfake.Server
	db   *store.DB
	prog *gated
	stop func() time.Duration
}

func newBotRig(t *testing.T, opts bot.Options, fakeOpts slackfake.Options) *botRig {
	t.Helper()
	fake, err := slackfake.New(fakeOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	path := filepath.Join(t.TempDir(), "rm.db")
	conf := app.Defaults()
	conf.Slack = app.SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	conf.Database.Path = path
	conf.Program.Admins = []string{adminID}
	conf.Program.Language = string(mentoring.LangJA)
	conf.Outbox.RatePerSecond, conf.Outbox.Burst = 50, 10
	m := &app.Main{Config: conf, Log: testLogger(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g := &gated{botProgramme: m.Service(), blocker: "UBLOCK001", entered: make(chan struct{}, 16), release: make(chan struct{})}
	opts.AppToken, opts.BotToken, opts.APIURL = fake.AppToken(), fake.BotToken(), fake.APIURL()
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	b, err := bot.New(g, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, 2*time.Second) }()
	select {
	case <-b.Ready():
	case err := <-done:
		t.Fatalf("the bot stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the bot did not connect")
	}
	if err := fake.WaitConnected(ctxT(t), 1); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var took time.Duration
	stop := func() time.Duration {
		once.Do(func() {
			began := time.Now()
			cancel()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Error("the bot did not stop within 30 s")
			}
			took = time.Since(began)
		})
		return took
	}
	t.Cleanup(func() {
		select {
		case <-g.release:
		default:
			close(g.release)
		}
		stop()
	})
	return &botRig{fake: fake, db: db, prog: g, stop: stop}
}

// occupy keeps the bot's one worker and its one queue slot busy with the blocker's
// status commands.
func (r *botRig) occupy(t *testing.T) {
	t.Helper()
	blocker := r.fake.AddUser(slackfake.User{ID: "UBLOCK001", Name: "blocker", Locale: "en-US"})
	ctx := ctxT(t)
	if _, err := blocker.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	<-r.prog.entered // the worker holds it
	if _, err := blocker.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
}

// openJoin has the person open the opt-in form and fill it in.
func openJoin(t *testing.T, p *slackfake.Person) slack.View {
	t.Helper()
	ctx := ctxT(t)
	if _, err := p.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitModal(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	if err := p.Fill(validJoin("mentor", "開発部", "")); err != nil {
		t.Fatal(err)
	}
	v, _ := p.Modal()
	return v
}

func TestOverload_NothingAPersonSentIsLost(t *testing.T) {
	logs := newLogWatch()
	r := newBotRig(t, bot.Options{Workers: 1, QueueSize: 1, Logger: slog.New(logs)}, slackfake.Options{RedeliverAfter: 500 * time.Millisecond})
	aoi := r.fake.AddUser(slackfake.User{ID: "UAOI00001", Name: "aoi", Locale: "en-US"})
	openJoin(t, aoi)
	r.occupy(t)
	ctx := ctxT(t)

	// A form submitted now stays open with the answers and a note to submit again.
	sub, err := aoi.Submit(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sub.ResponseAction != "errors" || !strings.Contains(strings.Join(mapValues(sub.Errors), " "), "Your answers are kept") {
		t.Fatalf("an overloaded submission was answered %q %v; want the modal kept open with a note", sub.ResponseAction, sub.Errors)
	}
	if v, open := aoi.Modal(); !open || v.State == nil || len(v.State.Values) == 0 {
		t.Fatalf("the modal or its answers are gone: open %v", open)
	}
	// A command is answered in its own acknowledgement.
	reply, err := aoi.Command(ctx, "status")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(reply.AckPayload), "very busy") {
		t.Fatalf("an overloaded command was acked with %s", reply.AckPayload)
	}
	// An event is left for Slack to redeliver, and handled once there is room.
	_, eventID, err := r.fake.SendEvent(ctx, map[string]any{"type": "app_home_opened", "user": "UAOI00001", "tab": "home", "event_ts": "1.2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := logs.wait(ctx, "busy: event left for Slack to redeliver", 1); err != nil {
		t.Fatal(err)
	}
	close(r.prog.release)
	if acked, err := r.fake.WaitEventSettled(ctx, eventID); err != nil || !acked {
		t.Fatalf("event: acked %v, %v", acked, err)
	}
	if _, err := aoi.WaitSeen(ctx, func(s slackfake.Seen) bool { return s.Kind == "home" }); err != nil {
		t.Fatalf("the redelivered event was not handled: %v", err)
	}
	if len(r.fake.EventEnvelopes(eventID)) < 2 {
		t.Errorf("the event was handled without a redelivery: the bot took it while full")
	}
	// The kept answers go through once the bot has room.
	if sub, err := aoi.Submit(ctx, nil); err != nil || sub.ResponseAction == "errors" {
		t.Fatalf("second submission: %+v, %v", sub, err)
	}
	waitText(t, aoi, "Welcome aboard")
}

func TestStop_QueuedJoinIsSavedOrThePersonIsTold(t *testing.T) {
	r := newBotRig(t, bot.Options{Workers: 1, QueueSize: 8}, slackfake.Options{})
	aoi := r.fake.AddUser(slackfake.User{ID: "UAOI00001", Name: "aoi", Locale: "en-US"})
	openJoin(t, aoi)
	blocker := r.fake.AddUser(slackfake.User{ID: "UBLOCK001", Name: "blocker", Locale: "en-US"})
	ctx := ctxT(t)
	if _, err := blocker.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	<-r.prog.entered
	// The form is acknowledged (the modal goes on to the self-rating page) and the
	// opt-in queued behind the busy worker.
	if sub, err := aoi.Submit(ctx, nil); err != nil || sub.ResponseAction != "update" {
		t.Fatalf("submission: %+v, %v", sub, err)
	}
	// SIGTERM: the worker stays busy past the grace.
	took := r.stop()
	if took > 5*time.Second {
		t.Errorf("stop took %v", took)
	}
	saved := true
	if _, err := r.db.Participant(ctx, "UAOI00001"); err != nil {
		saved = false
	}
	told := false
	for _, s := range aoi.Seen() {
		if strings.Contains(s.Text, "I was restarting") && strings.Contains(s.Text, "開発部") {
			told = true
		}
	}
	if !saved && !told {
		t.Fatalf("the acknowledged opt-in was neither saved nor answered by the time the bot stopped (%v)", took)
	}
	t.Logf("stopped in %v: saved %v, told to try again with the answers %v", took.Round(time.Millisecond), saved, told)
}

func TestJoin_TwoSimultaneousSubmissionsMakeOneParticipantAndOneWelcome(t *testing.T) {
	r := newBotRig(t, bot.Options{Workers: 4}, slackfake.Options{})
	r.prog.joinDelay = 100 * time.Millisecond
	aoi := r.fake.AddUser(slackfake.User{ID: "UAOI00001", Name: "aoi", Locale: "en-US"})
	v := openJoin(t, aoi)
	state, err := json.Marshal(v.State)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := aoi.SubmitRaw(ctx, v, state); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// Each submission is confirmed by DM: the first welcomes, the second updates.
	welcomes, updates := 0, 0
	if _, err := aoi.WaitSeen(ctx, func(slackfake.Seen) bool {
		welcomes, updates = 0, 0
		for _, s := range aoi.Seen() {
			switch {
			case s.Kind != "message":
			case strings.Contains(s.Text, "Welcome aboard"):
				welcomes++
			case strings.Contains(s.Text, "Your profile is updated"):
				updates++
			}
		}
		return welcomes+updates == 2
	}); err != nil {
		t.Fatalf("two confirmations never came: %d welcomes, %d updates", welcomes, updates)
	}
	if welcomes != 1 || updates != 1 {
		t.Errorf("%d welcome DMs and %d updates, want one of each", welcomes, updates)
	}
	ps, err := r.db.ListParticipants(ctx)
	if err != nil || len(ps) != 1 {
		t.Errorf("participants %d, %v", len(ps), err)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
