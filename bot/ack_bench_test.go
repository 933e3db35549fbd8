package bot_test

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// BenchmarkSlashCommandAck_200Concurrent sends bursts of 200 slash commands at once
// through the fake's socket and measures how long each waits for its acknowledgement,
// while the bot also answers every one of them. DESIGN.md's target: p99 ≤ 20 ms.
func BenchmarkSlashCommandAck_200Concurrent(b *testing.B) {
	// The production binary collects garbage at GOGC=400 (see cmd/reverse-mentor);
	// do the same here, where the fake Slack shares the process.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	h := newHarness(b)
	const n = 200
	people := make([]*slackfake.Person, n)
	for i := range people {
		people[i] = h.user(fmt.Sprintf("UBENCH%04d", i), "Bench", "ja-JP")
	}
	var all []time.Duration
	b.ResetTimer()
	for range b.N {
		seenBefore := make([]int, n)
		for i, p := range people {
			seenBefore[i] = len(p.Seen())
		}
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
		// Let the bot answer the whole burst before the next one: the benchmark measures
		// bursts of 200, not an unending flood.
		b.StopTimer()
		for i, p := range people {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			k := 0
			if _, err := p.WaitSeen(ctx, func(slackfake.Seen) bool { k++; return k > seenBefore[i] }); err != nil {
				b.Fatalf("no answer for %s: %v", p.ID(), err)
			}
			cancel()
		}
		b.StartTimer()
		all = append(all, lat...)
		if testing.Verbose() {
			b.Logf("iteration max %v", slices.Max(lat))
		}
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
