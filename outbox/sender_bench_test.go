package outbox

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// BenchmarkOutbox1000DMs sends 1000 DMs to 1000 people through the fake Slack with a
// workspace rate limit on chat.postMessage (and Slack's 1/s per channel), while three
// 429s with Retry-After 1 s and six 5xx answers are injected along the way. It reports
// lost and duplicated messages (counted per key at the fake), the total time, and its
// ratio to the bound the rate limit implies: 1000/rate seconds, and the tighter bound
// of the fake's token bucket, (1000 − its burst)/rate.
//
// The sender's own bucket has the fake's rate and a burst of one second's worth (what
// lets it make up a Retry-After pause); the fake's burst is a little larger, which
// leaves room for network jitter. rate=50 is the Slack-like case (about 20 s an
// iteration); rate=200 the same in 5 s.
//
//	go test ./outbox -run '^$' -bench Outbox1000DMs -benchtime 1x
func BenchmarkOutbox1000DMs(b *testing.B) {
	for _, rate := range []int{50, 200} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) {
			for b.Loop() {
				r := runOutbox1000(b, rate)
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.dups), "duplicates")
				b.ReportMetric(r.seconds, "seconds")
				b.ReportMetric(r.seconds/r.rateBound, "ratio_to_rate_bound")
				b.ReportMetric(r.seconds/r.bucketBound, "ratio_to_bucket_bound")
				b.ReportMetric(float64(r.real429), "fake_429s")
				b.Logf("rate %d/s: %d delivered, %d lost, %d duplicates in %.2fs; bound %.1fs (rate) / %.1fs (bucket): "+
					"ratio %.3f / %.3f; 429s %d injected + %d from the fake's bucket, 5xx %d; sender: %+v",
					rate, r.delivered, r.lost, r.dups, r.seconds, r.rateBound, r.bucketBound,
					r.seconds/r.rateBound, r.seconds/r.bucketBound, r.injected429, r.real429, r.injected5xx, r.stats)
				if r.lost != 0 || r.dups != 0 {
					b.Errorf("%d lost, %d duplicates", r.lost, r.dups)
				}
			}
		})
	}
}

// benchFaults are the faults a run injects, each when that fraction of the posts is
// done: three 429s with Retry-After 1 s and six 5xx answers.
var benchFaults = []struct {
	at    float64
	fault slackfake.Fault
}{
	{0.25, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}},
	{0.30, slackfake.Fault{Status: http.StatusInternalServerError}},
	{0.35, slackfake.Fault{Status: http.StatusBadGateway}},
	{0.45, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}},
	{0.50, slackfake.Fault{Status: http.StatusServiceUnavailable}},
	{0.55, slackfake.Fault{Status: http.StatusInternalServerError}},
	{0.65, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}},
	{0.70, slackfake.Fault{Status: http.StatusBadGateway}},
	{0.75, slackfake.Fault{Status: http.StatusServiceUnavailable}},
}

type outboxRun struct {
	delivered, lost, dups             int
	seconds, rateBound, bucketBound   float64
	injected429, injected5xx, real429 int
	stats                             SenderStats
}

func runOutbox1000(b *testing.B, rate int) outboxRun {
	const n = 1000
	e := newSenderEnv(b, n)
	fakeBurst := rate + rate/5
	e.fake.SetRateLimit("chat.postMessage", float64(rate), fakeBurst, false)
	e.fake.SetRateLimit("chat.postMessage", 1, 1, true)
	var ns []mentoring.Notice
	for i, u := range e.users {
		ns = append(ns, dmNotice(fmt.Sprintf("pulse:%04d", i), u))
	}
	e.enqueue(b, ns...)
	s := e.sender(b, func(o *Options) {
		o.Clock = mentoring.WallClock{}
		o.RatePerSecond, o.Burst = float64(rate), rate
		o.ChannelRatePerSecond, o.ChannelBurst = 1, 1
		o.Workers = 8
		o.Lease = time.Minute
		o.PollInterval = 50 * time.Millisecond
		o.BackoffBase = 500 * time.Millisecond
		o.Logger = nil
	})
	e.db.Clock = mentoring.WallClock{}

	r := outboxRun{rateBound: float64(n) / float64(rate), bucketBound: float64(n-fakeBurst) / float64(rate)}
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
			e.fake.FailNext("chat.postMessage", 1, f.fault)
			if f.fault.Status == http.StatusTooManyRequests {
				r.injected429++
			} else {
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
		if time.Since(start) > time.Duration(10*(r.rateBound+1)*float64(time.Second)) {
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
	for _, c := range e.fake.Calls("chat.postMessage") {
		if c.Status == http.StatusTooManyRequests {
			r.real429++
		}
	}
	r.real429 -= r.injected429
	r.stats, _ = s.Stats(context.Background())
	return r
}
