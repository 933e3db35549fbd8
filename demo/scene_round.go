package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// pairingRound has HR propose a round, look at it, swap the mentees of two pairs (the
// rules are checked again; a swap they forbid is explained in the form), and approve it;
// then every pair gets its intro and every person an orientation.
func (s *script) pairingRound(ctx context.Context) error {
	s.heading("scene_round")
	admin := s.people[s.org.AdminID]
	if err := s.command(ctx, s.org.AdminID, "admin round"); err != nil {
		return err
	}
	r, err := s.svc.PendingRound(ctx, s.org.AdminID)
	if err != nil {
		return fmt.Errorf("demo: no proposal after `admin round`: %w", err)
	}
	s.outcome("note_proposal", len(r.Proposal.Pairs), len(r.Proposal.Unmatched))
	if err := s.step(ctx); err != nil {
		return err
	}
	for j := 1; j < len(r.Proposal.Pairs) && j < 12; j++ {
		if err := admin.Click(ctx, "round_edit"); err != nil {
			return err
		}
		if _, err := admin.WaitModal(ctx, "round_edit"); err != nil {
			return err
		}
		if err := s.step(ctx); err != nil {
			return err
		}
		if _, err := admin.Submit(ctx, slackfake.Values{"edit_action": "swap", "pair_a": "0", "pair_b": strconv.Itoa(j)}); err != nil {
			return err
		}
		if err := s.app.Settle(ctx); err != nil {
			return err
		}
		// A refused swap shows the form again, with the rule that refused it.
		v, _ := admin.Modal()
		refused := v.CallbackID == "round_edit"
		if refused {
			s.outcome("note_swap_no", j+1)
		} else {
			s.outcome("note_swap_ok", j+1)
		}
		if err := admin.Cancel(ctx); err != nil {
			return err
		}
		if err := s.step(ctx); err != nil {
			return err
		}
		if !refused {
			break
		}
	}
	if err := admin.Click(ctx, "round_approve"); err != nil {
		return err
	}
	if err := s.app.Settle(ctx); err != nil {
		return fmt.Errorf("demo: deliver the intros: %w", err)
	}
	if r, err = s.svc.Round(ctx, s.org.AdminID, r.ID); err != nil {
		return err
	}
	if r.Status != mentoring.RoundApproved {
		return fmt.Errorf("demo: round #%d is %s after HR approved it", r.ID, r.Status)
	}
	delivered, owed := s.deliveries(r.Proposal.Pairs)
	s.outcome("note_approved", r.ID, delivered, owed)
	return s.step(ctx)
}

// deliveries counts what an approved round owes its people (an intro in each pair's
// group DM, an orientation in each person's DM) and how much of it they received: the
// messages the app's outbox posted there, which carry its metadata.
func (s *script) deliveries(pairs []mentoring.ProposedPair) (delivered, owed int) {
	var convs []string
	people := map[string]bool{}
	for _, p := range pairs {
		convs = append(convs, s.fake.DMChannel(p.MentorID, p.MenteeID))
		for _, id := range []string{p.MentorID, p.MenteeID} {
			if !people[id] {
				people[id] = true
				convs = append(convs, s.fake.DMChannel(id))
			}
		}
	}
	for _, c := range convs {
		for _, m := range s.fake.Messages(c) {
			if len(m.Metadata) > 0 && !m.Deleted {
				delivered++
			}
		}
	}
	return delivered, len(convs)
}
