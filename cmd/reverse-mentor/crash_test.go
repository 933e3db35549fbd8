package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// TestRun_KilledDuringFanOutDeliversEveryMessageOnce approves a round of 100 pairs, then
// runs the built binary against the fake Slack while it sends the intros and
// orientations (300 messages), kills it with SIGKILL at random moments 20 times,
// restarting it each time, and then counts at the fake: every message arrives exactly
// once.
func TestRun_KilledDuringFanOutDeliversEveryMessageOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts the binary 21 times")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	// A real approval of 100 pairs queues 100 intros (one per pair's group DM) and 200
	// orientations (one per person's DM): every conversation is owed one message.
	const pairs = 100
	user := func(i int) string { return fmt.Sprintf("UCRASH%03d", i) }
	var mentors, mentees []string
	for i := range 2 * pairs {
		fake.AddUser(slackfake.User{ID: user(i), Name: user(i), Locale: "ja-JP", TZ: "Asia/Tokyo", TZOffset: 32400})
		if i < pairs {
			mentors = append(mentors, user(i))
		} else {
			mentees = append(mentees, user(i))
		}
	}
	dbPath := filepath.Join(dir, "rm.db")
	round := approveRound(t, dbPath, "UADMIN001", mentors, mentees)
	if len(round.Proposal.Pairs) != pairs {
		t.Fatalf("the round paired %d, want %d", len(round.Proposal.Pairs), pairs)
	}
	var convs []string
	for _, p := range round.Proposal.Pairs {
		convs = append(convs, fake.DMChannel(p.MentorID, p.MenteeID))
	}
	for _, u := range append(mentors, mentees...) {
		convs = append(convs, fake.DMChannel(u))
	}
	want := len(convs)

	// delivered counts, by the outbox key each message carries in its metadata, what
	// reached the conversations, and how many conversations got no message at all.
	delivered := func() (map[string]int, int) {
		counts, empty := map[string]int{}, 0
		for _, ch := range convs {
			got := 0
			for _, m := range fake.Messages(ch) {
				var md struct {
					Payload struct {
						Key string `json:"key"`
					} `json:"event_payload"`
				}
				if json.Unmarshal(m.Metadata, &md) == nil && md.Payload.Key != "" {
					counts[md.Payload.Key]++
					got++
				}
			}
			if got == 0 {
				empty++
			}
		}
		return counts, empty
	}
	env := append(os.Environ(),
		"SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"REVERSE_MENTOR_SLACK_API_URL="+fake.APIURL(), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
		"REVERSE_MENTOR_DATABASE_PATH="+dbPath, "REVERSE_MENTOR_LOG_LEVEL=error",
		"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=25", "REVERSE_MENTOR_OUTBOX_BURST=5",
		"REVERSE_MENTOR_OUTBOX_LEASE=2s", "REVERSE_MENTOR_OUTBOX_REQUEST_TIMEOUT=500ms",
		"REVERSE_MENTOR_OUTBOX_METHOD_RATE_PER_MINUTE=60000")
	rng := rand.New(rand.NewPCG(20261126, 1))
	midway, unfinished := 0, 0
	for kill := range 20 {
		cmd := exec.Command(bin, "run")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rng.IntN(450)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		counts, _ := delivered()
		n := len(counts)
		if n < want {
			unfinished++
			if n > 0 {
				midway++
			}
		}
		t.Logf("kill %2d: %d of %d delivered so far", kill+1, n, want)
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if counts, _ := delivered(); len(counts) >= want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything sent twice would show by now
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("final run: %v", err)
	}
	counts, lost := delivered()
	dup := 0
	for _, c := range counts {
		if c > 1 {
			dup++
		}
	}
	if len(counts) != want {
		t.Errorf("%d distinct messages for %d conversations", len(counts), want)
	}
	t.Logf("%d messages, 20 kills (%d during the fan-out): %d delivered, %d lost, %d sent twice", want, midway, len(counts), lost, dup)
	if lost > 0 || dup > 0 {
		t.Fatalf("%d lost, %d duplicated", lost, dup)
	}
	// Every kill came before the fan-out was over, nearly all after it had begun (the
	// first may land while the binary is still connecting).
	if unfinished < 20 || midway < 15 {
		t.Fatalf("%d kills before the end, %d of them after the first delivery", unfinished, midway)
	}
}
