package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// countRows returns the number of rows a query counts in the database at path.
func countRows(t *testing.T, path, query string) int {
	t.Helper()
	db := readDB(t, path)
	defer db.Close()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRun_KilledDuringSweepPromptsEveryoneOnce approves a round of 300 pairs 20 days
// ago (every-2-weeks cadence: each pair's first window ended 6 days ago), then runs the
// built binary with the sweep every second and kills it with SIGKILL at random moments
// while the sweep records the prompts, restarting it each time, until the sweep is
// through; then it counts at the fake Slack: each of the 600 people got exactly one
// check-in prompt for the window, and none a nudge (its 3 days count from the prompt).
func TestRun_KilledDuringSweepPromptsEveryoneOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and restarts the binary up to 21 times")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	const pairs = 300
	mentors, mentees := addPeople(fake, "USWEEP", pairs)
	people := append(append([]string(nil), mentors...), mentees...)
	dbPath := filepath.Join(dir, "rm.db")
	round := approveRoundAt(t, dbPath, "UADMIN001", mentors, mentees, simclock.New(time.Now().Add(-20*24*time.Hour)))
	if len(round.Proposal.Pairs) != pairs {
		t.Fatalf("the round paired %d, want %d", len(round.Proposal.Pairs), pairs)
	}

	// received counts, by person, the prompts and nudges that reached their DM, by the
	// outbox key each message carries in its metadata.
	received := func() (prompts, nudges map[string]int) {
		prompts, nudges = map[string]int{}, map[string]int{}
		for _, id := range people {
			for _, m := range fake.Messages(fake.DMChannel(id)) {
				switch key := outboxKey(m); {
				case strings.HasPrefix(key, "checkin:"):
					prompts[id]++
				case strings.HasPrefix(key, "nudge:"):
					nudges[id]++
				}
			}
		}
		return prompts, nudges
	}
	env := append(os.Environ(),
		"SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"REVERSE_MENTOR_SLACK_API_URL="+fake.APIURL(), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
		"REVERSE_MENTOR_DATABASE_PATH="+dbPath, "REVERSE_MENTOR_LOG_LEVEL=error",
		// Any moment of any day is working time, so the test does not depend on when it runs.
		"REVERSE_MENTOR_PROGRAM_WORKING_HOURS=00:00-24:00",
		"REVERSE_MENTOR_PROGRAM_WORKING_DAYS=mon,tue,wed,thu,fri,sat,sun",
		"REVERSE_MENTOR_SCHEDULE_SWEEP=@every 1s",
		"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=200", "REVERSE_MENTOR_OUTBOX_BURST=20",
		"REVERSE_MENTOR_OUTBOX_METHOD_RATE_PER_MINUTE=60000")
	prompted := func() int {
		return countRows(t, dbPath, `SELECT count(*) FROM checkin_prompts WHERE win = 1`)
	}
	rng := rand.New(rand.NewPCG(20261130, 1))
	const kills = 20
	midSweep := 0
	for kill := range kills {
		cmd := exec.Command(bin, "run")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill once the sweep has recorded more than before, a random moment later.
		before := prompted()
		for start := time.Now(); time.Since(start) < 10*time.Second && prompted() == before; {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		n := prompted()
		if n > 0 && n < 2*pairs {
			midSweep++
		}
		p, _ := received()
		t.Logf("kill %2d: %3d of %d prompts recorded, %3d people prompted in Slack", kill+1, n, 2*pairs, len(p))
		if n == 2*pairs {
			break
		}
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if p, _ := received(); len(p) == 2*pairs {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // two more sweeps: anything sent twice would show
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("final run: %v", err)
	}
	prompts, nudges := received()
	missing, twice := 0, 0
	for _, id := range people {
		switch prompts[id] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	t.Logf("%d people, %d kills during the sweep: %d prompted once, %d never, %d more than once; %d nudged",
		2*pairs, midSweep, 2*pairs-missing-twice, missing, twice, len(nudges))
	if missing > 0 || twice > 0 || len(nudges) > 0 {
		t.Fatalf("prompts: %d missing, %d sent twice; %d people nudged", missing, twice, len(nudges))
	}
	if midSweep == 0 {
		t.Fatal("no kill landed during the sweep: the test proved nothing about an interrupted sweep")
	}
}
