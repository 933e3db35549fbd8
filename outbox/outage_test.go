package outbox

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// outage is a transport that refuses every connection while down, as when the network
// or Slack is unreachable.
type outage struct {
	down  atomic.Bool
	tries atomic.Int64
	next  http.RoundTripper
}

func (o *outage) RoundTrip(r *http.Request) (*http.Response, error) {
	if o.down.Load() {
		o.tries.Add(1)
		return nil, errors.New("dial tcp: connect: connection refused")
	}
	return o.next.RoundTrip(r)
}

// TestSender_FiveMinuteOutageAfterAnApprovalLosesNothing: Slack is unreachable for five
// minutes right after a round is approved. Every intro is retried, with the default
// backoff, until Slack is back, and then delivered once: none is failed.
func TestSender_FiveMinuteOutageAfterAnApprovalLosesNothing(t *testing.T) {
	e := newSenderEnv(t, 20)
	var ns []mentoring.Notice
	for i := 0; i+1 < len(e.users); i += 2 {
		ns = append(ns, mentoring.Notice{Key: fmt.Sprint("intro:", i/2), Kind: mentoring.NoticeIntro,
			UserIDs: []string{e.users[i], e.users[i+1]}})
	}
	e.enqueue(t, ns...)
	net := &outage{next: http.DefaultTransport}
	net.down.Store(true)
	s := e.sender(t, func(o *Options) {
		o.Slack = slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: net}))
		o.BackoffBase, o.BackoffMax, o.MaxAge = 0, 0, 0 // the defaults: 2 s doubling to 10 min, 24 h
		o.MethodRatePerMinute = -1
	})
	start := e.clock.Now()
	for range 200 {
		if e.clock.Now().Sub(start) >= 5*time.Minute {
			net.down.Store(false)
		}
		e.drain(t, s)
		st, err := s.Stats(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if st.Outbox.Failed > 0 {
			t.Fatalf("after %v of outage a message failed: %+v", e.clock.Now().Sub(start), st.Outbox)
		}
		if st.Outbox.Queued() == 0 {
			break
		}
		e.clock.Advance(5 * time.Second)
	}
	got := e.delivered(func() []string {
		var convs []string
		for _, n := range ns {
			convs = append(convs, e.fake.DMChannel(n.UserIDs...))
		}
		return convs
	}()...)
	for _, n := range ns {
		if got[n.Key] != 1 {
			t.Errorf("%s delivered %d times", n.Key, got[n.Key])
		}
		if it := e.row(n.Key); it.State != store.OutboxSent {
			t.Errorf("%s = %+v", n.Key, it)
		}
	}
	t.Logf("%d intros, %d refused connections in 5 minutes, all delivered once after %v",
		len(ns), net.tries.Load(), e.clock.Now().Sub(start))
}
