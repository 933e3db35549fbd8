package outbox

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// calls records what a callback was called with.
type calls struct {
	mu  sync.Mutex
	got []string
}

func (c *calls) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got = append(c.got, s)
}

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}

func TestSender_WorkspaceErrorPausesAllSendingAndResumesAfterAProbe(t *testing.T) {
	for _, code := range []string{"token_revoked", "missing_scope"} {
		t.Run(code, func(t *testing.T) {
			e := newSenderEnv(t, 6)
			var ns []mentoring.Notice
			for i, u := range e.users {
				ns = append(ns, dmNotice(fmt.Sprint("intro:", i), u))
			}
			e.enqueue(t, ns...)
			var paused calls
			s := e.sender(t, func(o *Options) {
				o.Workers = 1
				o.ProbeInterval, o.ProbeMax = time.Minute, 8*time.Minute
				o.OnPause = func(_ context.Context, reason string) { paused.add(reason) }
			})
			// The token is refused from the first post on; the first probe still fails.
			e.fake.FailNext("chat.postMessage", 1, slackfake.Fault{SlackError: code})
			e.fake.FailNext("auth.test", 1, slackfake.Fault{SlackError: code})

			e.drain(t, s)
			if got := len(e.fake.Calls("chat.postMessage")); got != 1 {
				t.Fatalf("%d posts: sending went on after %s", got, code)
			}
			if p := s.Paused(); p.Reason != code || !p.NextProbe.Equal(e.clock.Now().Add(time.Minute)) {
				t.Fatalf("pause = %+v", p)
			}
			st, _ := s.Stats(context.Background())
			if st.Outbox.Failed != 0 || st.Outbox.Pending != len(ns) || st.GaveUp != 0 {
				t.Fatalf("while paused: %+v; no row may fail for a workspace error", st.Outbox)
			}
			if it := e.row("intro:0"); it.Attempt != 0 || !strings.Contains(it.LastError, code) {
				t.Errorf("the refused row = %+v, want waiting uncounted with the reason", it)
			}

			// Not yet time to probe: nothing happens. Then a probe fails: still paused, the
			// next probe later.
			e.drain(t, s)
			e.clock.Advance(time.Minute)
			e.drain(t, s)
			if n := len(e.fake.Calls("auth.test")); n != 1 || !s.Paused().NextProbe.Equal(e.clock.Now().Add(2*time.Minute)) {
				t.Fatalf("%d probes, pause %+v", n, s.Paused())
			}
			// The next probe succeeds: every message goes out, once.
			e.clock.Advance(2 * time.Minute)
			e.drain(t, s)
			if p := s.Paused(); p.Reason != "" {
				t.Fatalf("still paused: %+v", p)
			}
			got := e.delivered(e.users...)
			for _, n := range ns {
				if got[n.Key] != 1 {
					t.Errorf("%s delivered %d times", n.Key, got[n.Key])
				}
			}
			if r := paused.list(); len(r) != 1 || r[0] != code {
				t.Errorf("HR told %v, want once with %s", r, code)
			}

			// A later pause, after messages got through again, is told again.
			e.fake.FailNext("chat.postMessage", 1, slackfake.Fault{SlackError: code})
			e.enqueue(t, dmNotice("later", e.users[0]))
			e.drain(t, s)
			if r := paused.list(); len(r) != 2 {
				t.Errorf("HR told %v after a second outage, want twice", r)
			}
		})
	}
}

func TestSender_PauseThatComesBackBeforeAnyDeliveryIsToldOnce(t *testing.T) {
	e := newSenderEnv(t, 2)
	e.enqueue(t, dmNotice("a", e.users[0]), dmNotice("b", e.users[1]))
	var paused calls
	s := e.sender(t, func(o *Options) {
		o.Workers = 1
		o.ProbeInterval, o.ProbeMax = time.Minute, time.Hour
		o.OnPause = func(_ context.Context, reason string) { paused.add(reason) }
	})
	// A missing scope: auth.test passes, but posts keep failing.
	e.fake.FailNext("chat.postMessage", 3, slackfake.Fault{SlackError: "missing_scope"})
	var waits []time.Duration
	for range 3 {
		e.drain(t, s)
		p := s.Paused()
		if p.Reason != "missing_scope" {
			t.Fatalf("pause = %+v", p)
		}
		waits = append(waits, p.NextProbe.Sub(e.clock.Now()))
		e.clock.Set(p.NextProbe)
	}
	e.drain(t, s)
	if got := e.delivered(e.users...); got["a"] != 1 || got["b"] != 1 {
		t.Errorf("delivered %v", got)
	}
	if r := paused.list(); len(r) != 1 {
		t.Errorf("HR told %d times (%v), want once", len(r), r)
	}
	// Each pause with no delivery in between waits longer before its probe.
	if fmt.Sprint(waits) != "[1m0s 2m0s 4m0s]" {
		t.Errorf("waits before the probes %v", waits)
	}
}

func TestSender_DeactivatedRecipientFailsAloneAndIsReported(t *testing.T) {
	e := newSenderEnv(t, 3)
	gone := e.users[0]
	// They had no DM with the app yet; they are deactivated before the intro goes out.
	if err := e.fake.DeactivateUser(gone); err != nil {
		t.Fatal(err)
	}
	e.enqueue(t,
		dmNotice("orientation:gone", gone),
		mentoring.Notice{Key: "intro:1", Kind: mentoring.NoticeIntro, UserIDs: []string{gone, e.users[1]}},
		dmNotice("orientation:other", e.users[2]),
	)
	var reported calls
	s := e.sender(t, func(o *Options) {
		o.OnRecipientGone = func(_ context.Context, userID string) { reported.add(userID) }
	})
	e.drain(t, s)
	for _, key := range []string{"orientation:gone", "intro:1"} {
		if it := e.row(key); it.State != store.OutboxFailed || !strings.Contains(it.LastError, "user_disabled") || it.Attempt != 1 {
			t.Errorf("%s = %+v, want failed with user_disabled after one attempt", key, it)
		}
	}
	if it := e.row("orientation:other"); it.State != store.OutboxSent {
		t.Errorf("the other person's row = %+v", it)
	}
	if r := reported.list(); len(r) != 1 || r[0] != gone {
		t.Errorf("reported %v, want %s once", r, gone)
	}
	if p := s.Paused(); p.Reason != "" {
		t.Errorf("a recipient's error paused sending: %+v", p)
	}
}
