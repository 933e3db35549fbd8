package demo

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func TestRun_PairsRespectTheRulesAndEveryoneIsToldOnce(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := Run(ctx, Options{People: 40, Seed: 11, Out: dir, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Joined == 0 || !strings.Contains(out.String(), "承認しました") {
		t.Fatalf("result %+v\n%s", res, out.String())
	}
	db, err := store.Open(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.ListParticipants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]mentoring.Participant{}
	for _, p := range ps {
		byID[p.UserID] = p
	}
	above := func(boss, user string) bool {
		for cur, n := byID[user].ManagerID, 0; cur != "" && n < 20; cur, n = byID[cur].ManagerID, n+1 {
			if cur == boss {
				return true
			}
		}
		return false
	}
	pairs, err := db.ActivePairs(ctx)
	if err != nil || len(pairs) == 0 {
		t.Fatalf("pairs %d %v", len(pairs), err)
	}
	for _, p := range pairs {
		m, e := byID[p.MentorID], byID[p.MenteeID]
		if mentoring.DepartmentKey(m.Department) == mentoring.DepartmentKey(e.Department) {
			t.Errorf("%s and %s share %s", m.UserID, e.UserID, m.Department)
		}
		if above(m.UserID, e.UserID) || above(e.UserID, m.UserID) {
			t.Errorf("%s and %s are in one reporting line", m.UserID, e.UserID)
		}
	}
	st, err := db.OutboxStats(ctx)
	if err != nil || st.Queued() != 0 || st.Sent == 0 {
		t.Fatalf("outbox %+v %v", st, err)
	}
	raw, err := sql.Open("sqlite", filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var failed int
	if err := raw.QueryRow(`SELECT count(*) FROM outbox WHERE state = 'failed'`).Scan(&failed); err != nil || failed != 0 {
		t.Fatalf("%d messages failed (%v)", failed, err)
	}
	if err := raw.QueryRow(`SELECT count(*) FROM outbox WHERE state <> 'sent' AND kind IN ('intro', 'orientation')`).Scan(&failed); err != nil || failed != 0 {
		t.Fatalf("%d intros or orientations not sent (%v)", failed, err)
	}
	// One intro per pair the round made (some have ended since): the timeline shows each
	// pair's group DM message to both people.
	var made int
	if err := raw.QueryRow(`SELECT count(*) FROM pairs`).Scan(&made); err != nil {
		t.Fatal(err)
	}
	intros := strings.Count(out.String(), "◂ グループDM（")
	if intros != 2*made {
		t.Fatalf("%d intros seen for %d pairs", intros, made)
	}
}

func TestRun_TheSameSeedPrintsTheSameDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var outs [2]bytes.Buffer
	var transcripts [2][]byte
	for i := range outs {
		dir := filepath.Join(t.TempDir(), "out")
		if _, err := Run(ctx, Options{People: 30, Weeks: 4, Seed: 3, Lang: mentoring.LangEN, Out: dir, Stdout: &outs[i]}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "transcript.txt"))
		if err != nil {
			t.Fatal(err)
		}
		transcripts[i] = b
	}
	// The last line names the run's own output folder.
	a, b := withoutLastLine(outs[0].String()), withoutLastLine(outs[1].String())
	if a != b {
		t.Fatalf("two runs with seed 3 differ:\n%s", firstDifference(a, b))
	}
	if !bytes.Equal(transcripts[0], transcripts[1]) {
		t.Fatalf("two transcripts with seed 3 differ:\n%s", firstDifference(string(transcripts[0]), string(transcripts[1])))
	}
	for _, want := range []string{"Week 1 · Mon 6 Apr – Sun 12 Apr", "Week 4 · Mon 27 Apr – Sun 3 May", "Summary"} {
		if !strings.Contains(a, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
}

// TestRun_TwelveWeeksEndWithTheSummariesTheReportAndTheirCharts checks what HR is left
// with after the default twelve weeks: one weekly summary a week, printed in full, the
// cycle report with its before/after effect, every chart a PNG under --out, and the
// export's CSV files without the private note a mentor wrote.
func TestRun_TwelveWeeksEndWithTheSummariesTheReportAndTheirCharts(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, err := Run(ctx, Options{Seed: 7, Lang: mentoring.LangEN, Out: dir, Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	text := out.String()
	_, ending, ok := strings.Cut(text, "══ What HR read in #hr-reverse-mentoring ══")
	if !ok {
		t.Fatalf("no HR channel section:\n%s", text)
	}
	if n := strings.Count(ending, "# 📊 Reverse mentoring: week of"); n != 12 {
		t.Errorf("%d weekly summaries printed, want 12", n)
	}
	if !strings.Contains(ending, "Cycle report") || !strings.Contains(ending, " → ") {
		t.Errorf("no cycle report with a before/after effect:\n%s", ending)
	}
	var charts, csvs int
	for _, path := range res.Files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(path) {
		case ".png":
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("%s is not a PNG: %v", path, err)
			}
			charts++
		case ".csv":
			csvs++
			for _, private := range []string{"部長の前だと緊張して", "I freeze in front of a director", "最初に進め方を決めておいたら", "Agreeing on how we run"} {
				if bytes.Contains(b, []byte(private)) {
					t.Errorf("%s holds a private note", path)
				}
			}
		}
	}
	// The notes are in the database: the export left them out.
	raw, err := sql.Open("sqlite", res.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var notes int
	if err := raw.QueryRow(`SELECT count(*) FROM checkins WHERE private_note <> ''`).Scan(&notes); err != nil || notes == 0 {
		t.Fatalf("%d private notes in the database (%v): the export check proves nothing", notes, err)
	}
	// Every chart printed in the ending was saved; the summaries before anyone answered
	// a pulse survey come without one, the rest with theirs.
	if printed := strings.Count(ending, "📎 "); charts != printed || charts < 10 || csvs != 5 {
		t.Errorf("%d charts saved, %d printed (want a report's and at least 9 summaries') and %d CSV files (want 5)", charts, printed, csvs)
	}
}

func withoutLastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func firstDifference(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}
