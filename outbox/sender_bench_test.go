package outbox

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// Slack's Tier 3 as the fake enforces it on conversations.open and
// conversations.history: about 50 calls a minute, with bursts.
const (
	tier3PerMinute = 50
	tier3Burst     = 10
)

// BenchmarkOutbox1000DMs sends 1000 DMs to 1000 people through the fake Slack, which
// enforces every limit the send path meets: a workspace limit on chat.postMessage, one
// message a second per channel, and Slack's Tier 3 on conversations.open and
// conversations.history (50 a minute, bursts of 10). Along the way three 429s with
// Retry-After 1 s, three 5xx answers before a post lands and three after it lands (the
// message exists, the answer is lost: the row must be reconciled from the channel's
// history, not posted again) are injected.
//
// It reports the time, lost and duplicated messages (counted per key at the fake),
// the rows reconciled, and the ratio of the time to the bound computed from every limit
// the run met: for each method, the calls the fake accepted beyond its burst, divided by
// its rate; the largest of them. A DM to one person needs no conversations.open (it is
// posted to the user ID); with one open per DM the bound would be (1000-10)/(50/60) s,
// some 20 minutes, which is why the sender avoids them. The sender is configured with
// the limits it meets (its own buckets have the fake's rates and bursts), as an operator
// configures it with Slack's. rate=50 is the Slack-like case (about 19 s an iteration);
// rate=200 the same in 5 s, where the backoff (0.5 s) of the last injected 5xx is a
// visible part of the run.
//
//	go test ./outbox -run '^$' -bench Outbox1000DMs -benchtime 1x
func BenchmarkOutbox1000DMs(b *testing.B) {
	for _, rate := range []int{50, 200} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			for b.Loop() {
				r := runOutbox1000(b, rate)
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.dups), "duplicates")
				b.ReportMetric(float64(r.stats.Reconciled), "reconciled")
				b.ReportMetric(r.seconds, "seconds")
				b.ReportMetric(r.bound, "bound_seconds")
				b.ReportMetric(r.seconds/r.bound, "ratio_to_bound")
				b.Logf("rate %d/s: %d delivered, %d lost, %d duplicates, %d reconciled in %.2fs; bound %.2fs (%s): ratio %.3f; "+
					"calls %v; 429s %d injected + %d from the fake's limits; 5xx %d before and %d after the post landed",
					rate, r.delivered, r.lost, r.dups, r.stats.Reconciled, r.seconds, r.bound, r.boundBy, r.seconds/r.bound,
					r.calls, r.injected429, r.real429, r.injected5xx, r.lostAnswers)
				if r.lost != 0 || r.dups != 0 {
					b.Errorf("%d lost, %d duplicates", r.lost, r.dups)
				}
				if r.lostAnswers > 0 && r.stats.Reconciled == 0 {
					b.Errorf("answers were lost after posts landed, yet nothing was reconciled")
				}
			}
		})
	}
}

// benchFaults are the faults a run injects, each when that fraction of the posts is
// done: three 429s with Retry-After 1 s, three 5xx answers instead of a post, and three
// 5xx answers after the post landed.
var benchFaults = []struct {
	at        float64
	fault     slackfake.Fault
	afterLand bool
}{
	{0.25, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, false},
	{0.30, slackfake.Fault{Status: http.StatusInternalServerError}, false},
	{0.35, slackfake.Fault{}, true},
	{0.45, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, false},
	{0.50, slackfake.Fault{Status: http.StatusServiceUnavailable}, false},
	{0.55, slackfake.Fault{}, true},
	{0.65, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, false},
	{0.70, slackfake.Fault{Status: http.StatusBadGateway}, false},
	{0.75, slackfake.Fault{}, true},
}

// loseAnswers is a transport that lets a post through to Slack and then, when armed,
// throws the answer away and reports a 502, as a proxy failing after the request went
// through would.
type loseAnswers struct {
	armed atomic.Int64
	lost  atomic.Int64
	next  http.RoundTripper
}

func (l *loseAnswers) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/chat.postMessage") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	for {
		n := l.armed.Load()
		if n == 0 {
			return resp, nil
		}
		if l.armed.CompareAndSwap(n, n-1) {
			break
		}
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"ok":true`) {
		l.armed.Add(1) // the post did not land (a 429 in a 200): try the next one
		return &http.Response{StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header,
			Body: io.NopCloser(strings.NewReader(string(body))), Request: r}, nil
	}
	l.lost.Add(1)
	return &http.Response{StatusCode: http.StatusBadGateway, Status: "502 Bad Gateway", Header: http.Header{},
		Body: io.NopCloser(strings.NewReader("bad gateway")), Request: r}, nil
}

type outboxRun struct {
	delivered, lost, dups                          int
	seconds, bound                                 float64
	boundBy                                        string
	calls                                          map[string]int
	injected429, injected5xx, lostAnswers, real429 int
	stats                                          SenderStats
}

func runOutbox1000(b *testing.B, rate int) outboxRun {
	const n = 1000
	e := newSenderEnv(b, n)
	fakeBurst := rate + rate/5
	e.fake.SetRateLimit("chat.postMessage", float64(rate), fakeBurst, false)
	e.fake.SetRateLimit("chat.postMessage", 1, 1, true)
	for _, m := range []string{"conversations.open", "conversations.history"} {
		e.fake.SetRateLimit(m, tier3PerMinute/60.0, tier3Burst, false)
	}
	lose := &loseAnswers{next: &http.Transport{MaxIdleConnsPerHost: 32}}
	api := slack.New(e.fake.BotToken(), slack.OptionAPIURL(e.fake.APIURL()), slack.OptionHTTPClient(&http.Client{Transport: lose}))
	e.db.Clock = mentoring.WallClock{}
	var ns []mentoring.Notice
	for i, u := range e.users {
		ns = append(ns, dmNotice(fmt.Sprintf("pulse:%04d", i), u))
	}
	enqueue(b, e.db, time.Now(), ns...)
	s := e.sender(b, func(o *Options) {
		o.Slack = api
		o.Clock = mentoring.WallClock{}
		o.RatePerSecond, o.Burst = float64(rate), fakeBurst
		o.ChannelRatePerSecond, o.ChannelBurst = 1, 1
		o.MethodRatePerMinute, o.MethodBurst = tier3PerMinute, tier3Burst
		o.Workers = 8
		o.Lease = time.Minute
		o.PollInterval = 50 * time.Millisecond
		o.BackoffBase = 500 * time.Millisecond
		o.Logger = nil
	})

	var r outboxRun
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Faults by progress: fault f is injected once the fake has answered f.at of the
	// posts. They fall after the opening burst, in the steady part of the fan-out.
	faults := make(chan struct{})
	go func() {
		defer close(faults)
		for _, f := range benchFaults {
			for len(e.fake.Calls("chat.postMessage")) < int(f.at*n) {
				select {
				case <-ctx.Done():
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			switch {
			case f.afterLand:
				lose.armed.Add(1)
			case f.fault.Status == http.StatusTooManyRequests:
				e.fake.FailNext("chat.postMessage", 1, f.fault)
				r.injected429++
			default:
				e.fake.FailNext("chat.postMessage", 1, f.fault)
				r.injected5xx++
			}
		}
	}()

	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for {
		st, err := s.Stats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if st.Outbox.Queued() == 0 {
			break
		}
		if time.Since(start) > time.Duration(10*(float64(n)/float64(rate)+1)*float64(time.Second)) {
			b.Fatalf("not drained: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.seconds = time.Since(start).Seconds()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	<-faults
	r.lostAnswers = int(lose.lost.Load())

	got := e.delivered(e.users...)
	for i := range n {
		switch c := got[fmt.Sprintf("pulse:%04d", i)]; {
		case c == 0:
			r.lost++
		case c > 1:
			r.dups += c - 1
		}
		r.delivered += min(got[fmt.Sprintf("pulse:%04d", i)], 1)
	}
	// The bound from every limit met: the calls each method's bucket accepted beyond
	// its burst, at its rate.
	r.calls = map[string]int{}
	for _, lim := range []struct {
		method string
		rate   float64
		burst  int
	}{
		{"chat.postMessage", float64(rate), fakeBurst},
		{"conversations.open", tier3PerMinute / 60.0, tier3Burst},
		{"conversations.history", tier3PerMinute / 60.0, tier3Burst},
	} {
		accepted := 0
		for _, c := range e.fake.Calls(lim.method) {
			if c.Status == http.StatusTooManyRequests {
				r.real429++
				continue
			}
			if c.Status == http.StatusOK {
				accepted++
			}
		}
		r.calls[lim.method] = accepted
		if t := math.Max(0, float64(accepted-lim.burst)) / lim.rate; t >= r.bound {
			r.bound, r.boundBy = t, lim.method
		}
	}
	r.real429 -= r.injected429
	r.stats, _ = s.Stats(context.Background())
	return r
}
