package demo

import (
	"bytes"
	"context"
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
	if res.Joined == 0 || !strings.Contains(out.String(), "HR approved round #1") {
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
	if err != nil || st.Queued() != 0 || st.Failed != 0 || st.Sent == 0 {
		t.Fatalf("outbox %+v %v", st, err)
	}
	// One intro per pair: the transcript shows each pair's group DM message to both people.
	intros := strings.Count(out.String(), "  message in group DM ")
	if intros != 2*len(pairs) {
		t.Fatalf("%d intros seen for %d pairs", intros, len(pairs))
	}
}
