package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// runApp assembles and runs the app against the fake until the returned stop is called;
// stop reports how long the app took to return.
func runApp(t *testing.T, fake *slackfake.Server) (m *app.Main, stop func() time.Duration) {
	t.Helper()
	conf := app.Defaults()
	conf.Slack = app.SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	conf.Database.Path = filepath.Join(t.TempDir(), "rm.db")
	conf.Program.Admins = []string{adminID}
	conf.Program.Language = string(mentoring.LangJA)
	conf.Outbox.RatePerSecond, conf.Outbox.Burst = 50, 10
	m = &app.Main{Config: conf, Log: testLogger(t)}
	t.Cleanup(func() { m.Close() })
	if err := m.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	select {
	case <-m.Ready():
	case err := <-done:
		t.Fatalf("the app stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the app did not connect")
	}
	var once sync.Once
	var took time.Duration
	stop = func() time.Duration {
		once.Do(func() {
			began := time.Now()
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Error("Run did not return within 30 s")
			}
			took = time.Since(began)
		})
		return took
	}
	t.Cleanup(func() { stop() })
	return m, stop
}

// burst sends n events at once and returns their event IDs; those still unwritten when
// ctx ends stay queued at the fake, and lost reports whether any did.
func burst(ctx context.Context, fake *slackfake.Server, n int, during func(sent int)) (ids []string, lost bool) {
	ids = make([]string, n)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		if during != nil {
			during(i)
		}
		wg.Go(func() {
			_, id, err := fake.SendEvent(ctx, map[string]any{
				"type": "reaction_added", "user": "UBURST001", "reaction": "tada", "event_ts": fmt.Sprintf("%d.000001", 1700000000+i)})
			mu.Lock()
			defer mu.Unlock()
			ids[i], lost = id, lost || err != nil
		})
	}
	wg.Wait()
	return ids, lost
}

// TestSocket_DroppedDuringABurstEveryEnvelopeIsAckedAndStopIsPrompt drops the socket in
// the middle of a burst of events and keeps Slack refusing new connections for a while:
// every event is acknowledged in the end (those the dead socket swallowed are
// redelivered by Slack and acknowledged then). A second burst is cut the same way, and
// the app is stopped while it cannot reconnect: it stops within 5 s.
func TestSocket_DroppedDuringABurstEveryEnvelopeIsAckedAndStopIsPrompt(t *testing.T) {
	fake, err := slackfake.New(slackfake.Options{RedeliverAfter: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser(slackfake.User{ID: "UBURST001", Name: "burst"})
	_, stop := runApp(t, fake)
	ctx := ctxT(t)
	if err := fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	drop := func(at int) func(int) {
		return func(i int) {
			if i == at {
				// Reconnecting fails three times first (about 0.7 s of backoff).
				fake.FailNext("apps.connections.open", 3, slackfake.Fault{Status: http.StatusServiceUnavailable})
				fake.DropConnections()
			}
		}
	}
	ids, lost := burst(ctx, fake, 150, drop(60))
	if lost {
		t.Fatal("events not written after the reconnection")
	}
	for _, id := range ids {
		wctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		acked, err := fake.WaitEventSettled(wctx, id)
		cancel()
		if err != nil || !acked {
			t.Fatalf("event %s: acked %v, %v", id, acked, err)
		}
	}
	redelivered := 0
	for _, id := range ids {
		if n := len(fake.EventEnvelopes(id)); n > 1 {
			redelivered++
		}
	}
	t.Logf("150 events, socket dropped after 60: all acknowledged, %d of them after Slack redelivered them", redelivered)

	// Cut again, and this time Slack refuses to reconnect for long: stop must not wait.
	fake.FailNext("apps.connections.open", 1000, slackfake.Fault{Status: http.StatusServiceUnavailable})
	short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	burst(short, fake, 100, func(i int) {
		if i == 50 {
			fake.DropConnections()
		}
	})
	if took := stop(); took > 5*time.Second {
		t.Fatalf("stop took %v while the socket was down, want under 5 s", took)
	} else {
		t.Logf("stopped in %v while Slack refused to reconnect", took.Round(time.Millisecond))
	}
}
