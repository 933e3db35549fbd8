package bot

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// langOnly is a Programme that answers DefaultLanguage and nothing else: enough for a
// bot whose jobs never reach the domain.
type langOnly struct{ Programme }

func (langOnly) DefaultLanguage() mentoring.Lang { return mentoring.LangJA }

// TestLoop_KeepsReadingWhileTheSocketIsDown: slack-go queues acknowledgements on a
// 20-slot channel that drains only while a socket is connected. Here Slack refuses every
// new connection, and envelopes keep arriving on the events channel, far more than 20:
// the loop must go on reading them all, and stop within 5 s.
func TestLoop_KeepsReadingWhileTheSocketIsDown(t *testing.T) {
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.FailNext("apps.connections.open", 1000, slackfake.Fault{Status: http.StatusServiceUnavailable})
	b, err := New(langOnly{}, nil, Options{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL(),
		Workers: 2, QueueSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, 2*time.Second) }()

	const n = 200
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		for i := range n {
			b.sm.Events <- socketmode.Event{
				Type:    socketmode.EventTypeEventsAPI,
				Data:    slackevents.EventsAPIEvent{Type: slackevents.CallbackEvent},
				Request: &socketmode.Request{Type: socketmode.RequestTypeEventsAPI, EnvelopeID: fmt.Sprint("env-", i)},
			}
		}
	}()
	select {
	case <-fed:
	case <-time.After(5 * time.Second):
		t.Fatalf("the loop stopped reading envelopes while the socket was down")
	}
	began := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop within 5 s of its context ending")
	}
	t.Logf("%d envelopes read with the socket down; stopped in %v", n, time.Since(began).Round(time.Millisecond))
}
