package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// failRows approves a round whose notices all fail at once (as if each recipient were
// deactivated) and returns the IDs of the failed rows.
func failRows(t *testing.T, dbPath string) []int64 {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	r, err := db.SaveProposal(ctx, mentoring.Round{CreatedBy: "UADMIN001", CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	var ns []mentoring.Notice
	for _, u := range []string{"UGONE0001", "UGONE0002", "UGONE0003"} {
		ns = append(ns, mentoring.Notice{Key: "orientation:" + u, Kind: mentoring.NoticeOrientation, UserIDs: []string{u}})
	}
	if err := db.ApproveRound(ctx, r.ID, r.Version, "UADMIN001", now, nil, ns); err != nil {
		t.Fatal(err)
	}
	items, err := db.ClaimOutbox(ctx, now, 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, it := range items {
		if err := db.MarkFailed(ctx, it.ID, it.Attempt, "user_disabled"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	return ids
}

func TestOutboxRetry_QueuesFailedMessagesEachOnce(t *testing.T) {
	clearEnv(t)
	dbPath := filepath.Join(t.TempDir(), "rm.db")
	t.Setenv("REVERSE_MENTOR_DATABASE_PATH", dbPath)
	ids := failRows(t, dbPath)
	ctx := context.Background()

	code, out, errOut := runCmd(t, ctx, "outbox", "retry", itoa64(ids[0]), "#"+itoa64(ids[1]))
	if code != exitOK || !strings.Contains(out, "queued again: 2 message(s) #"+itoa64(ids[0])+" #"+itoa64(ids[1])) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCmd(t, ctx, "outbox", "retry", itoa64(ids[0]))
	if code != exitOK || !strings.Contains(out, "queued again: 0") || !strings.Contains(out, "left alone, not failed") {
		t.Fatalf("a second retry of the same row: exit %d, %q", code, out)
	}
	code, out, _ = runCmd(t, ctx, "outbox", "retry", "--all")
	if code != exitOK || !strings.Contains(out, "queued again: 1 message(s) #"+itoa64(ids[2])) {
		t.Fatalf("--all: exit %d, %q", code, out)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, _ := db.OutboxStats(ctx); st.Failed != 0 || st.Pending != 3 {
		t.Errorf("outbox after the retries: %+v", st)
	}

	for _, args := range [][]string{{"outbox"}, {"outbox", "retry"}, {"outbox", "retry", "--all", "3"}, {"outbox", "retry", "x1"}, {"outbox", "resend"}} {
		if code, _, _ := runCmd(t, ctx, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestBackup_WritesACopyThatOpens(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "rm.db")
	t.Setenv("REVERSE_MENTOR_DATABASE_PATH", dbPath)
	failRows(t, dbPath)
	ctx := context.Background()
	out := filepath.Join(dir, "backup.db")
	code, stdout, stderr := runCmd(t, ctx, "backup", "--out", out)
	if code != exitOK || !strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	db, err := store.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, _ := db.OutboxStats(ctx); st.Failed != 3 {
		t.Errorf("the copy's outbox: %+v", st)
	}
	if code, _, stderr := runCmd(t, ctx, "backup", "--out", out); code != exitFailed || !strings.Contains(stderr, "exists") {
		t.Errorf("backup over an existing file: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCmd(t, ctx, "backup"); code != exitUsage {
		t.Errorf("backup without --out: exit %d", code)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
