package mentoring

import (
	"errors"
	"time"
)

// RoundWorld is the state of the programme a pairing round is decided from, and checked
// against again when HR approves it: every participant whatever their status, the pairs
// now meeting, the imported org chart and the pairs of the rounds a pair may not repeat
// within.
type RoundWorld struct {
	Participants []Participant
	ActivePairs  []Pair
	Org          map[string]OrgPerson
	Recent       map[[2]string]bool
}

// Approval names the decision to approve a round: which round, the version HR saw, who
// approves and when, and how many earlier approved rounds a pair may not repeat.
type Approval struct {
	RoundID      int64
	Version      int
	By           string
	At           time.Time
	RecentRounds int
}

// What changed since a proposal was made, so that one of its pairs may no longer be made.
const (
	ChangeLeft     = "left"     // left the programme, or erased their data
	ChangePaused   = "paused"   // paused their participation
	ChangeRole     = "role"     // now takes part in the other role
	ChangePaired   = "paired"   // a mentee who is already in a pair (another round was approved)
	ChangeCapacity = "capacity" // a mentor with fewer free places than the proposal gives them
	ChangeRules    = "rules"    // a hard rule now forbids the pair: a manager, department or language changed, or they were paired recently
)

// RoundChange is one thing that changed since a proposal was made and stops one of its
// pairs from being made.
type RoundChange struct {
	Kind               string // one of the Change… constants
	UserID             string // whose situation changed
	MentorID, MenteeID string // the proposed pair it stops
	PartnerID          string // ChangePaired: who the mentee is paired with now
	Reason             string // ChangeRules: the rule, one of the Reason… constants for rules
	Capacity, Taken    int    // ChangeCapacity: the mentor's places, and how many are taken
	Proposed           int    // ChangeCapacity: how many mentees the proposal gives them
}

// errRoundChanged stops an approval whose proposal no longer fits the world.
var errRoundChanged = errors.New("the proposal no longer fits the programme as it is")

// pairingInput builds what a round is decided from out of the world as it is at now:
// active participants who still have room (mentees in an active pair, and mentors whose
// capacity is used, are left out), the org chart and the pairs of recent rounds. Those
// left out still shape reporting lines through the managers they named.
func pairingInputOf(w RoundWorld, now time.Time) PairingInput {
	taken := map[string]int{}
	for _, p := range w.ActivePairs {
		taken[p.MentorID]++
		taken[p.MenteeID]++
	}
	in := PairingInput{Now: now, Managers: map[string]string{}, Departments: map[string]string{},
		Named: map[string]string{}, Known: map[string]bool{}, Recent: w.Recent}
	for _, p := range w.Participants {
		in.Known[p.UserID] = true
		inRound := p.Active(now)
		switch p.Role {
		case RoleMentee:
			inRound = inRound && taken[p.UserID] == 0
		case RoleMentor:
			p.Capacity = max(1, p.Capacity) - taken[p.UserID]
			inRound = inRound && p.Capacity > 0
		}
		if inRound {
			in.Participants = append(in.Participants, p)
		} else if p.ManagerID != "" {
			in.Named[p.UserID] = p.ManagerID
		}
	}
	for id, o := range w.Org {
		in.Known[id] = true
		if o.ManagerID != "" {
			in.Managers[id] = o.ManagerID
		}
		if o.Department != "" {
			in.Departments[id] = o.Department
		}
	}
	return in
}

// checkProposal checks every pair of a proposal against the world as it is at now: both
// people still take part, in the role proposed; the mentee is in no pair yet; the mentor
// has a place for each mentee proposed; and every hard rule still allows the pair. It
// returns what changed, each change once, in the order of the pairs; none when the
// proposal can be approved as it is.
func checkProposal(w RoundWorld, now time.Time, rules PairingRules, prop Proposal) []RoundChange {
	in := pairingInputOf(w, now)
	byID := make(map[string]*Participant, len(w.Participants))
	for i := range w.Participants {
		byID[w.Participants[i].UserID] = &w.Participants[i]
	}
	taken := map[string]int{}
	pairedWith := map[string]string{}
	for _, p := range w.ActivePairs {
		taken[p.MentorID]++
		pairedWith[p.MenteeID] = p.MentorID
	}
	proposed := map[string]int{}
	for _, pp := range prop.Pairs {
		proposed[pp.MentorID]++
	}
	var out []RoundChange
	add := func(c RoundChange) {
		for _, o := range out {
			if o.Kind == c.Kind && o.UserID == c.UserID && (c.Kind != ChangeRules || o.MentorID == c.MentorID && o.MenteeID == c.MenteeID) {
				return
			}
		}
		out = append(out, c)
	}
	for _, pp := range prop.Pairs {
		ok := true
		for _, side := range []struct {
			id   string
			role Role
		}{{pp.MentorID, RoleMentor}, {pp.MenteeID, RoleMentee}} {
			c := RoundChange{UserID: side.id, MentorID: pp.MentorID, MenteeID: pp.MenteeID}
			p := byID[side.id]
			switch {
			case p == nil || p.Status == StatusLeft:
				c.Kind = ChangeLeft
			case !p.Active(now):
				c.Kind = ChangePaused
			case p.Role != side.role:
				c.Kind = ChangeRole
			default:
				continue
			}
			ok = false
			add(c)
		}
		if partner, paired := pairedWith[pp.MenteeID]; paired {
			ok = false
			add(RoundChange{Kind: ChangePaired, UserID: pp.MenteeID, MentorID: pp.MentorID, MenteeID: pp.MenteeID, PartnerID: partner})
		}
		if m := byID[pp.MentorID]; m != nil && m.Role == RoleMentor {
			if places := max(1, m.Capacity); places-taken[pp.MentorID] < proposed[pp.MentorID] {
				ok = false
				add(RoundChange{Kind: ChangeCapacity, UserID: pp.MentorID, MentorID: pp.MentorID, MenteeID: pp.MenteeID,
					Capacity: places, Taken: taken[pp.MentorID], Proposed: proposed[pp.MentorID]})
			}
		}
		if !ok {
			continue
		}
		if fine, why := in.Eligible(rules, *byID[pp.MentorID], *byID[pp.MenteeID]); !fine {
			add(RoundChange{Kind: ChangeRules, UserID: pp.MentorID, MentorID: pp.MentorID, MenteeID: pp.MenteeID, Reason: why})
		}
	}
	return out
}

// stillWaiting returns the unmatched people of a proposal who still take part and are in
// no pair now, so that they can be told they were not paired this time.
func stillWaiting(w RoundWorld, now time.Time, prop Proposal) []Unmatched {
	byID := make(map[string]*Participant, len(w.Participants))
	for i := range w.Participants {
		byID[w.Participants[i].UserID] = &w.Participants[i]
	}
	paired := map[string]bool{}
	for _, p := range w.ActivePairs {
		paired[p.MentorID], paired[p.MenteeID] = true, true
	}
	var out []Unmatched
	told := map[string]bool{}
	for _, u := range prop.Unmatched {
		p := byID[u.UserID]
		if p == nil || !p.Active(now) || p.Role != u.Role || paired[u.UserID] || told[u.UserID] {
			continue
		}
		told[u.UserID] = true
		out = append(out, u)
	}
	return out
}
