package slackfake_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// newFake starts a fake workspace closed at the end of the test.
func newFake(t testing.TB, opts slackfake.Options) *slackfake.Server {
	t.Helper()
	s, err := slackfake.New(opts)
	if err != nil {
		t.Fatalf("start fake: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// ctxFor returns a context for one step of a test.
func ctxFor(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// apiFor returns the real slack-go Web API client pointed at the fake.
func apiFor(s *slackfake.Server) *slack.Client {
	return slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(s.AppToken()))
}

// testApp is an app under test: the real socketmode client in a goroutine,
// handing every event to a handler.
type testApp struct {
	API *slack.Client
	SM  *socketmode.Client

	mu      sync.Mutex
	events  []socketmode.Event
	changed chan struct{} // closed and replaced on every event

	cancel context.CancelFunc
	done   sync.WaitGroup
}

// handler handles one socketmode event; it runs on the app's event loop.
type handler func(a *testApp, evt socketmode.Event)

// ackAll acks every request with an empty payload.
func ackAll(a *testApp, evt socketmode.Event) {
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		_ = a.SM.Ack(*evt.Request)
	}
}

// startApp connects an app to the fake and waits for its socket.
func startApp(t testing.TB, s *slackfake.Server, h handler, opts ...socketmode.Option) *testApp {
	t.Helper()
	api := apiFor(s)
	a := &testApp{API: api, SM: socketmode.New(api, opts...), changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.done.Go(func() { _ = a.SM.RunContext(ctx) })
	a.done.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-a.SM.Events:
				a.mu.Lock()
				a.events = append(a.events, evt)
				close(a.changed)
				a.changed = make(chan struct{})
				a.mu.Unlock()
				if h != nil {
					h(a, evt)
				}
			}
		}
	})
	t.Cleanup(a.stop)
	if err := s.WaitConnected(ctxFor(t, 5*time.Second), 1); err != nil {
		t.Fatalf("app did not connect: %v", err)
	}
	return a
}

func (a *testApp) stop() {
	a.cancel()
	a.done.Wait()
}

// Events returns the events of the given type received so far.
func (a *testApp) Events(typ socketmode.EventType) []socketmode.Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []socketmode.Event
	for _, e := range a.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// waitEvents waits until the app has received n events of a type.
func (a *testApp) waitEvents(t testing.TB, typ socketmode.EventType, n int) []socketmode.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		a.mu.Lock()
		changed := a.changed
		a.mu.Unlock()
		if evs := a.Events(typ); len(evs) >= n {
			return evs
		}
		select {
		case <-changed:
		case <-timeout:
			t.Fatalf("app got %d %s events, want %d", len(a.Events(typ)), typ, n)
			return nil
		}
	}
}

// rawPayload decodes the payload of an event's envelope.
func rawPayload(t testing.TB, evt socketmode.Event) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(evt.Request.Payload, &m); err != nil {
		t.Fatalf("payload: %v", err)
	}
	return m
}

func plain(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, text, false, false)
}

func mrkdwn(text string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, text, false, false)
}

// testClock is a simulated clock that moves only when told, like the demo's.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
