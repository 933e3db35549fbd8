package bot_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// BenchmarkSlashCommandAck_200Concurrent sends 200 slash commands at once through the
// fake's socket and measures how long each waits for its acknowledgement. DESIGN.md's
// target: p99 ≤ 20 ms.
func BenchmarkSlashCommandAck_200Concurrent(b *testing.B) {
	h := newHarness(b)
	const n = 200
	people := make([]*slackfake.Person, n)
	for i := range people {
		people[i] = h.user(fmt.Sprintf("UBENCH%04d", i), "Bench", "ja-JP")
	}
	var all []time.Duration
	b.ResetTimer()
	for b.Loop() {
		lat := make([]time.Duration, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, p := range people {
			wg.Go(func() {
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				r, err := p.Command(ctx, "help")
				if err != nil {
					b.Error(err)
					return
				}
				lat[i] = r.AckLatency
			})
		}
		close(start)
		wg.Wait()
		all = append(all, lat...)
	}
	b.StopTimer()
	slices.Sort(all)
	pct := func(q float64) float64 {
		return float64(all[int(q*float64(len(all)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1.0), "max-ms")
	// Let the pool finish answering before the harness stops.
	time.Sleep(200 * time.Millisecond)
}
