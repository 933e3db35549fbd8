package slackfake_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// BenchmarkCommand_Concurrent200 sends 200 slash commands at once to an app
// that acks at once, and reports the ack latency the fake measures: the
// fake's own share of the bot's ack latency target.
func BenchmarkCommand_Concurrent200(b *testing.B) {
	s := newFake(b, slackfake.Options{})
	startApp(b, s, func(a *testApp, evt socketmode.Event) {
		if evt.Request != nil && evt.Type == socketmode.EventTypeSlashCommand {
			_ = a.SM.Ack(*evt.Request)
		}
	})
	const n = 200
	people := make([]*slackfake.Person, n)
	for i := range people {
		people[i] = s.AddUser(slackfake.User{Name: fmt.Sprintf("user%03d", i)})
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, p := range people {
			wg.Go(func() {
				r, err := p.Command(b.Context(), "status")
				if err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				lat = append(lat, r.AckLatency)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
