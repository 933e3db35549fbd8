package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// BenchmarkIdleRSS builds the binary, seeds a database with 1000 participants, runs the
// bot against the fake Slack until it is connected and idle, and reports its resident
// memory (the target in README.md: ≤ 40 MB) and how long it takes to stop after SIGTERM.
func BenchmarkIdleRSS(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc")
	}
	dir := b.TempDir()
	bin := buildBinary(b, dir)
	dbPath := filepath.Join(dir, "rm.db")
	seedParticipants(b, dbPath, 1000)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	for b.Loop() {
		cmd := exec.Command(bin, "run")
		cmd.Env = append(os.Environ(),
			"SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
			"REVERSE_MENTOR_SLACK_API_URL="+fake.APIURL(), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
			"REVERSE_MENTOR_DATABASE_PATH="+dbPath, "REVERSE_MENTOR_LOG_LEVEL=warn")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		want := fake.Connections() + 1
		if err := fake.WaitConnected(ctx, want); err != nil {
			cancel()
			_ = cmd.Process.Kill()
			b.Fatal(err)
		}
		cancel()
		time.Sleep(3 * time.Second) // idle
		rss, err := vmRSS(cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		stopAt := time.Now()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("exit after SIGTERM: %v", err)
		}
		b.ReportMetric(float64(rss)/1024, "rss-MB")
		b.ReportMetric(time.Since(stopAt).Seconds()*1000, "stop-ms")
	}
}

// buildBinary builds the reverse-mentor binary into dir.
func buildBinary(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "reverse-mentor")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func seedParticipants(b *testing.B, path string, n int) {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)
	for i := range n {
		role := mentoring.RoleMentor
		if i%2 == 1 {
			role = mentoring.RoleMentee
		}
		p := mentoring.Participant{
			UserID: fmt.Sprintf("U%08d", i), DisplayName: fmt.Sprintf("Person %d", i), TZ: "Asia/Tokyo", TZOffset: 32400,
			Profile: mentoring.Profile{Role: role, Department: fmt.Sprintf("Dept %d", i%12), Topics: []string{"genai", "slack"},
				Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true},
			Status: mentoring.StatusActive, JoinedAt: now, UpdatedAt: now,
		}
		if err := db.SaveParticipant(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// vmRSS reads a process's resident set size in KiB.
func vmRSS(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}
