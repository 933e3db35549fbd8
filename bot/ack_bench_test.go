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
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		// The bot answers each burst before the next: bursts of 200, not an endless flood.
		lat, err := slackfake.CommandBurstAnswered(ctx, people, "help")
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, lat...)
	}
	b.StopTimer()
	slices.Sort(all)
	b.ReportMetric(slackfake.Percentile(all, 0.50), "p50-ms")
	b.ReportMetric(slackfake.Percentile(all, 0.99), "p99-ms")
	b.ReportMetric(slackfake.Percentile(all, 1.0), "max-ms")
}
