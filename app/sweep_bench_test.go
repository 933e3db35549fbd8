package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/outbox"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
	"github.com/reverse-mentor/reverse-mentor/store/storetest"
)

// TestMain removes the programmes the benchmarks seeded.
func TestMain(m *testing.M) {
	code := m.Run()
	storetest.Cleanup()
	os.Exit(code)
}

// burstPrompts is the burst of the issue: 2 500 pairs whose windows end at once.
const burstPrompts = 5000

// BenchmarkSweepBurst5000 measures a sweep when 5 000 prompts fall due at once, and the
// outbox draining them: the programme of storetest.Year (20 000 participants, 10 000
// active pairs, a year of history) when every window of its launch round (2 500 pairs)
// ends, with nothing else due. The app is assembled as `run` assembles it (Main.Open: the
// store, the service, the bot as renderer, the outbox sender with the configured rates),
// against the fake Slack; the sweep runs once, then the sender.
//
// It reports the sweep's time to record the 5 000 prompts and queue their DMs
// (sweep_ms), and, from the time each chat.postMessage reached the fake: the most posts
// in any one second against the bound rate+burst (max_1s, bound_1s; the check allows
// 10 ms of network jitter on top), the mean rate over the drain against the configured
// one (mean_per_s, rate), the most posts to one channel in any one second (chan_max_1s;
// Slack allows about one a second per channel), and, counted by the outbox key each
// message carries, the DMs lost and duplicated. It fails when a bound is broken, a DM
// is lost or duplicated, or a post was refused. ns/op is the whole run: copying the
// seeded database, opening the app, the sweep and the sending.
//
// "rate=250" drains all 5 000 at 250 a second with bursts of 10 (some 20 s). "default"
// is the shipped configuration (10 a second, bursts of 10), which takes over 8 minutes
// to drain: it runs the sender for 15 s and checks the pacing and that every DM is
// either delivered once or still queued.
//
//	go test ./app -run '^$' -bench SweepBurst5000 -benchtime 1x
func BenchmarkSweepBurst5000(b *testing.B) {
	begin := storetest.Year(time.Time{}).Begin
	// 364 days after the launch every cadence's window ends together (13 × 4 weeks).
	spec := storetest.Year(begin.Add(364 * 24 * time.Hour))
	spec.Resuming = 0 // nobody's break ends at that moment: the burst alone
	tmpl, seeded, err := storetest.Cached(spec)
	if err != nil {
		b.Fatal(err)
	}
	if d := seeded.Due; d.Prompts != burstPrompts || d.Nudges+d.Deadlines+d.Resumes != 0 {
		b.Fatalf("the programme has due %+v; want %d prompts and nothing else", d, burstPrompts)
	}
	b.Logf("programme seeded in %v: %v", seeded.Took.Round(time.Second), seeded.Rows)
	for _, tc := range []burstCase{
		{name: "rate=250", rate: 250, burst: 10},
		{name: "default", rate: Defaults().Outbox.RatePerSecond, burst: Defaults().Outbox.Burst, window: 15 * time.Second},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				r := runBurst(b, tmpl, spec, tc)
				b.ReportMetric(float64(r.sweep.Milliseconds()), "sweep_ms")
				b.ReportMetric(float64(r.posts), "posts")
				b.ReportMetric(r.drain.Seconds(), "send_s")
				b.ReportMetric(float64(r.max1s), "max_1s")
				b.ReportMetric(float64(r.bound1s), "bound_1s")
				b.ReportMetric(r.mean, "mean_per_s")
				b.ReportMetric(tc.rate, "rate")
				b.ReportMetric(float64(r.chanMax1s), "chan_max_1s")
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.dups), "duplicates")
				b.Logf("sweep %v: %d prompted, %d queued; %d posts in %.1fs (%d still queued): at most %d in a second "+
					"(bound %d), mean %.1f/s (rate %g, burst %d), at most %d a second in one channel; %d lost, %d duplicated, "+
					"%d refused", r.sweep.Round(time.Millisecond), r.prompted, r.queued, r.posts, r.drain.Seconds(), r.left,
					r.max1s, r.bound1s, r.mean, tc.rate, tc.burst, r.chanMax1s, r.lost, r.dups, r.refused)
			}
		})
	}
}

// burstCase is a configuration of the outbox to drain the burst with.
type burstCase struct {
	name   string
	rate   float64
	burst  int
	window time.Duration // how long the sender runs; 0 until the outbox is empty
}

// burstRun is what one run measured.
type burstRun struct {
	sweep, drain                  time.Duration
	prompted, queued, posts, left int
	max1s, bound1s, chanMax1s     int
	mean                          float64
	lost, dups, refused           int
}

// arrivalSlack allows for the jitter between the sender taking a token and the post
// reaching the fake: a second of arrivals may span a little more than a second of
// tokens. The bound reported is the strict one, rate + burst.
const arrivalSlack = 10 * time.Millisecond

// runBurst copies the seeded programme, opens the app on it against a fake Slack, sweeps
// at spec.Now and runs the sender; it checks and returns what it measured.
func runBurst(b *testing.B, tmpl string, spec storetest.Spec, tc burstCase) burstRun {
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "rm.db")
	if err := storetest.Copy(tmpl, path); err != nil {
		b.Fatal(err)
	}
	fake, err := slackfake.New(slackfake.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	users := spec.UserIDs()
	for _, u := range append(users, spec.Admins...) {
		fake.AddUser(slackfake.User{ID: u, Name: strings.ToLower(u), Locale: "ja-JP", TZ: "Asia/Tokyo", TZOffset: 9 * 3600})
	}
	fake.AddChannel(spec.HRChannel, "hr")

	cfg := Defaults()
	cfg.Slack = SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	cfg.Database.Path = path
	cfg.Program.Admins, cfg.Program.HRChannel = spec.Admins, spec.HRChannel
	for _, t := range storetest.Topics {
		cfg.Program.Topics = append(cfg.Program.Topics, Topic{ID: t, EN: t, JA: t})
	}
	cfg.Outbox.RatePerSecond, cfg.Outbox.Burst = tc.rate, tc.burst
	if got, want := cfg.serviceOptions(spec.Location), spec.Options(); got.NudgeAfter != want.NudgeAfter ||
		got.Location.String() != want.Location.String() || !slices.Equal(got.Admins, want.Admins) {
		b.Fatalf("the app's options %+v do not match the programme's %+v", got, want)
	}
	m := &Main{Config: cfg}
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		b.Fatal(err)
	}

	var r burstRun
	began := time.Now()
	res, err := m.Service().Sweep(ctx, spec.Now)
	r.sweep = time.Since(began)
	if err != nil {
		b.Fatal(err)
	}
	st, err := m.db.OutboxStats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	r.prompted, r.queued = res.Prompted, st.Queued()
	if r.prompted != burstPrompts || r.queued != burstPrompts {
		b.Fatalf("the sweep prompted %d and queued %d (%+v); want %d", r.prompted, r.queued, res, burstPrompts)
	}
	keys := queuedKeys(b, path)

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	began = time.Now()
	go func() { done <- m.sender.Run(runCtx) }()
	limit := tc.window
	if limit == 0 {
		limit = time.Duration(4*(float64(burstPrompts)/tc.rate+5)) * time.Second
	}
	for {
		st, err = m.db.OutboxStats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if st.Queued() == 0 || time.Since(began) >= limit {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.drain = time.Since(began)
	stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	if st, err = m.db.OutboxStats(ctx); err != nil {
		b.Fatal(err)
	}
	r.left = st.Queued()
	if tc.window == 0 && r.left != 0 {
		b.Fatalf("not drained in %v: %+v", limit, st)
	}
	r.measure(b, fake, users, keys, tc)
	if sent := sentKeys(b, path, keys); sent != r.posts-r.refused || st.Failed != 0 {
		b.Errorf("the outbox says %d of the burst sent, %d failed; the fake took %d posts", sent, st.Failed, r.posts-r.refused)
	}
	return r
}

// measure reads the posts the fake received: their pacing, and each DM's deliveries by
// the outbox key in its metadata. It fails the benchmark on a broken bound.
func (r *burstRun) measure(b *testing.B, fake *slackfake.Server, users []string, keys map[string]bool, tc burstCase) {
	var at []time.Time
	perChannel := map[string][]time.Time{}
	for _, c := range fake.Calls("chat.postMessage") {
		at = append(at, c.At)
		ch, _ := c.Params["channel"].(string)
		perChannel[ch] = append(perChannel[ch], c.At)
		if c.Status != http.StatusOK || c.Error != "" {
			r.refused++
		}
	}
	r.posts = len(at)
	r.max1s = maxInWindow(at, time.Second)
	r.bound1s = tc.burst + int(math.Ceil(tc.rate))
	for _, ts := range perChannel {
		r.chanMax1s = max(r.chanMax1s, maxInWindow(ts, time.Second))
	}
	if n := len(at); n > 1 {
		slices.SortFunc(at, func(x, y time.Time) int { return x.Compare(y) })
		r.mean = float64(n-1) / at[n-1].Sub(at[0]).Seconds()
		// A token bucket lets through at most burst + rate × span over any span.
		if allowed := float64(tc.burst) + tc.rate*(at[n-1].Sub(at[0])+arrivalSlack).Seconds(); float64(n) > allowed+1 {
			b.Errorf("%d posts in %v: more than the %0.f the rate allows", n, at[n-1].Sub(at[0]), allowed)
		}
	}
	delivered := map[string]int{}
	for _, u := range users {
		for _, msg := range fake.Messages(u) {
			if k := outboxKeyOf(msg); k != "" && !msg.Deleted {
				delivered[k]++
			}
		}
	}
	for k, n := range delivered {
		if !keys[k] {
			b.Errorf("a message nobody queued in the burst was delivered: %s", k)
		}
		r.dups += n - 1
	}
	for k := range keys {
		if delivered[k] == 0 {
			r.lost++
		}
	}
	r.lost -= r.left // still queued when a timed run stopped: not lost
	switch {
	case r.max1s > tc.burst+int(math.Ceil(tc.rate*(time.Second+arrivalSlack).Seconds())):
		b.Errorf("%d posts in one second: over the bound of %d (rate %g + burst %d)", r.max1s, r.bound1s, tc.rate, tc.burst)
	case r.chanMax1s > 1:
		b.Errorf("%d posts in one second to one channel", r.chanMax1s)
	case r.lost != 0 || r.dups != 0 || r.refused != 0:
		b.Errorf("%d DMs lost, %d duplicated, %d posts refused", r.lost, r.dups, r.refused)
	}
}

// maxInWindow returns the most times within any window of length d.
func maxInWindow(ts []time.Time, d time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= d {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// outboxKeyOf returns the outbox key a message carries in its metadata, or "".
func outboxKeyOf(m slackfake.Message) string {
	var md struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			Key string `json:"key"`
		} `json:"event_payload"`
	}
	if len(m.Metadata) == 0 || json.Unmarshal(m.Metadata, &md) != nil || md.EventType != outbox.MetadataEventType {
		return ""
	}
	return md.EventPayload.Key
}

// readOnly opens the database at path for reading beside the app.
func readOnly(b *testing.B, path string) *sql.DB {
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// sentKeys counts the rows of keys that the outbox marked sent.
func sentKeys(b *testing.B, path string, keys map[string]bool) int {
	raw := readOnly(b, path)
	defer raw.Close()
	rows, err := raw.Query(`SELECT key FROM outbox WHERE state = 'sent' AND kind = ?`, mentoring.NoticeCheckinPrompt)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			b.Fatal(err)
		}
		if keys[k] {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// queuedKeys returns the keys of the outbox rows waiting to be sent.
func queuedKeys(b *testing.B, path string) map[string]bool {
	raw := readOnly(b, path)
	defer raw.Close()
	rows, err := raw.Query(`SELECT key, kind FROM outbox WHERE state = 'pending'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var k, kind string
		if err := rows.Scan(&k, &kind); err != nil {
			b.Fatal(err)
		}
		if kind != mentoring.NoticeCheckinPrompt {
			b.Fatalf("queued by the burst: %s %s", kind, k)
		}
		keys[k] = true
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return keys
}
