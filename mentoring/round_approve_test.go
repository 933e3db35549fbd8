package mentoring_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// changesOf returns the changes an approval refused for, failing t on any other outcome.
func changesOf(t *testing.T, err error) []mentoring.RoundChange {
	t.Helper()
	var de *mentoring.Error
	if !errors.As(err, &de) || de.Code != mentoring.ECONFLICT || de.MessageKey != "round_changed" {
		t.Fatalf("want a refusal naming what changed, got %v", err)
	}
	changes, _ := de.Data["Changes"].([]mentoring.RoundChange)
	if len(changes) == 0 {
		t.Fatalf("a refusal without changes: %+v", de.Data)
	}
	return changes
}

func hasChange(changes []mentoring.RoundChange, kind, user string) bool {
	return slices.ContainsFunc(changes, func(c mentoring.RoundChange) bool { return c.Kind == kind && c.UserID == user })
}

// A proposal computed before another round was approved (Re-run racing Approve) would
// pair the same people a second time: approving it approves nothing, tells no one, and
// gives HR a fresh proposal that names who is already paired.
func TestApproveRound_ProposalFromBeforeAnotherApprovalPairsNobodyTwice(t *testing.T) {
	svc, db := newRoundService(t)
	ctx := context.Background()
	join(t, svc, "UM1", mentoring.RoleMentor, "Engineering", "")
	join(t, svc, "UE1", mentoring.RoleMentee, "Sales", "")
	first, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(first.Proposal.Pairs) != 1 {
		t.Fatalf("%+v %v", first.Proposal, err)
	}
	stale := first.Proposal // what a re-run computed before the approval below
	if _, err := svc.ApproveRound(ctx, "UHR", first.ID, first.Version); err != nil {
		t.Fatal(err)
	}
	before, _ := db.OutboxStats(ctx)
	late, err := db.SaveProposal(ctx, mentoring.Round{Proposal: stale, CreatedBy: "UHR", CreatedAt: first.CreatedAt})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := svc.ApproveRound(ctx, "UHR", late.ID, late.Version)
	changes := changesOf(t, err)
	if !hasChange(changes, mentoring.ChangePaired, "UE1") || !hasChange(changes, mentoring.ChangeCapacity, "UM1") {
		t.Fatalf("changes %+v", changes)
	}
	if fresh.ID == late.ID || fresh.Status != mentoring.RoundProposed || len(fresh.Proposal.Pairs) != 0 {
		t.Fatalf("fresh proposal %+v", fresh)
	}
	if r, _ := db.Round(ctx, late.ID); r.Status == mentoring.RoundApproved {
		t.Fatal("the stale proposal was approved")
	}
	pairs, _ := db.ActivePairs(ctx)
	after, _ := db.OutboxStats(ctx)
	if len(pairs) != 1 || after.Queued() != before.Queued() {
		t.Fatalf("pairs %+v, outbox %d then %d", pairs, before.Queued(), after.Queued())
	}
}

// A proposal left waiting while people left, paused, named a new manager or lowered
// their capacity is not approved: HR is told each change.
func TestApproveRound_ChecksWhoLeftPausedChangedManagerOrCapacity(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, svc *mentoring.Service)
		kind   string
		user   string
	}{
		{"left", func(t *testing.T, svc *mentoring.Service) {
			if _, err := svc.Leave(context.Background(), "UE1", false); err != nil {
				t.Fatal(err)
			}
		}, mentoring.ChangeLeft, "UE1"},
		{"paused", func(t *testing.T, svc *mentoring.Service) {
			if _, err := svc.Pause(context.Background(), "UM1", 2); err != nil {
				t.Fatal(err)
			}
		}, mentoring.ChangePaused, "UM1"},
		{"manager", func(t *testing.T, svc *mentoring.Service) {
			joinCap(t, svc, "UM1", "Engineering", "UE1", 2) // now reports to their mentee
		}, mentoring.ChangeRules, "UM1"},
		{"department", func(t *testing.T, svc *mentoring.Service) {
			join(t, svc, "UE1", mentoring.RoleMentee, "Engineering", "")
		}, mentoring.ChangeRules, "UM1"},
		{"capacity", func(t *testing.T, svc *mentoring.Service) {
			join(t, svc, "UM1", mentoring.RoleMentor, "Engineering", "") // capacity back to 1
		}, mentoring.ChangeCapacity, "UM1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, db := newRoundService(t)
			ctx := context.Background()
			joinCap(t, svc, "UM1", "Engineering", "", 2)
			join(t, svc, "UE1", mentoring.RoleMentee, "Sales", "")
			join(t, svc, "UE2", mentoring.RoleMentee, "Finance", "")
			r, err := svc.ProposeRound(ctx, "UHR")
			if err != nil || len(r.Proposal.Pairs) != 2 {
				t.Fatalf("%+v %v", r.Proposal, err)
			}
			tc.change(t, svc)
			_, err = svc.ApproveRound(ctx, "UHR", r.ID, r.Version)
			if changes := changesOf(t, err); !hasChange(changes, tc.kind, tc.user) {
				t.Fatalf("want %s of %s, got %+v", tc.kind, tc.user, changes)
			}
			if pairs, _ := db.ActivePairs(ctx); len(pairs) != 0 {
				t.Fatalf("approved anyway: %+v", pairs)
			}
			if stats, _ := db.OutboxStats(ctx); stats.Queued() != 0 {
				t.Fatalf("told someone: %+v", stats)
			}
		})
	}
}

func joinCap(t *testing.T, svc *mentoring.Service, id, dept, manager string, capacity int) {
	t.Helper()
	_, err := svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: "Asia/Tokyo", TZOffset: 32400},
		mentoring.Profile{Role: mentoring.RoleMentor, Department: dept, ManagerID: manager, Topics: []string{"genai", "slack"},
			Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: capacity, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
}
