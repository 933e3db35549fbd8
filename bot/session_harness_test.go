package bot_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// day is a calendar day of simulated time.
const day = 24 * time.Hour

// start is when every harness begins: Monday 6 April 2026, 09:00 in Tokyo, 01:00 in
// London. Pairs approved at once begin then, so weekly windows end on Mondays at 09:00
// in Tokyo, inside working hours.
var start = time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)

// What the session DMs say, as tests look for them.
const (
	promptJA   = "セッションはいかがでしたか？"
	promptEN   = "How did your session go?"
	nudgeJA    = "お時間のあるときに、振り返りをお願いします"
	answeredJA = "振り返りを受け取りました"
	pulseJA    = "パルスサーベイ"
	flagJA     = "フォローアップのお願い"
	refusedJA  = "人事担当の方専用です"
)

// joinAs opts a person in through the domain (the opt-in modal has its own tests), in
// the time zone of their Slack locale (ja: Tokyo, en: London), speaking both languages.
func (h *harness) joinAs(id string, role mentoring.Role, dept, locale string, cadence mentoring.Cadence) *slackfake.Person {
	h.t.Helper()
	p := h.user(id, id, locale)
	u, _ := h.fake.User(id)
	_, err := h.svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: u.TZ, TZOffset: u.TZOffset, Locale: locale},
		mentoring.Profile{Role: role, Department: dept, Topics: []string{"genai", "slack"},
			Languages: []mentoring.Lang{mentoring.LangJA, mentoring.LangEN}, Cadence: cadence, Capacity: 1, Consent: true})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// pairUp has HR propose and approve a round over everyone waiting, delivers the intros
// and returns the active pairs.
func (h *harness) pairUp() []mentoring.Pair {
	h.t.Helper()
	ctx := context.Background()
	r, err := h.svc.ProposeRound(ctx, adminID)
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.ApproveRound(ctx, adminID, r.ID, r.Version); err != nil {
		h.t.Fatal(err)
	}
	h.settle()
	pairs, err := h.db.ActivePairs(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return pairs
}

// onePair starts the scheduler's baseline, then pairs a mentor with a mentee (both in
// Tokyo, at cadence) and returns the pair and the two people.
func (h *harness) onePair(cadence mentoring.Cadence) (mentoring.Pair, *slackfake.Person, *slackfake.Person) {
	h.t.Helper()
	h.runAt(start)
	mentor := h.joinAs("UMENTOR01", mentoring.RoleMentor, "開発部", "ja-JP", cadence)
	mentee := h.joinAs("UMENTEE01", mentoring.RoleMentee, "営業部", "ja-JP", cadence)
	pairs := h.pairUp()
	if len(pairs) != 1 {
		h.t.Fatalf("pairs %+v", pairs)
	}
	return pairs[0], mentor, mentee
}

// settle delivers what the outbox holds due now.
func (h *harness) settle() {
	h.t.Helper()
	if err := h.app.Settle(ctxT(h.t)); err != nil {
		h.t.Fatal(err)
	}
}

// runAt moves the simulated clock to at, runs the job slots due and delivers.
func (h *harness) runAt(at time.Time) {
	h.t.Helper()
	h.clock.Set(at)
	if err := h.app.RunDue(ctxT(h.t)); err != nil {
		h.t.Fatal(err)
	}
}

// dm returns the messages in the bot's DM with a person that contain every part.
func (h *harness) dm(userID string, parts ...string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.fake.Messages(h.fake.DMChannel(userID)) {
		text := slackfake.BlocksText(m.Blocks) + "\n" + m.Text
		if !m.Deleted && containsAll(text, parts...) {
			out = append(out, m)
		}
	}
	return out
}

// posted counts the messages the bot posted in its DM with a person that contained
// every part when they were posted, whatever they were rewritten to since (an answered
// prompt still counts as a prompt sent).
func (h *harness) posted(userID string, parts ...string) int {
	dm := h.fake.DMChannel(userID)
	n := 0
	for _, s := range h.fake.Person(userID).Seen() {
		if s.Kind == "message" && s.Channel == dm && containsAll(s.Text, parts...) {
			n++
		}
	}
	return n
}

// oneDM returns the one message in the person's DM with the bot that contains every
// part, failing unless there is exactly one.
func (h *harness) oneDM(userID string, parts ...string) slackfake.Message {
	h.t.Helper()
	ms := h.dm(userID, parts...)
	if len(ms) != 1 {
		h.t.Fatalf("%s has %d messages with %q, want 1:\n%s", userID, len(ms), parts, seenText(h.fake.Person(userID)))
	}
	return ms[0]
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// waitUpdated waits until the message ts in the person's DM has been rewritten in place
// to contain every part.
func waitUpdated(t *testing.T, p *slackfake.Person, ts string, parts ...string) slackfake.Seen {
	t.Helper()
	seen, err := p.WaitSeen(ctxT(t), func(s slackfake.Seen) bool {
		return s.Kind == "message_update" && s.TS == ts && containsAll(s.Text, parts...)
	})
	if err != nil {
		t.Fatalf("%s never saw message %s updated to %q: %v\nseen:\n%s", p.ID(), ts, parts, err, seenText(p))
	}
	return seen
}

// restart stops the app, closes it and opens a new one on the same database, fake Slack
// and clock, as after a deploy.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	if err := h.app.Close(); err != nil {
		h.t.Fatal(err)
	}
	m := &app.Main{Config: h.conf, Log: testLogger(h.t), Clock: h.clock}
	h.t.Cleanup(func() {
		if err := m.Close(); err != nil {
			h.t.Error(err)
		}
	})
	if err := m.Open(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(runCtx) }()
	stop := sync.OnceFunc(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			h.t.Error("the app did not stop within 5 s")
		}
	})
	h.t.Cleanup(stop)
	select {
	case <-m.Ready():
	case err := <-done:
		h.t.Fatalf("the app stopped: %v", err)
	case <-time.After(10 * time.Second):
		h.t.Fatal("the app did not connect")
	}
	h.app, h.svc, h.stop = m, m.Service(), stop
}

// tablesNaming lists every table with a row in which any column mentions s: every
// column of every table is searched, so a table added later is covered too.
func tablesNaming(t *testing.T, path, s string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	var out []string
	for _, table := range tables {
		cols, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var conds []string
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				t.Fatal(err)
			}
			conds = append(conds, `instr(CAST("`+c+`" AS TEXT), ?1)`)
		}
		cols.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM "`+table+`" WHERE `+strings.Join(conds, " OR "), s).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out = append(out, table)
		}
	}
	return out
}
