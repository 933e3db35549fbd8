package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// TestRun_KilledDuringFanOutDeliversEveryMessageOnce runs the built binary against the
// fake Slack while it sends the intros and orientations of an approved round (300
// messages), kills it with SIGKILL at random moments 20 times, restarting it each time,
// and then counts at the fake: every message arrives exactly once.
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
	const pairs = 100
	var notices []mentoring.Notice
	expect := map[string]string{} // key → channel it must land in
	user := func(i int) string { return fmt.Sprintf("UCRASH%03d", i) }
	for i := range 2 * pairs {
		fake.AddUser(slackfake.User{ID: user(i), Name: user(i), Locale: "ja-JP", TZ: "Asia/Tokyo", TZOffset: 32400})
	}
	for i := range pairs {
		mentor, mentee := user(i), user(i+pairs)
		data, _ := json.Marshal(mentoring.IntroData{RoundID: 1, MentorID: mentor, MenteeID: mentee,
			SharedTopics: []string{"genai"}, Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly})
		key := fmt.Sprintf("round:1:intro:%s:%s", mentor, mentee)
		notices = append(notices, mentoring.Notice{Key: key, Kind: mentoring.NoticeIntro, UserIDs: []string{mentor, mentee}, Data: data})
		expect[key] = fake.DMChannel(mentor, mentee)
		for _, u := range []struct {
			id, partner string
			role        mentoring.Role
		}{{mentor, mentee, mentoring.RoleMentor}, {mentee, mentor, mentoring.RoleMentee}} {
			data, _ := json.Marshal(mentoring.OrientationData{RoundID: 1, UserID: u.id, Role: u.role, Partners: []string{u.partner}})
			key := "round:1:orientation:" + u.id
			notices = append(notices, mentoring.Notice{Key: key, Kind: mentoring.NoticeOrientation, UserIDs: []string{u.id}, Data: data})
			expect[key] = fake.DMChannel(u.id)
		}
	}
	dbPath := filepath.Join(dir, "rm.db")
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.EnqueueNotices(context.Background(), notices...); err != nil || n != len(notices) {
		t.Fatalf("enqueue: %d %v", n, err)
	}
	db.Close()

	delivered := func() map[string]int {
		counts := map[string]int{}
		for key, ch := range expect {
			for _, m := range fake.Messages(ch) {
				var md struct {
					Payload struct {
						Key string `json:"key"`
					} `json:"event_payload"`
				}
				if json.Unmarshal(m.Metadata, &md) == nil && md.Payload.Key == key {
					counts[key]++
				}
			}
		}
		return counts
	}
	env := append(os.Environ(),
		"SLACK_APP_TOKEN="+fake.AppToken(), "SLACK_BOT_TOKEN="+fake.BotToken(),
		"REVERSE_MENTOR_SLACK_API_URL="+fake.APIURL(), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
		"REVERSE_MENTOR_DATABASE_PATH="+dbPath, "REVERSE_MENTOR_LOG_LEVEL=error",
		"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=25", "REVERSE_MENTOR_OUTBOX_BURST=5",
		"REVERSE_MENTOR_OUTBOX_LEASE=2s", "REVERSE_MENTOR_OUTBOX_REQUEST_TIMEOUT=500ms")
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
		n := len(delivered())
		if n < len(notices) {
			unfinished++
			if n > 0 {
				midway++
			}
		}
		t.Logf("kill %2d: %d of %d delivered so far", kill+1, n, len(notices))
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && len(delivered()) < len(notices) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // anything sent twice would show by now
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("final run: %v", err)
	}
	counts := delivered()
	lost, dup := 0, 0
	for key := range expect {
		switch c := counts[key]; {
		case c == 0:
			lost++
		case c > 1:
			dup++
		}
	}
	t.Logf("%d messages, 20 kills (%d during the fan-out): %d delivered, %d lost, %d sent twice", len(notices), midway, len(counts), lost, dup)
	if lost > 0 || dup > 0 {
		t.Fatalf("%d lost, %d duplicated", lost, dup)
	}
	// Every kill came before the fan-out was over, nearly all after it had begun (the
	// first may land while the binary is still connecting).
	if unfinished < 20 || midway < 15 {
		t.Fatalf("%d kills before the end, %d of them after the first delivery", unfinished, midway)
	}
}
