package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Pause lengths, in weeks.
const (
	DefaultPauseWeeks = 4
	MaxPauseWeeks     = 26
)

// Pause takes userID out of prompts, nudges and pulse surveys for weeks (0 = the
// programme's default) while keeping their pair; the pause ends by itself with a DM.
// Prompts still waiting for their answer are withdrawn and do not count as missed.
func (s *Service) Pause(ctx context.Context, userID string, weeks int) (Participant, error) {
	if weeks == 0 {
		weeks = s.opts.PauseWeeks
	}
	if weeks < 1 || weeks > MaxPauseWeeks {
		return Participant{}, &Error{Code: EINVALID, MessageKey: "pause_usage", Data: map[string]any{"Max": MaxPauseWeeks}}
	}
	p, err := s.Participant(ctx, userID)
	if err != nil {
		return Participant{}, err
	}
	now := s.clock.Now()
	until := now.Add(time.Duration(weeks) * 7 * 24 * time.Hour)
	if err := s.sessions.Pause(ctx, userID, now, until); err != nil {
		return Participant{}, fmt.Errorf("pause %s: %w", userID, err)
	}
	p.Status, p.PausedUntil = StatusPaused, until
	return p, nil
}

// Resume ends userID's pause now. Someone who is not paused gets ECONFLICT.
func (s *Service) Resume(ctx context.Context, userID string) (Participant, error) {
	p, err := s.Participant(ctx, userID)
	if err != nil {
		return Participant{}, err
	}
	if p.Status != StatusPaused {
		return p, &Error{Code: ECONFLICT, MessageKey: "resume_not_paused"}
	}
	now := s.clock.Now()
	if _, err := s.sessions.Resume(ctx, userID, now, nil); err != nil {
		return Participant{}, fmt.Errorf("resume %s: %w", userID, err)
	}
	p.Status, p.PausedUntil, p.QuietSince = StatusActive, time.Time{}, time.Time{}
	return p, nil
}

// Why a pair ended, as its partner is told.
const (
	EndLeft        = "left"        // the partner left the programme
	EndDeactivated = "deactivated" // the partner's Slack account was deactivated
)

// PairEndedData is the payload of the DM that tells someone their pair has ended. It
// names neither the person who left nor why they left: it says kindly that the pair
// ended and what happens next.
type PairEndedData struct {
	PairID      int64     `json:"pair_id"`
	UserID      string    `json:"user_id"`      // the partner who stays
	LeaverRole  Role      `json:"leaver_role"`  // mentor or mentee
	Since       time.Time `json:"since"`        // when the pair began
	Deactivated bool      `json:"deactivated"`  // the account is gone, not a choice
	OtherPairs  int       `json:"other_pairs"`  // pairs the partner still has
	WillRematch bool      `json:"will_rematch"` // they stay in the pool for the next round
}

// LeaveResult tells what Leave did.
type LeaveResult struct {
	PairsEnded int
	Erased     bool
}

// Leave takes userID out of the programme: their pairs end and each partner is told
// kindly, without reasons; nothing more is sent to them. With erase, everything stored
// about them (profile, answers, notes, queued messages, cached DM channels, org data
// naming them) is deleted; only anonymous figures already published remain.
func (s *Service) Leave(ctx context.Context, userID string, erase bool) (LeaveResult, error) {
	if _, err := s.store.Participant(ctx, userID); errors.Is(err, ErrNotFound) {
		return LeaveResult{}, &Error{Code: ENOTJOINED, MessageKey: "error_not_joined"}
	} else if err != nil {
		return LeaveResult{}, fmt.Errorf("leave %s: %w", userID, err)
	}
	return s.leave(ctx, userID, erase, EndLeft)
}

// Deactivated handles a Slack account that was deactivated (users.info says deleted, or
// Slack refuses a message with user_disabled or account_inactive) as a leave without
// erasure: the pairs end and each partner is told once. It reports whether the person
// was taking part.
func (s *Service) Deactivated(ctx context.Context, userID string) (bool, error) {
	p, err := s.store.Participant(ctx, userID)
	if errors.Is(err, ErrNotFound) || err == nil && p.Status == StatusLeft {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("deactivated %s: %w", userID, err)
	}
	if _, err := s.leave(ctx, userID, false, EndDeactivated); err != nil {
		return false, err
	}
	return true, nil
}

func (s *Service) leave(ctx context.Context, userID string, erase bool, why string) (LeaveResult, error) {
	now := s.clock.Now()
	others := map[string]int{}
	if active, err := s.rounds.ActivePairs(ctx); err == nil {
		for _, p := range active {
			others[p.MentorID]++
			others[p.MenteeID]++
		}
	}
	notice := func(p Pair) Notice {
		partner := p.Partner(userID)
		role := RoleMentee
		if p.MentorID == userID {
			role = RoleMentor
		}
		data, _ := json.Marshal(PairEndedData{PairID: p.ID, UserID: partner, LeaverRole: role, Since: p.CreatedAt,
			Deactivated: why == EndDeactivated, OtherPairs: max(0, others[partner]-1), WillRematch: true})
		return Notice{Key: fmt.Sprintf("pair_ended:%d", p.ID), Kind: NoticePairEnded,
			UserIDs: []string{partner}, Data: data}
	}
	ended, err := s.sessions.Leave(ctx, userID, now, erase, notice)
	if err != nil {
		return LeaveResult{}, fmt.Errorf("leave %s: %w", userID, err)
	}
	return LeaveResult{PairsEnded: len(ended), Erased: erase}, nil
}

// Without returns the proposal with every pair and unmatched entry naming userID taken
// out, for erasing a person's data.
func (p Proposal) Without(userID string) Proposal {
	out := Proposal{}
	for _, pp := range p.Pairs {
		if pp.MentorID == userID || pp.MenteeID == userID {
			continue
		}
		out.Pairs = append(out.Pairs, pp)
		out.TotalScore += pp.Score
	}
	for _, u := range p.Unmatched {
		if u.UserID != userID {
			out.Unmatched = append(out.Unmatched, u)
		}
	}
	return out
}
