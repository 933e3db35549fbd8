package outbox

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
	"github.com/slack-go/slack"
)

// The helper process's settings, passed in its environment.
const (
	envHelper = "REVERSE_MENTOR_OUTBOX_HELPER"
	envDB     = "REVERSE_MENTOR_OUTBOX_DB"
	envAPI    = "REVERSE_MENTOR_OUTBOX_API"
	envToken  = "REVERSE_MENTOR_OUTBOX_TOKEN"
	envRate   = "REVERSE_MENTOR_OUTBOX_RATE"
)

// TestOutbox_CrashSafety fans out 300 notices (DMs, group DMs and channel posts) through
// a sender in a child process that is killed with SIGKILL at random points, 20 times,
// and restarted each time; a last child runs to the end. Every notice must be delivered
// exactly once, counted at the fake by the key each message carries.
//
// The child's Slack client waits a little after each post's answer before the sender
// sees it, so that many kills land in the window where a message is posted but not yet
// marked sent: the next child must find it in conversations.history rather than post it
// again.
func TestOutbox_CrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a child process 20 times")
	}
	const (
		kills = 20
		seed  = 20251103
		rate  = 25 // posts per second, so the fan-out outlasts the kills
	)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.SetRateLimit("chat.postMessage", rate, 5, false)

	path := t.TempDir() + "/outbox.db"
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	var users, convs []string
	for i := range 250 {
		users = append(users, fake.AddUser(slackfake.User{ID: fmt.Sprintf("U%04d", i), Name: fmt.Sprint("user", i)}).ID())
	}
	var ns []mentoring.Notice
	for i, u := range users {
		ns = append(ns, dmNotice(fmt.Sprintf("pulse:%04d", i), u))
		convs = append(convs, u)
	}
	for i := range 30 {
		pair := []string{users[2*i], users[2*i+1]}
		ns = append(ns, mentoring.Notice{Key: fmt.Sprintf("intro:%02d", i), Kind: mentoring.NoticeIntro, UserIDs: pair})
		convs = append(convs, fake.DMChannel(pair...))
	}
	for i := range 20 {
		ch := fmt.Sprintf("CHAN%02d", i%10)
		fake.AddChannel(ch, strings.ToLower(ch))
		ns = append(ns, mentoring.Notice{Key: fmt.Sprintf("summary:%02d", i), Kind: mentoring.NoticeSummary, Channel: ch})
		if i < 10 {
			convs = append(convs, ch)
		}
	}
	enqueue(t, db, time.Now(), ns...)

	rng := rand.New(rand.NewPCG(seed, seed))
	var logs bytes.Buffer
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOutboxProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), envHelper+"=1", envDB+"="+path, envAPI+"="+fake.APIURL(),
			envToken+"="+fake.BotToken(), envRate+"="+strconv.Itoa(rate))
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	start := time.Now()
	duringFanOut := 0
	for i := range kills {
		cmd := child()
		time.Sleep(time.Duration(50+rng.IntN(650)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		_ = cmd.Wait()
		st, err := db.OutboxStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Queued() > 0 {
			duringFanOut++
		}
		t.Logf("kill %2d: %3d sent, %3d pending, %3d sending", i+1, st.Sent, st.Pending, st.Sending)
	}
	last := child()
	finished := make(chan error, 1)
	go func() { finished <- last.Wait() }()
	select {
	case err := <-finished:
		if err != nil {
			t.Fatalf("last run: %v\n%s", err, logs.String())
		}
	case <-time.After(90 * time.Second):
		_ = last.Process.Kill()
		<-finished
		out := logs.String()
		t.Fatalf("last run did not finish; its log ends:\n%s", out[max(0, len(out)-8000):])
	}
	took := time.Since(start)

	delivered := map[string]int{}
	for _, c := range convs {
		for _, m := range fake.Messages(c) {
			if k := outboxKey(m); k != "" {
				delivered[k]++
			}
		}
	}
	lost, dups := 0, 0
	for _, n := range ns {
		switch c := delivered[n.Key]; {
		case c == 0:
			lost++
			t.Errorf("%s never delivered", n.Key)
		case c > 1:
			dups += c - 1
			t.Errorf("%s delivered %d times", n.Key, c)
		}
	}
	st, _ := db.OutboxStats(context.Background())
	if st.Sent != len(ns) {
		t.Errorf("outbox: %+v", st)
	}
	posts, history := 0, len(fake.Calls("conversations.history"))
	for _, c := range fake.Calls("chat.postMessage") {
		if c.Status == http.StatusOK && c.Error == "" {
			posts++
		}
	}
	reconciled := strings.Count(logs.String(), "outbox message found posted already")
	t.Logf("%d notices, %d kills (%d during the fan-out), %v in all: %d delivered once, %d lost, %d duplicates; "+
		"%d posts accepted, %d found posted already by a restarted sender, %d history searches",
		len(ns), kills, duringFanOut, took.Round(time.Millisecond), len(delivered)-dups, lost, dups, posts, reconciled, history)
	if posts != len(ns) {
		t.Errorf("%d posts accepted for %d notices", posts, len(ns))
	}
	if duringFanOut < kills {
		t.Errorf("only %d of %d kills landed during the fan-out", duringFanOut, kills)
	}
	if reconciled == 0 {
		t.Error("no kill landed between a post and its record: the test did not exercise reconciliation")
	}
	db.Close()
}

// TestHelperOutboxProcess is the child process of TestOutbox_CrashSafety: it drains the
// outbox at the path given until nothing is queued. It does nothing in a normal run.
func TestHelperOutboxProcess(t *testing.T) {
	if os.Getenv(envHelper) != "1" {
		t.Skip("helper process for TestOutbox_CrashSafety")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(envDB))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rate, _ := strconv.Atoi(os.Getenv(envRate))
	api := slack.New(os.Getenv(envToken), slack.OptionAPIURL(os.Getenv(envAPI)),
		slack.OptionHTTPClient(&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}))
	// Widen the window between a post's answer and its record.
	slow := afterPost{SlackAPI: api, hook: func() { time.Sleep(40 * time.Millisecond) }}
	s, err := NewSender(Options{
		Store: newDBStore(db), Slack: slow, Renderer: testRenderer{},
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		RatePerSecond: float64(rate), Burst: 5, MethodRatePerMinute: -1,
		Lease: 3 * time.Second, RequestTimeout: time.Second,
		PollInterval: 50 * time.Millisecond, BackoffBase: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if err := s.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		st, err := db.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Queued() == 0 {
			return
		}
		// Rows still leased by a killed predecessor: wait for their leases to end.
		time.Sleep(100 * time.Millisecond)
	}
}

// afterPost is a SlackAPI that runs hook after each chat.postMessage has been answered,
// before the sender sees the answer.
type afterPost struct {
	SlackAPI
	hook func()
}

func (a afterPost) PostMessageContext(ctx context.Context, channelID string, options ...slack.MsgOption) (string, string, error) {
	ch, ts, err := a.SlackAPI.PostMessageContext(ctx, channelID, options...)
	a.hook()
	return ch, ts, err
}
