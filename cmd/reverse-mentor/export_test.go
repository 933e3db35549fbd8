package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// TestExport_NoPrivateNoteAndNoFormula plants a private note and a formula in a
// check-in, exports, and reads every file back: the note is nowhere, and the formula is
// text.
func TestExport_NoPrivateNoteAndNoFormula(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "rm.db")
	r := approveRound(t, dbPath, "UADMIN001", []string{"UMENTOR01"}, []string{"UMENTEE01"})
	if len(r.Proposal.Pairs) != 1 {
		t.Fatalf("round %+v", r.Proposal)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	clock := simclock.New(time.Now().Add(15 * 24 * time.Hour))
	svc := mentoring.NewService(db, clock, mentoring.Options{Admins: []string{"UADMIN001"}})
	pairs, err := svc.PairsOf(ctx, "UMENTOR01")
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs %v %v", pairs, err)
	}
	const secret = "PRIVATE-NOTE-only-for-HR"
	const formula = `=HYPERLINK("http://evil.example","click")`
	if _, err := svc.RecordCheckIn(ctx, "UMENTOR01", mentoring.CheckIn{PairID: pairs[0].ID, Window: 1, Met: mentoring.MetYes,
		Rating: 4, Burden: 2, PrivateNote: secret, ContactHR: true, TopicsFree: formula}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	t.Setenv("REVERSE_MENTOR_DATABASE_PATH", dbPath)
	out := filepath.Join(dir, "export")
	code, stdout, stderr := runCmd(t, ctx, "export", "--out", out)
	if code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	for _, name := range []string{"participants.csv", "pairs.csv", "sessions.csv", "checkins.csv", "pulses.csv"} {
		path := filepath.Join(out, name)
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), secret) {
			t.Fatalf("%s contains the private note", name)
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", name, info.Mode())
		}
		if !strings.Contains(stdout, name) {
			t.Errorf("export did not list %s: %s", name, stdout)
		}
	}
	f, err := os.Open(filepath.Join(out, "checkins.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("checkins.csv: %v %v", rows, err)
	}
	if got := rows[1][10]; got != "'"+formula {
		t.Fatalf("topics_free = %q, want the formula neutralised", got)
	}
}

func TestNeutraliseCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"plain": "plain", "": "", "日本語": "日本語", "a=b": "a=b",
	} {
		if got := mentoring.NeutraliseCell(in); got != want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", in, got, want)
		}
	}
}
