package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// clearEnv unsets every variable the configuration reads, so the host's environment
// cannot leak into a test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix) || name == "SLACK_APP_TOKEN" || name == "SLACK_BOT_TOKEN" {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// setFakeEnv configures run, through the environment, to serve the fake Slack with a
// database at dbPath.
func setFakeEnv(t *testing.T, fake *slackfake.Server, dbPath string) {
	t.Helper()
	t.Setenv("SLACK_APP_TOKEN", fake.AppToken())
	t.Setenv("SLACK_BOT_TOKEN", fake.BotToken())
	t.Setenv("REVERSE_MENTOR_SLACK_API_URL", fake.APIURL())
	t.Setenv("REVERSE_MENTOR_PROGRAM_HR_CHANNEL", "CHR000001")
	t.Setenv("REVERSE_MENTOR_DATABASE_PATH", dbPath)
}

// approveRound opts in mentors and mentees (every mentor in a department of their own)
// through the domain, on the database at dbPath, and has admin propose and approve a
// pairing round, which queues an intro per pair and an orientation per person. It
// returns the approved round.
func approveRound(t testing.TB, dbPath, admin string, mentors, mentees []string) mentoring.Round {
	return approveRoundAt(t, dbPath, admin, mentors, mentees, mentoring.WallClock{})
}

// approveRoundAt is approveRound with the programme's clock: a round approved in the
// past has its check-ins due now.
func approveRoundAt(t testing.TB, dbPath, admin string, mentors, mentees []string, clock mentoring.Clock) mentoring.Round {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{admin}})
	for _, g := range []struct {
		ids  []string
		role mentoring.Role
	}{{mentors, mentoring.RoleMentor}, {mentees, mentoring.RoleMentee}} {
		for _, id := range g.ids {
			_, err := svc.Join(ctx, mentoring.Person{UserID: id, DisplayName: id, TZ: "Asia/Tokyo", TZOffset: 32400},
				mentoring.Profile{Role: g.role, Department: "Dept " + id, Topics: []string{"genai"},
					Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := svc.ProposeRound(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = svc.ApproveRound(ctx, admin, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	return r
}

func runCmd(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRun_WithoutTokensExitsNamingTheMissingKeys(t *testing.T) {
	clearEnv(t)
	t.Chdir(t.TempDir())
	code, _, stderr := runCmd(t, context.Background(), "run")
	if code == 0 {
		t.Fatal("run without tokens should fail")
	}
	for _, want := range []string{"slack.app_token", "slack.bot_token", "SLACK_APP_TOKEN", "program.hr_channel"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %s:\n%s", want, stderr)
		}
	}
}

func TestRun_MissingExplicitConfigFileIsAnError(t *testing.T) {
	clearEnv(t)
	code, _, stderr := runCmd(t, context.Background(), "run", "--config", filepath.Join(t.TempDir(), "nope.yaml"))
	if code == 0 || !strings.Contains(stderr, "nope.yaml") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
}

func TestRun_RejectsABadTokenAtStart(t *testing.T) {
	clearEnv(t)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	dir := t.TempDir()
	setFakeEnv(t, fake, filepath.Join(dir, "rm.db"))
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-not-the-right-one")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code, _, stderr := runCmd(t, ctx, "run")
	if code != exitFailed || !strings.Contains(stderr, "invalid_auth") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	if strings.Contains(stderr, "xoxb-not-the-right-one") {
		t.Fatal("the token leaked into the log")
	}
	if _, err := os.Stat(filepath.Join(dir, "rm.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused token left a database behind: %v", err)
	}
}

func TestRun_ServesAndStopsWithinFiveSeconds(t *testing.T) {
	clearEnv(t)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	dir := t.TempDir()
	setFakeEnv(t, fake, filepath.Join(dir, "rm.db"))
	t.Setenv("REVERSE_MENTOR_PROGRAM_ADMINS", "UADMIN001")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(ctx, []string{"run"}, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
	p := fake.AddUser(slackfake.User{ID: "UPERSON01", Name: "p", Locale: "en-US", TZ: "Europe/London"})
	if _, err := p.Command(wctx, "help"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitSeen(wctx, func(s slackfake.Seen) bool { return strings.Contains(s.Text, "/reverse-mentor join") }); err != nil {
		t.Fatal(err)
	}
	stopAt := time.Now()
	cancel()
	select {
	case r := <-done:
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if took := time.Since(stopAt); took > 5*time.Second {
			t.Fatalf("stop took %v", took)
		}
		if strings.Contains(r.stderr, fake.BotToken()) || strings.Contains(r.stderr, fake.AppToken()) {
			t.Fatal("a token was logged")
		}
	case <-time.After(6 * time.Second):
		t.Fatal("run did not stop within 5 s of the signal")
	}
	info, err := os.Stat(filepath.Join(dir, "rm.db"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("database file mode: %v %v", info.Mode(), err)
	}
}

func TestVersionAndUnknownCommand(t *testing.T) {
	code, out, _ := runCmd(t, context.Background(), "version")
	if code != 0 || !strings.HasPrefix(out, "reverse-mentor") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, _, stderr := runCmd(t, context.Background(), "frobnicate")
	if code != exitUsage || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("unknown: %d %q", code, stderr)
	}
}

func TestDemo_PlaysOptInsAndPrintsTheTranscript(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	code, out, stderr := runCmd(t, ctx, "demo", "--people", "30", "--seed", "3", "--out", dir)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	for _, want := range []string{"参加：", "/reverse-mentor", "ようこそ", "Welcome aboard", "ご自身は上司に選べません", "人事担当", "第1週"} {
		if !strings.Contains(out, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	for _, f := range []string{"timeline.txt", "transcript.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(stderr, "demo played in") {
		t.Errorf("the timing should go to stderr: %q", stderr)
	}
	t.Logf("demo of 30 people took %v", time.Since(start))
	_ = fmt.Sprint()
}

func TestRun_DryRunLeavesTheOutboxAlone(t *testing.T) {
	clearEnv(t)
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser(slackfake.User{ID: "UDRY00001", Name: "dry", Locale: "en-US"})
	dir := t.TempDir()
	fake.AddUser(slackfake.User{ID: "UDRY00002", Name: "dry2", Locale: "en-US"})
	dbPath := filepath.Join(dir, "rm.db")
	if r := approveRound(t, dbPath, "UADMIN001", []string{"UDRY00001"}, []string{"UDRY00002"}); len(r.Proposal.Pairs) != 1 {
		t.Fatalf("round %+v", r.Proposal)
	}
	setFakeEnv(t, fake, dbPath)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	logs := &lockedBuffer{}
	go func() {
		var out bytes.Buffer
		done <- run(ctx, []string{"run", "--dry-run"}, &out, logs)
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := fake.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
	// The app says it leaves the round's three messages queued; it has started serving,
	// and would have sent them by now had it started the sender.
	for !strings.Contains(logs.String(), "the outbox is not drained") || !strings.Contains(logs.String(), "queued=3") {
		select {
		case <-wctx.Done():
			t.Fatalf("no dry-run line in the log:\n%s", logs.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := fake.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	if n := len(fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("a dry run posted %d messages", n)
	}
	// The three messages are still waiting, untouched, for a real run.
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, err := db.OutboxStats(context.Background()); err != nil || st.Pending != 3 || st.Sent != 0 {
		t.Fatalf("outbox after a dry run: %+v %v", st, err)
	}
}

// lockedBuffer is a bytes.Buffer that a process under test may write while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
