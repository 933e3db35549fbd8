package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store"
	"github.com/slack-go/slack"
)

// testRenderer renders a notice as "kind key"; a notice of kind "broken" fails, and one
// of kind "huge" has a section over Block Kit's limit.
type testRenderer struct{}

func (testRenderer) Render(_ context.Context, n mentoring.Notice) (string, []slack.Block, error) {
	switch n.Kind {
	case "broken":
		return "", nil, errors.New("no template")
	case "huge":
		long := slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", 3001), false, false)
		return "huge", []slack.Block{slack.NewSectionBlock(long, nil, nil)}, nil
	}
	return n.Kind + " " + n.Key, nil, nil
}

// senderEnv is a fake Slack workspace, a database and the client the sender uses.
type senderEnv struct {
	fake  *slackfake.Server
	db    *store.DB
	st    *dbStore // the sender's view of db
	path  string
	clock *simclock.Clock
	api   *slack.Client
	users []string
}

func newSenderEnv(t testing.TB, users int) *senderEnv {
	t.Helper()
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	clock := simclock.New(time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC))
	db, path := openDB(t, clock)
	e := &senderEnv{
		fake: fake, db: db, st: newDBStore(db), path: path, clock: clock,
		api: slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()),
			// As many idle connections as the sender has workers, so none is redialled.
			slack.OptionHTTPClient(&http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}})),
	}
	for i := range users {
		p := fake.AddUser(slackfake.User{ID: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("user%d", i)})
		e.users = append(e.users, p.ID())
	}
	return e
}

// sender returns a Sender on the environment with fast limits, changed by tweak.
func (e *senderEnv) sender(t testing.TB, tweak func(*Options)) *Sender {
	t.Helper()
	opts := Options{
		Store: e.st, Slack: e.api, Renderer: testRenderer{}, Clock: e.clock,
		RatePerSecond: 500, Burst: 50, ChannelRatePerSecond: 100, ChannelBurst: 10,
		RequestTimeout: 5 * time.Second, PollInterval: 20 * time.Millisecond,
		Rand: rand.New(rand.NewPCG(1, 2)),
	}
	if testing.Verbose() {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if tweak != nil {
		tweak(&opts)
	}
	s, err := NewSender(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testWriter writes log lines to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (e *senderEnv) enqueue(t testing.TB, ns ...mentoring.Notice) {
	t.Helper()
	enqueue(t, e.db, e.clock.Now(), ns...)
}

func (e *senderEnv) drain(t testing.TB, s *Sender) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

// row returns what the environment's senders last reported on the row of key.
func (e *senderEnv) row(key string) report { return e.st.last(key) }

// waitFor polls cond until it holds, for at most ten seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// outboxKey returns the outbox key a message carries in its metadata, or "".
func outboxKey(m slackfake.Message) string {
	var md struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Key string `json:"key"`
		} `json:"event_payload"`
	}
	if len(m.Metadata) == 0 || json.Unmarshal(m.Metadata, &md) != nil || md.EventType != MetadataEventType {
		return ""
	}
	return md.EventPayload.Key
}

// delivered counts the messages in the conversations given (user IDs mean DMs) by key.
func (e *senderEnv) delivered(convs ...string) map[string]int {
	got := map[string]int{}
	for _, c := range convs {
		for _, m := range e.fake.Messages(c) {
			if k := outboxKey(m); k != "" && !m.Deleted {
				got[k]++
			}
		}
	}
	return got
}

func dmNotice(key, user string) mentoring.Notice {
	return mentoring.Notice{Key: key, Kind: mentoring.NoticePulse, UserIDs: []string{user}}
}

func TestSender_DeliversEachNoticeOnceWhereItBelongs(t *testing.T) {
	e := newSenderEnv(t, 3)
	e.fake.AddChannel("CHR", "hr")
	u := e.users
	e.enqueue(t,
		dmNotice("pulse:1", u[0]),
		dmNotice("pulse:2", u[1]),
		mentoring.Notice{Key: "intro:1", Kind: mentoring.NoticeIntro, UserIDs: []string{u[2], u[0]}},
		mentoring.Notice{Key: "summary:1", Kind: mentoring.NoticeSummary, Channel: "CHR"},
	)
	later := dmNotice("later:1", u[2])
	later.NotBefore = e.clock.Now().Add(time.Hour)
	e.enqueue(t, later)
	s := e.sender(t, nil)
	e.drain(t, s)

	group := e.fake.DMChannel(u[0], u[2])
	want := map[string]map[string]int{
		u[0]:  {"pulse:1": 1},
		u[1]:  {"pulse:2": 1},
		u[2]:  {},
		group: {"intro:1": 1},
		"CHR": {"summary:1": 1},
	}
	for conv, w := range want {
		if got := e.delivered(conv); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s got %v, want %v", conv, got, w)
		}
	}
	if it := e.row("intro:1"); it.State != store.OutboxSent || it.SentChannel != group || it.SentTS == "" {
		t.Errorf("intro row = %+v", it)
	}
	if m := e.fake.Messages(u[0]); len(m) != 1 || m[0].Text != "pulse pulse:1" {
		t.Errorf("DM = %+v", m)
	}

	// Nothing is sent twice; the held-back notice goes when it is due.
	e.drain(t, s)
	e.clock.Advance(time.Hour)
	e.drain(t, s)
	if got := e.delivered(u[0], u[1], u[2], group, "CHR"); fmt.Sprint(got) != "map[intro:1:1 later:1:1 pulse:1:1 pulse:2:1 summary:1:1]" {
		t.Errorf("after more drains: %v", got)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Outbox.Sent != 5 || st.Outbox.Queued() != 0 || st.Posted != 5 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSender_DMChannelCacheAvoidsOpen(t *testing.T) {
	e := newSenderEnv(t, 2)
	ctx := context.Background()
	u := e.users
	if err := e.db.SaveDMChannel(ctx, u[0], e.fake.DMChannel(u[0])); err != nil {
		t.Fatal(err)
	}
	s := e.sender(t, nil)
	for i, tc := range []struct {
		notice    mentoring.Notice
		wantOpens int
	}{
		{dmNotice("a", u[0]), 0}, // cached beforehand
		{dmNotice("b", u[1]), 0}, // posted to the user ID; the answer's channel is cached
		{dmNotice("c", u[1]), 0}, // cache hit
		{mentoring.Notice{Key: "d", Kind: mentoring.NoticeIntro, UserIDs: []string{u[1], u[0]}}, 1},
		{mentoring.Notice{Key: "e", Kind: mentoring.NoticeIntro, UserIDs: []string{u[0], u[1]}}, 1}, // same people
	} {
		e.enqueue(t, tc.notice)
		e.drain(t, s)
		if got := len(e.fake.Calls("conversations.open")); got != tc.wantOpens {
			t.Errorf("%d: %d conversations.open calls, want %d", i, got, tc.wantOpens)
		}
	}
	if id, err := e.db.DMChannel(ctx, u[0]+","+u[1]); err != nil || id != e.fake.DMChannel(u[0], u[1]) {
		t.Errorf("group DM cached as %q, %v", id, err)
	}
	if id, err := e.db.DMChannel(ctx, u[1]); err != nil || id != e.fake.DMChannel(u[1]) {
		t.Errorf("DM cached as %q, %v, want the post's channel %s", id, err, e.fake.DMChannel(u[1]))
	}
	if it := e.row("c"); it.SentChannel != e.fake.DMChannel(u[1]) {
		t.Errorf("recorded channel %q, want the DM's ID", it.SentChannel)
	}
}

func TestSender_HonoursRetryAfter(t *testing.T) {
	e := newSenderEnv(t, 1)
	e.fake.FailNext("chat.postMessage", 1, slackfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	e.enqueue(t, dmNotice("k", e.users[0]))
	s := e.sender(t, nil)
	start := time.Now()
	e.drain(t, s)
	took := time.Since(start)

	calls := e.fake.Calls("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != http.StatusTooManyRequests || calls[1].Error != "" {
		t.Fatalf("calls = %+v", calls)
	}
	if wait := calls[1].At.Sub(calls[0].At); wait < time.Second || wait > 1500*time.Millisecond {
		t.Errorf("retried %v after the 429, want Retry-After (1s)", wait)
	}
	if took > 3*time.Second {
		t.Errorf("drain took %v", took)
	}
	t.Logf("429 with Retry-After 1s: retried after %v", calls[1].At.Sub(calls[0].At).Round(time.Millisecond))
	if got := e.delivered(e.users[0]); got["k"] != 1 {
		t.Errorf("delivered %v", got)
	}
	if st, _ := s.Stats(context.Background()); st.RateLimited != 1 || st.Retries != 0 || e.row("k").Attempt != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSender_RetriesServerErrorsWithBackoff(t *testing.T) {
	for _, tc := range []struct {
		name      string
		faults    int
		maxAge    time.Duration
		wantState string
	}{
		{"recovers", 2, 24 * time.Hour, store.OutboxSent},
		{"gives up once too old", 100, 6 * time.Minute, store.OutboxFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSenderEnv(t, 1)
			e.fake.FailNext("chat.postMessage", tc.faults, slackfake.Fault{Status: http.StatusServiceUnavailable})
			e.enqueue(t, dmNotice("k", e.users[0]))
			start := e.clock.Now()
			s := e.sender(t, func(o *Options) {
				o.MaxAge = tc.maxAge
				o.BackoffBase, o.BackoffMax = time.Minute, 3*time.Minute
			})
			var waits []time.Duration
			for range 20 {
				e.drain(t, s)
				it := e.row("k")
				if it.State != store.OutboxPending {
					break
				}
				if !it.Uncertain || !strings.Contains(it.LastError, "503") {
					t.Errorf("after a 503: %+v", it)
				}
				waits = append(waits, it.NextAttemptAt.Sub(e.clock.Now()))
				e.clock.Set(it.NextAttemptAt)
			}
			it := e.row("k")
			if it.State != tc.wantState {
				t.Fatalf("state %s (%s), want %s", it.State, it.LastError, tc.wantState)
			}
			posts := len(e.fake.Calls("chat.postMessage"))
			if tc.wantState == store.OutboxSent && posts != tc.faults+1 {
				t.Errorf("%d posts, want %d", posts, tc.faults+1)
			}
			// Each retry after a 5xx first looks for the message, as Slack may have
			// posted it before failing.
			if got := len(e.fake.Calls("conversations.history")); got != posts-1 {
				t.Errorf("%d history searches for %d posts, want %d", got, posts, posts-1)
			}
			for i, w := range waits {
				lo := time.Minute << i / 2
				if hi := min(time.Minute<<i, 3*time.Minute); w < lo || w > hi {
					t.Errorf("backoff %d = %v, want within [%v, %v]", i, w, lo, hi)
				}
			}
			if tc.wantState == store.OutboxFailed {
				// Retried for as long as MaxAge allows, not a fixed number of times.
				if !strings.HasPrefix(it.LastError, "gave up after") || !strings.Contains(it.LastError, "503") {
					t.Errorf("reason = %q", it.LastError)
				}
				if age := e.clock.Now().Sub(start); age > tc.maxAge || age < tc.maxAge-3*time.Minute || posts < 3 {
					t.Errorf("gave up at %v after %d posts, want close to max age %v", age, posts, tc.maxAge)
				}
			}
			wantDelivered := 0
			if tc.wantState == store.OutboxSent {
				wantDelivered = 1
			}
			if got := e.delivered(e.users[0])["k"]; got != wantDelivered {
				t.Errorf("delivered %d times, want %d", got, wantDelivered)
			}
		})
	}
}

func TestSender_PermanentErrorsFailWithReason(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(e *senderEnv) mentoring.Notice
		reason string
	}{
		{"deactivated user", func(e *senderEnv) mentoring.Notice {
			e.fake.AddUser(slackfake.User{ID: "UGONE", Name: "gone", Deleted: true})
			return dmNotice("k", "UGONE")
		}, "user_disabled"},
		{"unknown user", func(e *senderEnv) mentoring.Notice { return dmNotice("k", "UNOBODY") }, "user_not_found"},
		{"the bot itself", func(e *senderEnv) mentoring.Notice { return dmNotice("k", e.fake.BotUserID()) }, "cannot_dm_bot"},
		{"unknown channel", func(e *senderEnv) mentoring.Notice {
			return mentoring.Notice{Key: "k", Kind: mentoring.NoticeSummary, Channel: "CNOPE"}
		}, "channel_not_found"},
		{"archived channel", func(e *senderEnv) mentoring.Notice {
			e.fake.AddChannel("CHR", "hr")
			e.fake.FailNext("chat.postMessage", 1, slackfake.Fault{SlackError: "is_archived"})
			return mentoring.Notice{Key: "k", Kind: mentoring.NoticeSummary, Channel: "CHR"}
		}, "is_archived"},
		{"invalid blocks", func(e *senderEnv) mentoring.Notice {
			return mentoring.Notice{Key: "k", Kind: "huge", UserIDs: []string{e.users[0]}}
		}, "invalid_blocks"},
		{"render error", func(e *senderEnv) mentoring.Notice {
			return mentoring.Notice{Key: "k", Kind: "broken", UserIDs: []string{e.users[0]}}
		}, "render: no template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSenderEnv(t, 1)
			e.enqueue(t, tc.setup(e))
			s := e.sender(t, nil)
			e.drain(t, s)
			it := e.row("k")
			if it.State != store.OutboxFailed || !strings.Contains(it.LastError, tc.reason) || it.Attempt != 1 {
				t.Errorf("row = %s %q after %d attempts, want failed %q after 1", it.State, it.LastError, it.Attempt, tc.reason)
			}
			if st, _ := s.Stats(context.Background()); st.GaveUp != 1 || st.Outbox.Failed != 1 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

func TestSender_ReconcilesUnknownSends(t *testing.T) {
	for _, tc := range []struct {
		name       string
		postedAt   bool // the crashed sender's post reached Slack
		otherPosts int  // unrelated messages in the DM since, to page through
		wantPosts  int  // chat.postMessage calls by the new sender
	}{
		{"posted before the crash", true, 0, 0},
		{"posted before the crash, long history", true, 450, 0},
		{"crashed before posting", false, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSenderEnv(t, 1)
			ctx := context.Background()
			user := e.users[0]
			e.enqueue(t, dmNotice("pulse:1", user))
			// A sender claims the row and crashes, perhaps after posting.
			claimed, err := e.db.ClaimOutbox(ctx, e.clock.Now(), 10, time.Minute)
			if err != nil || len(claimed) != 1 {
				t.Fatal(claimed, err)
			}
			var postedTS string
			if tc.postedAt {
				_, postedTS, err = e.api.PostMessage(user, slack.MsgOptionText("pulse", false),
					slack.MsgOptionMetadata(slack.SlackMetadata{EventType: MetadataEventType, EventPayload: map[string]any{"key": "pulse:1"}}))
				if err != nil {
					t.Fatal(err)
				}
			}
			for i := range tc.otherPosts {
				if _, _, err := e.api.PostMessage(user, slack.MsgOptionText(fmt.Sprint("chatter ", i), false)); err != nil {
					t.Fatal(err)
				}
			}
			before := len(e.fake.Calls("chat.postMessage"))

			e.clock.Advance(2 * time.Minute) // the lease runs out
			s := e.sender(t, nil)
			e.drain(t, s)

			it := e.row("pulse:1")
			if it.State != store.OutboxSent || it.Attempt != 2 {
				t.Fatalf("row = %+v", it)
			}
			if tc.postedAt && it.SentTS != postedTS {
				t.Errorf("recorded ts %s, want the earlier post's %s", it.SentTS, postedTS)
			}
			if got := len(e.fake.Calls("chat.postMessage")) - before; got != tc.wantPosts {
				t.Errorf("%d posts, want %d", got, tc.wantPosts)
			}
			if got := e.delivered(user)["pulse:1"]; got != 1 {
				t.Errorf("delivered %d times", got)
			}
			hist := e.fake.Calls("conversations.history")
			if len(hist) == 0 || hist[0].Params["include_all_metadata"] != "1" || hist[0].Params["oldest"] == "" {
				t.Errorf("history calls = %+v", hist)
			}
			if st, _ := s.Stats(ctx); tc.postedAt != (st.Reconciled == 1) {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

func TestSender_ShutdownLosesNothing(t *testing.T) {
	e := newSenderEnv(t, 40)
	var ns []mentoring.Notice
	for i, u := range e.users {
		ns = append(ns, dmNotice(fmt.Sprint("k", i), u))
	}
	e.enqueue(t, ns...)
	slow := func(o *Options) { o.RatePerSecond, o.Burst = 40, 1; o.ShutdownGrace = 500 * time.Millisecond }
	s := e.sender(t, slow)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	// Stop in the middle of the fan-out: once a few posts have been answered.
	waitFor(t, "the first posts", func() bool { return len(e.fake.Calls("chat.postMessage")) >= 5 })
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run did not stop")
	}
	st, _ := s.Stats(context.Background())
	if st.Outbox.Sending != 0 || st.Outbox.Sent == 0 || st.Outbox.Pending == 0 {
		t.Fatalf("after shutdown: %+v", st)
	}
	t.Logf("at shutdown: %d sent, %d handed back", st.Outbox.Sent, st.Outbox.Pending)

	e.drain(t, e.sender(t, nil))
	got := e.delivered(e.users...)
	for i := range e.users {
		if n := got[fmt.Sprint("k", i)]; n != 1 {
			t.Errorf("k%d delivered %d times", i, n)
		}
	}
}

func TestSender_OneConversationInOrder(t *testing.T) {
	e := newSenderEnv(t, 1)
	var ns []mentoring.Notice
	for i := range 12 {
		ns = append(ns, dmNotice(fmt.Sprintf("k%02d", i), e.users[0]))
	}
	e.enqueue(t, ns...)
	s := e.sender(t, func(o *Options) { o.Workers = 4; o.ChannelRatePerSecond, o.ChannelBurst = 50, 1 })
	e.drain(t, s)
	var keys []string
	for _, m := range e.fake.Messages(e.users[0]) {
		keys = append(keys, outboxKey(m))
	}
	if got := strings.Join(keys, " "); got != "k00 k01 k02 k03 k04 k05 k06 k07 k08 k09 k10 k11" {
		t.Errorf("order = %s", got)
	}
}

func TestSender_TwoSendersShareTheOutbox(t *testing.T) {
	e := newSenderEnv(t, 60)
	var ns []mentoring.Notice
	for i, u := range e.users {
		ns = append(ns, dmNotice(fmt.Sprint("k", i), u))
	}
	e.enqueue(t, ns...)
	other := reopenDB(t, e.path, e.clock)
	var wg sync.WaitGroup
	for _, db := range []*store.DB{e.db, other} {
		s := e.sender(t, func(o *Options) { o.Store = newDBStore(db); o.RatePerSecond = 200 })
		wg.Go(func() { e.drain(t, s) })
	}
	wg.Wait()
	got := e.delivered(e.users...)
	for i := range e.users {
		if n := got[fmt.Sprint("k", i)]; n != 1 {
			t.Errorf("k%d delivered %d times", i, n)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err       error
		aborted   bool
		want      outcome
		uncertain bool
	}{
		{&slack.RateLimitedError{RetryAfter: 3 * time.Second}, false, rateLimited, false},
		{slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, false, transient, true},
		{slack.StatusCodeError{Code: 429, Status: "429"}, false, rateLimited, false},
		{slack.StatusCodeError{Code: 404, Status: "404"}, false, permanent, false},
		{slack.SlackErrorResponse{Err: "internal_error"}, false, transient, true},
		{slack.SlackErrorResponse{Err: "ratelimited"}, false, rateLimited, false},
		{slack.SlackErrorResponse{Err: "invalid_auth"}, false, workspace, false},
		{slack.SlackErrorResponse{Err: "missing_scope"}, false, workspace, false},
		{slack.SlackErrorResponse{Err: "account_inactive"}, false, workspace, false},
		{slack.StatusCodeError{Code: 401, Status: "401"}, false, workspace, false},
		{slack.SlackErrorResponse{Err: "channel_not_found"}, false, recipient, false},
		{slack.SlackErrorResponse{Err: "user_disabled"}, false, recipient, false},
		{slack.SlackErrorResponse{Err: "invalid_blocks"}, false, permanent, false},
		{slack.SlackErrorResponse{Err: "some_new_error"}, false, permanent, false},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), false, transient, true},
		{fmt.Errorf("post: %w", context.Canceled), true, aborted, true},
		{errors.New("unexpected EOF"), false, transient, true},
	} {
		v := classify(tc.err, tc.aborted)
		if v.outcome != tc.want || v.uncertain != tc.uncertain {
			t.Errorf("classify(%v) = %+v, want outcome %d uncertain %v", tc.err, v, tc.want, tc.uncertain)
		}
	}
}
