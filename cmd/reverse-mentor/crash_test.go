package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// slowAnswers puts a proxy in front of the fake Slack that holds each chat.postMessage
// answer back by delay after the fake has taken the post: the window in which a message
// exists in Slack but the bot has not yet recorded it is then wide enough for kills to
// land in. It returns the proxy's Web API URL.
func slowAnswers(t *testing.T, fake *slackfake.Server, delay time.Duration) string {
	t.Helper()
	target, err := url.Parse(strings.TrimSuffix(fake.APIURL(), "/api/"))
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		if strings.HasSuffix(r.Request.URL.Path, "/chat.postMessage") {
			time.Sleep(delay)
		}
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL + "/api/"
}

// addPeople adds 2n people to the fake Slack, prefix and a number each: the first n
// to be mentors, the rest mentees.
func addPeople(fake *slackfake.Server, prefix string, n int) (mentors, mentees []string) {
	for i := range 2 * n {
		id := fmt.Sprintf("%s%03d", prefix, i)
		fake.AddUser(slackfake.User{ID: id, Name: id, Locale: "ja-JP", TZ: "Asia/Tokyo", TZOffset: 32400})
		if i < n {
			mentors = append(mentors, id)
		} else {
			mentees = append(mentees, id)
		}
	}
	return mentors, mentees
}

// outboxKey returns the outbox key a message carries in its metadata, "" if none.
func outboxKey(m slackfake.Message) string {
	var md struct {
		Payload struct {
			Key string `json:"key"`
		} `json:"event_payload"`
	}
	if json.Unmarshal(m.Metadata, &md) != nil {
		return ""
	}
	return md.Payload.Key
}

// readDB opens the database at path beside a running binary, waiting out its writes.
func readDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// sendingRows returns the keys of the outbox rows in the database at path that are
// 'sending', of those given or of all when none is given.
func sendingRows(t *testing.T, path string, among ...string) []string {
	t.Helper()
	db := readDB(t, path)
	defer db.Close()
	q, args := `SELECT key FROM outbox WHERE state = 'sending'`, []any{}
	if len(among) > 0 {
		q += ` AND key IN (?` + strings.Repeat(", ?", len(among)-1) + `)`
		for _, k := range among {
			args = append(args, k)
		}
	}
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	return keys
}

// TestRun_KilledDuringFanOutDeliversEveryMessageOnce approves a round of 100 pairs, then
// runs the built binary against the fake Slack while it sends the intros and
// orientations (300 messages), kills it with SIGKILL at random moments 20 times,
// restarting it each time, and then counts at the fake: every message arrives exactly
// once. The binary runs with the default lease (2 minutes): a restart takes back at once
// what its killed predecessor was sending, so the whole fan-out ends in seconds.
//
// The test counts the kills that landed between a post and its record (a row left
// 'sending' whose message is in Slack already): those are the kills that prove
// reconciliation, and if none did, it says the test proved nothing.
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
	mentors, mentees := addPeople(fake, "UCRASH", pairs)
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
				if key := outboxKey(m); key != "" {
					counts[key]++
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
		"REVERSE_MENTOR_SLACK_API_URL="+slowAnswers(t, fake, 30*time.Millisecond), "REVERSE_MENTOR_PROGRAM_HR_CHANNEL=CHR000001",
		"REVERSE_MENTOR_DATABASE_PATH="+dbPath, "REVERSE_MENTOR_LOG_LEVEL=error",
		"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=25", "REVERSE_MENTOR_OUTBOX_BURST=5",
		"REVERSE_MENTOR_OUTBOX_METHOD_RATE_PER_MINUTE=60000")
	rng := rand.New(rand.NewPCG(20261126, 1))
	const kills = 20
	midway, unfinished, betweenPostAndRecord := 0, 0, 0
	var leftBehind []string
	for kill := range kills {
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
		sending := sendingRows(t, dbPath)
		posted := 0
		for _, k := range sending {
			if counts[k] > 0 {
				posted++
			}
		}
		if posted > 0 {
			betweenPostAndRecord++
		}
		leftBehind = sending
		t.Logf("kill %2d: %3d of %d delivered so far; %d rows left sending, %d of them posted already", kill+1, n, want, len(sending), posted)
	}
	// The last killed process leased rows for two minutes; its successor takes them back
	// at once.
	restarted := time.Now()
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := restarted.Add(60 * time.Second)
	var resumed, finished time.Duration
	for time.Now().Before(deadline) && (resumed == 0 || finished == 0) {
		if resumed == 0 && (len(leftBehind) == 0 || len(sendingRows(t, dbPath, leftBehind...)) == 0) {
			resumed = time.Since(restarted)
		}
		if counts, _ := delivered(); finished == 0 && len(counts) >= want {
			finished = time.Since(restarted)
		}
		time.Sleep(20 * time.Millisecond)
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
	if len(counts) != want || resumed == 0 {
		t.Errorf("%d distinct messages for %d conversations, and the %d rows the killed process held settled: %v, 60 s after the restart (the default lease is 2 minutes)",
			len(counts), want, len(leftBehind), resumed > 0)
	}
	t.Logf("%d messages, %d kills (%d during the fan-out, %d between a post and its record): %d delivered, %d lost, %d sent twice; "+
		"the last restart took back the %d rows its killed predecessor held under a 2-minute lease and had them settled in %v; all delivered %v after the restart",
		want, kills, midway, betweenPostAndRecord, len(counts), lost, dup, len(leftBehind), resumed.Round(time.Millisecond), finished.Round(time.Millisecond))
	if lost > 0 || dup > 0 {
		t.Fatalf("%d lost, %d duplicated", lost, dup)
	}
	// Every kill came before the fan-out was over, nearly all after it had begun (the
	// first may land while the binary is still connecting).
	if unfinished < kills || midway < kills*3/4 {
		t.Fatalf("%d kills before the end, %d of them after the first delivery", unfinished, midway)
	}
	if betweenPostAndRecord == 0 {
		t.Fatal("no kill landed between a post and its record: the test proved nothing about reconciliation")
	}
}
