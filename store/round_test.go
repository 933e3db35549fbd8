package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// When the check made in the approval's transaction refuses, nothing of the approval
// stays: the round is still proposed, no pair exists and nothing is queued.
func TestApproveRoundChecked_RefusalLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)
	r, err := db.SaveProposal(ctx, mentoring.Round{CreatedBy: "UHR", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	var seen bool
	err = db.ApproveRoundChecked(ctx, mentoring.Approval{RoundID: r.ID, Version: r.Version, By: "UHR", At: at},
		func(w mentoring.RoundWorld) ([]mentoring.Pair, []mentoring.Notice, error) {
			seen = true
			return []mentoring.Pair{{MentorID: "UM", MenteeID: "UE", CreatedAt: at}},
				[]mentoring.Notice{{Key: "k", Kind: mentoring.NoticeIntro, UserIDs: []string{"UM", "UE"}}}, refused
		})
	if !errors.Is(err, refused) || !seen {
		t.Fatalf("got %v (decide called: %v)", err, seen)
	}
	got, err := db.Round(ctx, r.ID)
	if err != nil || got.Status != mentoring.RoundProposed {
		t.Fatalf("round %+v %v", got.Status, err)
	}
	if pairs, _ := db.ActivePairs(ctx); len(pairs) != 0 {
		t.Fatalf("pairs %+v", pairs)
	}
	if stats, _ := db.OutboxStats(ctx); stats.Queued() != 0 {
		t.Fatalf("queued %+v", stats)
	}
}
