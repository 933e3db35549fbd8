package slackfake_test

import (
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// fakeStacks returns the stacks of goroutines running the fake's code.
func fakeStacks() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		if strings.Contains(g, "reverse-mentor/slackfake.") {
			out = append(out, g)
		}
	}
	return out
}

func TestClose_LeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := slackfake.New(slackfake.Options{PingInterval: 50 * time.Millisecond, RedeliverAfter: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = a.SM.Ack(*evt.Request)
			_, _ = a.API.OpenView(evt.Data.(slack.SlashCommand).TriggerID, simpleModal("m", "M"))
		}
	})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	ctx := ctxFor(t, 5*time.Second)
	if _, err := p.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	// Leave work in flight: an unacked event being redelivered, a modal,
	// a disconnect whose close is pending, a second socket.
	if _, _, err := s.SendEvent(ctx, map[string]any{"type": "app_mention", "channel": "C1"}); err != nil {
		t.Fatal(err)
	}
	s.Disconnect("warning")
	if err := s.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	_ = s.Close() // a second Close is harmless
	a.stop()
	http.DefaultClient.CloseIdleConnections()

	// Goroutines end on their own schedule after Close: poll, within a bound.
	deadline := time.Now().Add(5 * time.Second)
	for {
		stacks := fakeStacks()
		after := runtime.NumGoroutine()
		if len(stacks) == 0 && after <= before+2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after Close; the fake's:\n%s", before, after, strings.Join(stacks, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestClose_WakesWaiters(t *testing.T) {
	s, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := s.AddUser(slackfake.User{Name: "aiko"})
	if _, _, err := apiFor(s).PostMessage(p.ID(), slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	// The predicate runs on what the person has seen so far, then the waiter blocks.
	checked := make(chan struct{})
	markChecked := sync.OnceFunc(func() { close(checked) })
	done := make(chan error, 1)
	go func() {
		_, err := p.WaitSeen(ctxFor(t, 10*time.Second), func(slackfake.Seen) bool { markChecked(); return false })
		done <- err
	}()
	<-checked
	_ = s.Close()
	select {
	case err := <-done:
		if err != slackfake.ErrClosed {
			t.Errorf("err = %v, want ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("waiter not woken by Close")
	}
}
