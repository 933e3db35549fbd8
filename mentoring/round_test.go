package mentoring_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func newRoundService(t *testing.T) (*mentoring.Service, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := simclock.New(time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC))
	db.Clock = clock
	return mentoring.NewService(db, clock, mentoring.Options{Language: mentoring.LangJA, Admins: []string{"UHR"}, RepeatWindowRounds: 3}), db
}

func join(t *testing.T, svc *mentoring.Service, id string, role mentoring.Role, dept, manager string) {
	t.Helper()
	_, err := svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: "Asia/Tokyo", TZOffset: 32400},
		mentoring.Profile{Role: role, Department: dept, ManagerID: manager, Topics: []string{"genai", "slack"},
			Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRound_ProposeSwapApproveNotifiesOnce(t *testing.T) {
	svc, db := newRoundService(t)
	ctx := context.Background()
	join(t, svc, "UBOSS", mentoring.RoleMentee, "Sales", "")
	join(t, svc, "UMGR", mentoring.RoleMentee, "Finance", "")
	join(t, svc, "UJUN1", mentoring.RoleMentor, "Engineering", "")
	join(t, svc, "UJUN2", mentoring.RoleMentor, "Marketing", "UBOSS") // reports to UBOSS

	if _, err := svc.ProposeRound(ctx, "UJUN1"); mentoring.ErrorCode(err) != mentoring.EFORBIDDEN {
		t.Fatalf("a non-admin proposed a round: %v", err)
	}
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Proposal.Pairs) != 2 {
		t.Fatalf("pairs %+v", r.Proposal)
	}
	for _, p := range r.Proposal.Pairs {
		if p.MentorID == "UJUN2" && p.MenteeID == "UBOSS" {
			t.Fatal("paired a junior with their own boss")
		}
	}
	// Swapping would put UJUN2 with their boss: refused, proposal unchanged.
	if _, err := svc.SwapMentees(ctx, "UHR", r.ID, r.Version, 0, 1); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("swap into a reporting line: %v", err)
	}
	// Approving an old version is refused.
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version+1); mentoring.ErrorCode(err) != mentoring.ECONFLICT {
		t.Fatalf("stale approve: %v", err)
	}
	if stats, _ := db.OutboxStats(ctx); stats.Queued() != 0 {
		t.Fatalf("someone was told before approval: %+v", stats)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); mentoring.ErrorCode(err) != mentoring.ECONFLICT {
		t.Fatalf("second approval: %v", err)
	}
	stats, err := db.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Queued() != 2+4 {
		t.Fatalf("want 2 intros and 4 orientations queued, got %+v", stats)
	}
	pairs, _ := svc.ActivePairs(ctx, "UHR")
	if len(pairs) != 2 {
		t.Fatalf("active pairs %+v", pairs)
	}
	// The next round has nobody left to pair, and does not repeat.
	r2, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r2.Proposal.Pairs) != 0 {
		t.Fatalf("second round %+v %v", r2.Proposal, err)
	}
}

func TestRound_RemovePairAndCancel(t *testing.T) {
	svc, db := newRoundService(t)
	ctx := context.Background()
	for i := range 3 {
		join(t, svc, fmt.Sprintf("UM%d", i), mentoring.RoleMentor, fmt.Sprintf("D%d", i), "")
		join(t, svc, fmt.Sprintf("UE%d", i), mentoring.RoleMentee, fmt.Sprintf("E%d", i), "")
	}
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r.Proposal.Pairs) != 3 {
		t.Fatalf("%+v %v", r.Proposal, err)
	}
	r, err = svc.RemovePair(ctx, "UHR", r.ID, r.Version, 1)
	if err != nil || len(r.Proposal.Pairs) != 2 || len(r.Proposal.Unmatched) != 2 {
		t.Fatalf("%+v %v", r.Proposal, err)
	}
	if r.Proposal.Unmatched[0].Reason != mentoring.ReasonRemovedByHR {
		t.Fatalf("reason %q", r.Proposal.Unmatched[0].Reason)
	}
	if err := svc.CancelRound(ctx, "UHR", r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRound(ctx, "UHR", r.ID, r.Version); mentoring.ErrorCode(err) != mentoring.ECONFLICT {
		t.Fatalf("approved a cancelled round: %v", err)
	}
	if stats, _ := db.OutboxStats(ctx); stats.Queued() != 0 {
		t.Fatalf("cancelled round told someone: %+v", stats)
	}
}
