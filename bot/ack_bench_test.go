package bot_test

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
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
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		lat, err := slackfake.CommandBurst(ctx, people, "help")
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, lat...)
		// Let the bot answer the whole burst before the next one: the benchmark measures
		// bursts of 200, not an unending flood.
		b.StopTimer()
		for i, p := range people {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if _, err := p.WaitNew(ctx, seenBefore[i]); err != nil {
				b.Fatalf("no answer for %s: %v", p.ID(), err)
			}
			cancel()
		}
		b.StartTimer()
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
