package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// BenchmarkAckLatency_Binary200 runs the built binary against the fake Slack, as in
// production (the bot in its own process, Slack outside it), sends bursts of 200 slash
// commands at once and reports how long each envelope waited for its acknowledgement.
// The bot answers every command before the next burst. DESIGN.md's target: p99 ≤ 20 ms.
func BenchmarkAckLatency_Binary200(b *testing.B) {
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	// The fake Slack in this process collects as seldom as the bot does, so its pauses
	// are not counted against the bot's acknowledgements.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	const n = 200
	people := make([]*slackfake.Person, n)
	for i := range people {
		people[i] = fake.AddUser(slackfake.User{ID: fmt.Sprintf("UACK%05d", i), Name: "ack", Locale: "ja-JP", TZ: "Asia/Tokyo"})
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(),
		"SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"REVERSE_MENTOR_SLACK_API_URL="+fake.APIURL(), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
		"REVERSE_MENTOR_DATABASE_PATH="+filepath.Join(dir, "rm.db"), "REVERSE_MENTOR_LOG_LEVEL=error")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	if err := fake.WaitConnected(ctx, 1); err != nil {
		b.Fatal(err)
	}
	cancel()
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
