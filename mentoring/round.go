package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// RoundStatus is where a pairing round stands.
type RoundStatus string

// Round statuses. A round is proposed, then HR approves or cancels it; a newer proposal
// supersedes an older one still waiting.
const (
	RoundProposed   RoundStatus = "proposed"
	RoundApproved   RoundStatus = "approved"
	RoundCancelled  RoundStatus = "cancelled"
	RoundSuperseded RoundStatus = "superseded"
)

// Round is one pairing round.
type Round struct {
	ID        int64
	Status    RoundStatus
	Proposal  Proposal
	CreatedBy string
	CreatedAt time.Time
	Version   int    // bumped by every edit; approval names the version HR saw
	DecidedBy string // who approved or cancelled it
	DecidedAt time.Time
}

// PairStatus is whether a pair still meets.
type PairStatus string

// Pair statuses.
const (
	PairActive PairStatus = "active"
	PairEnded  PairStatus = "ended"
)

// Pair is a mentor and a mentee paired by an approved round.
type Pair struct {
	ID           int64
	RoundID      int64
	MentorID     string
	MenteeID     string
	Status       PairStatus
	Cadence      Cadence
	Score        float64
	SharedTopics []string
	Languages    []Lang
	TZGapHours   float64
	CreatedAt    time.Time
	EndedAt      time.Time
	// StalledSince is the first of the windows in a row in which the pair reported no
	// session, once they are StallAfter; 0 while the pair meets.
	StalledSince int
}

// Has reports whether the user is one of the pair.
func (p Pair) Has(userID string) bool { return p.MentorID == userID || p.MenteeID == userID }

// Partner returns the other member of the pair.
func (p Pair) Partner(userID string) string {
	if p.MentorID == userID {
		return p.MenteeID
	}
	return p.MentorID
}

// OrgPerson is one row of HR's org data: a person's department and manager.
type OrgPerson struct {
	UserID     string
	Department string
	ManagerID  string
}

// RoundStore is what the pairing use cases need of persistence.
type RoundStore interface {
	ListParticipants(ctx context.Context, statuses ...Status) ([]Participant, error)
	RoundWorld(ctx context.Context, recentRounds int) (RoundWorld, error)
	ActivePairs(ctx context.Context) ([]Pair, error)
	PairsOf(ctx context.Context, userID string) ([]Pair, error)
	SaveProposal(ctx context.Context, r Round) (Round, error)
	Round(ctx context.Context, id int64) (Round, error)
	PendingRound(ctx context.Context) (Round, error)
	UpdateProposal(ctx context.Context, id int64, version int, p Proposal) (int, error)
	// ApproveRoundChecked approves a round in one transaction with decide's look at the
	// world; decide's error approves nothing.
	ApproveRoundChecked(ctx context.Context, a Approval, decide func(RoundWorld) ([]Pair, []Notice, error)) error
	CancelRound(ctx context.Context, id int64, by string, at time.Time) error
}

// IntroData is the payload of an intro notice: the group DM that introduces a pair.
type IntroData struct {
	RoundID      int64    `json:"round_id"`
	MentorID     string   `json:"mentor_id"`
	MenteeID     string   `json:"mentee_id"`
	SharedTopics []string `json:"shared_topics"`
	Languages    []Lang   `json:"languages"`
	Cadence      Cadence  `json:"cadence"`
}

// OrientationData is the payload of an orientation notice: a private DM to one member of
// one or more new pairs.
type OrientationData struct {
	RoundID  int64    `json:"round_id"`
	UserID   string   `json:"user_id"`
	Role     Role     `json:"role"`
	Partners []string `json:"partners"`
}

// NoticeNotPaired is the kind of the private DM to someone an approved round left without
// a partner: why, in plain words, and that they stay in the pool for the next round.
const NoticeNotPaired = "not_paired"

// NotPairedData is the payload of a not-paired notice.
type NotPairedData struct {
	RoundID int64  `json:"round_id"`
	UserID  string `json:"user_id"`
	Role    Role   `json:"role"`
	Reason  string `json:"reason"` // one of the Reason… constants
}

// requireAdmin refuses anyone who is not an HR admin. Every admin use case calls it, so
// the check holds whatever the Slack client showed.
func (s *Service) requireAdmin(userID string) error {
	if !slices.Contains(s.opts.Admins, userID) {
		return &Error{Code: EFORBIDDEN, MessageKey: "admin_refused"}
	}
	return nil
}

// IsAdmin reports whether the user is an HR admin.
func (s *Service) IsAdmin(userID string) bool { return s.requireAdmin(userID) == nil }

// pairingInput loads what a round is decided from, as the world is now (see
// pairingInputOf).
func (s *Service) pairingInput(ctx context.Context) (PairingInput, error) {
	w, err := s.rounds.RoundWorld(ctx, s.opts.RepeatWindowRounds)
	if err != nil {
		return PairingInput{}, err
	}
	return pairingInputOf(w, s.clock.Now()), nil
}

func (s *Service) pairingRules() PairingRules {
	return PairingRules{AllowSameDepartment: s.opts.AllowSameDepartment, Weights: s.opts.Weights}
}

// ProposeRound computes a pairing round and stores it as a proposal for HR to review.
// Nobody is told anything until HR approves it.
func (s *Service) ProposeRound(ctx context.Context, by string) (Round, error) {
	if err := s.requireAdmin(by); err != nil {
		return Round{}, err
	}
	in, err := s.pairingInput(ctx)
	if err != nil {
		return Round{}, fmt.Errorf("propose round: %w", err)
	}
	prop, err := ProposePairs(in, s.pairingRules())
	if err != nil {
		return Round{}, fmt.Errorf("propose round: %w", err)
	}
	r, err := s.rounds.SaveProposal(ctx, Round{Proposal: prop, CreatedBy: by, CreatedAt: s.clock.Now()})
	if err != nil {
		return Round{}, fmt.Errorf("propose round: %w", err)
	}
	return r, nil
}

// Round returns a round for an admin to look at.
func (s *Service) Round(ctx context.Context, by string, id int64) (Round, error) {
	if err := s.requireAdmin(by); err != nil {
		return Round{}, err
	}
	r, err := s.rounds.Round(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Round{}, &Error{Code: ENOTFOUND, MessageKey: "round_not_found"}
	}
	return r, err
}

// PendingRound returns the proposal waiting for HR, or ENOTFOUND when there is none.
func (s *Service) PendingRound(ctx context.Context, by string) (Round, error) {
	if err := s.requireAdmin(by); err != nil {
		return Round{}, err
	}
	r, err := s.rounds.PendingRound(ctx)
	if errors.Is(err, ErrNotFound) {
		return Round{}, &Error{Code: ENOTFOUND, MessageKey: "round_not_found"}
	}
	return r, err
}

// editProposal applies change to a proposed round at version and stores it.
func (s *Service) editProposal(ctx context.Context, by string, id int64, version int, change func(in *PairingInput, p *Proposal) error) (Round, error) {
	r, err := s.Round(ctx, by, id)
	if err != nil {
		return Round{}, err
	}
	if r.Status != RoundProposed || r.Version != version {
		return r, &Error{Code: ECONFLICT, MessageKey: "round_stale"}
	}
	in, err := s.pairingInput(ctx)
	if err != nil {
		return Round{}, fmt.Errorf("edit round %d: %w", id, err)
	}
	if err := change(&in, &r.Proposal); err != nil {
		return r, err
	}
	v, err := s.rounds.UpdateProposal(ctx, id, version, r.Proposal)
	if err != nil {
		return r, err
	}
	r.Version = v
	return r, nil
}

// RemovePair takes pair i out of a proposal; both people become unmatched, removed by HR.
func (s *Service) RemovePair(ctx context.Context, by string, id int64, version, i int) (Round, error) {
	return s.editProposal(ctx, by, id, version, func(in *PairingInput, p *Proposal) error {
		if i < 0 || i >= len(p.Pairs) {
			return &Error{Code: EINVALID, MessageKey: "round_pair_unknown"}
		}
		gone := p.Pairs[i]
		p.Pairs = slices.Delete(p.Pairs, i, i+1)
		p.TotalScore -= gone.Score
		p.Unmatched = append(p.Unmatched,
			Unmatched{UserID: gone.MentorID, Role: RoleMentor, Reason: ReasonRemovedByHR},
			Unmatched{UserID: gone.MenteeID, Role: RoleMentee, Reason: ReasonRemovedByHR})
		p.LastSwap = nil
		reslot(in, s.pairingRules(), p, gone.MentorID)
		return nil
	})
}

// SwapMentees exchanges the mentees of pairs i and j of a proposal. Both new pairs must
// pass every hard rule; if one does not, nothing changes and the error says which rule.
// The proposal records what the swap did to the two pairs' scores (LastSwap), and the
// two mentors' mentees are numbered again (ExtraSlot) with the reason that now holds.
func (s *Service) SwapMentees(ctx context.Context, by string, id int64, version, i, j int) (Round, error) {
	return s.editProposal(ctx, by, id, version, func(in *PairingInput, p *Proposal) error {
		if i < 0 || j < 0 || i >= len(p.Pairs) || j >= len(p.Pairs) || i == j {
			return &Error{Code: EINVALID, MessageKey: "round_pair_unknown"}
		}
		byID := in.index()
		a, b := p.Pairs[i], p.Pairs[j]
		newPairs := [2][2]string{{a.MentorID, b.MenteeID}, {b.MentorID, a.MenteeID}}
		var made [2]ProposedPair
		for k, np := range newPairs {
			mentor, mentee := byID[np[0]], byID[np[1]]
			if mentor == nil || mentee == nil {
				return &Error{Code: ECONFLICT, MessageKey: "round_person_gone"}
			}
			if ok, why := in.Eligible(s.pairingRules(), *mentor, *mentee); !ok {
				return &Error{Code: EINVALID, MessageKey: "round_swap_refused",
					Data: map[string]any{"Reason": why, "Mentor": np[0], "Mentee": np[1]}}
			}
			_, made[k] = in.score(s.opts.Weights, *mentor, *mentee)
		}
		p.TotalScore += made[0].Score + made[1].Score - a.Score - b.Score
		p.Pairs[i], p.Pairs[j] = made[0], made[1]
		p.LastSwap = &SwapEffect{Pairs: [2]int{i, j}, Before: [2]float64{a.Score, b.Score}, After: [2]float64{made[0].Score, made[1].Score}}
		reslot(in, s.pairingRules(), p, a.MentorID, b.MentorID)
		return nil
	})
}

// SwapEffect is what HR's last swap did: the two pairs (indexes into Pairs) and their
// scores before and after.
type SwapEffect struct {
	Pairs  [2]int
	Before [2]float64
	After  [2]float64
}

// Worse returns how many of the two pairs score lower than before the swap.
func (e SwapEffect) Worse() int {
	n := 0
	for k := range e.Before {
		if e.After[k] < e.Before[k] {
			n++
		}
	}
	return n
}

// reslot numbers the mentees of each of mentors again after an edit, best score first,
// and gives every mentee beyond a mentor's first the reason that holds now: no free
// mentor (every other mentor of the round who could take them, with room, has at least
// as many mentees as came before them), or else HR's swap.
func reslot(in *PairingInput, rules PairingRules, p *Proposal, mentors ...string) {
	load := map[string]int{}
	for _, pp := range p.Pairs {
		load[pp.MentorID]++
	}
	done := map[string]bool{}
	for _, mentor := range mentors {
		if done[mentor] {
			continue
		}
		done[mentor] = true
		var idx []int
		for k, pp := range p.Pairs {
			if pp.MentorID == mentor {
				idx = append(idx, k)
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			if p.Pairs[a].Score != p.Pairs[b].Score {
				return cmpFloat(p.Pairs[b].Score, p.Pairs[a].Score)
			}
			return cmpString(p.Pairs[a].MenteeID, p.Pairs[b].MenteeID)
		})
		for slot, k := range idx {
			pp := &p.Pairs[k]
			pp.ExtraSlot, pp.SlotReason = slot, ""
			if slot > 0 {
				pp.SlotReason = ReasonNoFreeMentor
				if freeMentor(in, rules, load, mentor, pp.MenteeID, slot) {
					pp.SlotReason = ReasonSwappedByHR
				}
			}
		}
	}
}

// freeMentor reports whether a mentor of the round other than mentor, with room, fewer
// than slot mentees and no rule against it, could take the mentee.
func freeMentor(in *PairingInput, rules PairingRules, load map[string]int, mentor, mentee string, slot int) bool {
	e := in.index()[mentee]
	if e == nil {
		return false
	}
	for _, z := range in.Participants {
		if z.Role != RoleMentor || z.UserID == mentor || !z.Active(in.Now) || load[z.UserID] >= slot || load[z.UserID] >= max(1, z.Capacity) {
			continue
		}
		if ok, _ := in.Eligible(rules, z, *e); ok {
			return true
		}
	}
	return false
}

// ApproveRound approves the proposal HR reviewed (version) and tells everyone: one intro
// group DM per pair, one orientation DM per person, and a DM to each person left without
// a partner, queued in the same transaction as the pairs. Approving twice (a double
// click, two admins) tells no one twice: the second gets ECONFLICT.
//
// In that same transaction every pair is checked against the programme as it is then:
// a proposal made before another round was approved, or left waiting while people left,
// paused, changed manager, department or capacity, could pair someone twice. If any pair
// fails, nothing is approved: a fresh proposal is made in its place and returned with an
// ECONFLICT error whose message is "round_changed" and whose Data["Changes"] lists what
// changed ([]RoundChange).
func (s *Service) ApproveRound(ctx context.Context, by string, id int64, version int) (Round, error) {
	r, err := s.Round(ctx, by, id)
	if err != nil {
		return Round{}, err
	}
	if r.Status != RoundProposed || r.Version != version {
		return r, &Error{Code: ECONFLICT, MessageKey: "round_stale", Data: map[string]any{"Status": string(r.Status)}}
	}
	now := s.clock.Now()
	var changes []RoundChange
	err = s.rounds.ApproveRoundChecked(ctx, Approval{RoundID: id, Version: version, By: by, At: now, RecentRounds: s.opts.RepeatWindowRounds},
		func(w RoundWorld) ([]Pair, []Notice, error) {
			if changes = checkProposal(w, now, s.pairingRules(), r.Proposal); len(changes) > 0 {
				return nil, nil, errRoundChanged
			}
			pairs, notices := approvalOf(w, now, r)
			return pairs, notices, nil
		})
	switch {
	case len(changes) > 0:
		fresh, perr := s.ProposeRound(ctx, by)
		if perr != nil {
			return r, fmt.Errorf("approve round %d: propose again: %w", id, perr)
		}
		return fresh, &Error{Code: ECONFLICT, MessageKey: "round_changed",
			Data: map[string]any{"Changes": changes, "Round": id}, Err: errRoundChanged}
	case ErrorCode(err) == ECONFLICT:
		fresh, _ := s.rounds.Round(ctx, id)
		return fresh, &Error{Code: ECONFLICT, MessageKey: "round_stale", Data: map[string]any{"Status": string(fresh.Status)}, Err: err}
	case err != nil:
		return r, fmt.Errorf("approve round %d: %w", id, err)
	}
	r.Status, r.DecidedBy, r.DecidedAt = RoundApproved, by, now
	return r, nil
}

// approvalOf is what approving round r makes, in the world as it is at now: the pairs,
// an intro per pair, an orientation per person paired, and a notice to each person the
// round leaves without a partner who still takes part and has no pair.
func approvalOf(w RoundWorld, now time.Time, r Round) ([]Pair, []Notice) {
	byID := make(map[string]Participant, len(w.Participants))
	for _, p := range w.Participants {
		byID[p.UserID] = p
	}
	var pairs []Pair
	var notices []Notice
	partners := map[string][]string{}
	for _, pp := range r.Proposal.Pairs {
		cadence := slowerCadence(byID[pp.MentorID].Cadence, byID[pp.MenteeID].Cadence)
		pairs = append(pairs, Pair{RoundID: r.ID, MentorID: pp.MentorID, MenteeID: pp.MenteeID, Status: PairActive,
			Cadence: cadence, Score: pp.Score, SharedTopics: pp.SharedTopics, Languages: pp.Languages,
			TZGapHours: pp.TZGapHours, CreatedAt: now})
		data, _ := json.Marshal(IntroData{RoundID: r.ID, MentorID: pp.MentorID, MenteeID: pp.MenteeID,
			SharedTopics: pp.SharedTopics, Languages: pp.Languages, Cadence: cadence})
		notices = append(notices, Notice{Key: fmt.Sprintf("round:%d:intro:%s:%s", r.ID, pp.MentorID, pp.MenteeID),
			Kind: NoticeIntro, UserIDs: []string{pp.MentorID, pp.MenteeID}, Data: data})
		partners[pp.MentorID] = append(partners[pp.MentorID], pp.MenteeID)
		partners[pp.MenteeID] = append(partners[pp.MenteeID], pp.MentorID)
	}
	users := make([]string, 0, len(partners))
	for u := range partners {
		users = append(users, u)
	}
	slices.Sort(users)
	for _, u := range users {
		data, _ := json.Marshal(OrientationData{RoundID: r.ID, UserID: u, Role: byID[u].Role, Partners: partners[u]})
		notices = append(notices, Notice{Key: fmt.Sprintf("round:%d:orientation:%s", r.ID, u),
			Kind: NoticeOrientation, UserIDs: []string{u}, Data: data})
	}
	for _, u := range stillWaiting(w, now, r.Proposal) {
		data, _ := json.Marshal(NotPairedData{RoundID: r.ID, UserID: u.UserID, Role: u.Role, Reason: u.Reason})
		notices = append(notices, Notice{Key: fmt.Sprintf("round:%d:not_paired:%s", r.ID, u.UserID),
			Kind: NoticeNotPaired, UserIDs: []string{u.UserID}, Data: data})
	}
	return pairs, notices
}

// CancelRound drops a proposal; nobody was told anything.
func (s *Service) CancelRound(ctx context.Context, by string, id int64) error {
	if err := s.requireAdmin(by); err != nil {
		return err
	}
	if err := s.rounds.CancelRound(ctx, id, by, s.clock.Now()); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return &Error{Code: ECONFLICT, MessageKey: "round_stale", Err: err}
		}
		return fmt.Errorf("cancel round %d: %w", id, err)
	}
	return nil
}

// ActivePairs lists the pairs now meeting, for HR.
func (s *Service) ActivePairs(ctx context.Context, by string) ([]Pair, error) {
	if err := s.requireAdmin(by); err != nil {
		return nil, err
	}
	return s.rounds.ActivePairs(ctx)
}

// PairsOf returns the user's active pairs.
func (s *Service) PairsOf(ctx context.Context, userID string) ([]Pair, error) {
	return s.rounds.PairsOf(ctx, userID)
}

// slowerCadence is the less frequent of two cadences: a pair meets as often as the busier
// of the two can.
func slowerCadence(a, b Cadence) Cadence {
	if !a.Valid() {
		return b
	}
	if !b.Valid() || a.Interval() >= b.Interval() {
		return a
	}
	return b
}
