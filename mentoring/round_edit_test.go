package mentoring_test

import (
	"context"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// After a swap each mentor's mentees are numbered again, best first, and every mentee
// beyond a mentor's first says why; the proposal says what the swap did to the scores.
func TestSwapMentees_KeepsSlotsNumberedAndExplainedAndRecordsTheScores(t *testing.T) {
	svc, _ := newRoundService(t)
	ctx := context.Background()
	joinCap(t, svc, "USTAR", "Engineering", "", 2)
	join(t, svc, "UPLAIN", mentoring.RoleMentor, "Legal", "")
	for _, id := range []string{"UE1", "UE2", "UE3"} {
		join(t, svc, id, mentoring.RoleMentee, "Sales "+id, "")
	}
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r.Proposal.Pairs) != 3 {
		t.Fatalf("%+v %v", r.Proposal, err)
	}
	// Swap the plain mentor's mentee with the star's first.
	plain, star := -1, -1
	for k, p := range r.Proposal.Pairs {
		switch {
		case p.MentorID == "UPLAIN":
			plain = k
		case p.MentorID == "USTAR" && p.ExtraSlot == 0:
			star = k
		}
	}
	before := [2]float64{r.Proposal.Pairs[plain].Score, r.Proposal.Pairs[star].Score}
	r, err = svc.SwapMentees(ctx, "UHR", r.ID, r.Version, plain, star)
	if err != nil {
		t.Fatal(err)
	}
	slots := map[string][]int{}
	for _, p := range r.Proposal.Pairs {
		slots[p.MentorID] = append(slots[p.MentorID], p.ExtraSlot)
		if (p.ExtraSlot > 0) != (p.SlotReason != "") {
			t.Fatalf("slot and reason disagree: %+v", p)
		}
	}
	if s := slots["USTAR"]; len(s) != 2 || s[0]+s[1] != 1 {
		t.Fatalf("the star's slots are %v, want 0 and 1", s)
	}
	if s := slots["UPLAIN"]; len(s) != 1 || s[0] != 0 {
		t.Fatalf("the plain mentor's slots are %v, want 0", s)
	}
	e := r.Proposal.LastSwap
	if e == nil || e.Pairs != [2]int{plain, star} || e.Before != before ||
		e.After != [2]float64{r.Proposal.Pairs[plain].Score, r.Proposal.Pairs[star].Score} {
		t.Fatalf("last swap %+v, before %v", e, before)
	}
}
