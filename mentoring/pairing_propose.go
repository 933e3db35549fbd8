package mentoring

import (
	"fmt"
	"math"
	"slices"

	"github.com/reverse-mentor/reverse-mentor/match"
)

// ProposePairs decides a round: the assignment of mentors (with their capacities) to
// mentees that pairs as many people as the hard rules allow; among those, gives as many
// mentors as possible a mentee before any mentor gets a second, and a second before any
// gets a third; and among those has the highest total score. It is deterministic for the
// same input.
//
// Rounds above denseLimit people on a side, or with MaxCandidates set, are solved on a
// candidate graph: each mentor's best-scoring mentees united with each mentee's best few
// mentors, so that no mentee is left out because every mentor's list preferred others.
// The candidates are found through an index rather than by scoring every pair (see
// pairing_index.go), and are the same as scoring every pair would keep.
func ProposePairs(in PairingInput, rules PairingRules) (Proposal, error) {
	return propose(&in, rules, indexedCandidates)
}

// round is a pairing round being decided: its active mentors and mentees in user order,
// and their prepared forms.
type round struct {
	in               *PairingInput
	rules            PairingRules
	mentors, mentees []*Participant
	pm, pe           []prepared

	idx            *roundIndex // built when first needed
	stampE, stampM []int32     // scratch over the mentees and the mentors, for counting
}

// ruleCounts holds, for each mentor and each mentee, how many partners each hard rule
// ruled out.
type ruleCounts struct {
	mentor, mentee [][len(reasonOrder)]int
}

// candidateFinder builds the sparse problem of a large round: each mentor's best limit
// mentees united with each mentee's best min(limit, menteeChoices) mentors (equal scores
// ranked by tieKey), every row best first, ties to the mentee who comes first. It may
// return the
// rule counts of everyone, when it had them on the way; nil means they are counted for
// the unmatched only.
type candidateFinder func(rd *round, limit int) (match.Sparse, *ruleCounts)

// propose is ProposePairs with the way a large round finds its candidates.
func propose(in *PairingInput, rules PairingRules, find candidateFinder) (Proposal, error) {
	rd := newRound(in, rules)
	capacity := make([]int, len(rd.mentors))
	for i, m := range rd.mentors {
		capacity[i] = max(1, m.Capacity)
	}
	sparse := len(rd.mentors) > denseLimit || len(rd.mentees) > denseLimit || rules.MaxCandidates > 0
	var pairing match.Pairing
	var counts *ruleCounts
	var err error
	if sparse {
		limit := rules.MaxCandidates
		if limit == 0 {
			limit = 50
		}
		var g match.Sparse
		g, counts = find(rd, limit)
		pairing, err = match.SolveSparseCapacity(g, capacity)
	} else {
		var d match.Dense
		d, counts = rd.scoreAll()
		pairing, err = match.SolveDenseCapacity(d, capacity)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("propose pairs: %w", err)
	}
	return rd.proposal(pairing, capacity, counts), nil
}

// newRound gathers the active mentors and mentees of in, in user order, and prepares them.
func newRound(in *PairingInput, rules PairingRules) *round {
	rd := &round{in: in, rules: rules}
	for i := range in.Participants {
		p := &in.Participants[i]
		if !p.Active(in.Now) {
			continue
		}
		switch p.Role {
		case RoleMentor:
			rd.mentors = append(rd.mentors, p)
		case RoleMentee:
			rd.mentees = append(rd.mentees, p)
		}
	}
	byUser := func(a, b *Participant) int { return cmpString(a.UserID, b.UserID) }
	slices.SortFunc(rd.mentors, byUser)
	slices.SortFunc(rd.mentees, byUser)
	prep := func(ps []*Participant) []prepared {
		out := make([]prepared, len(ps))
		for i, p := range ps {
			out[i] = in.prepare(p)
		}
		return out
	}
	rd.pm, rd.pe = prep(rd.mentors), prep(rd.mentees)
	return rd
}

// scoreAll checks and scores every pair of a round small enough for a full cost matrix.
func (rd *round) scoreAll() (match.Dense, *ruleCounts) {
	counts := &ruleCounts{mentor: make([][len(reasonOrder)]int, len(rd.pm)), mentee: make([][len(reasonOrder)]int, len(rd.pe))}
	d := match.NewDense(len(rd.pm), len(rd.pe))
	for r := range rd.pm {
		for c := range rd.pe {
			if why := rd.in.ruleOut(rd.rules, &rd.pm[r], &rd.pe[c]); why >= 0 {
				counts.mentor[r][why]++
				counts.mentee[c][why]++
				d.Set(r, c, math.Inf(1))
				continue
			}
			d.Set(r, c, -scorePrepared(rd.rules.Weights, &rd.pm[r], &rd.pe[c]))
		}
	}
	return d, counts
}

// proposal explains the pairing: every pair with what it shares and, for a mentor's
// second or third mentee, why; every unmatched person with why.
func (rd *round) proposal(pairing match.Pairing, capacity []int, counts *ruleCounts) Proposal {
	var prop Proposal
	usedMentor := make([]int, len(rd.mentors))
	usedMentee := make([]bool, len(rd.mentees))
	byMentor := make([][]int, len(rd.mentors)) // indexes into prop.Pairs
	for _, p := range pairing.Pairs {
		s, det := rd.in.explain(rd.rules.Weights, &rd.pm[p.Row], &rd.pe[p.Col])
		byMentor[p.Row] = append(byMentor[p.Row], len(prop.Pairs))
		prop.Pairs = append(prop.Pairs, det)
		prop.TotalScore += s
		usedMentor[p.Row]++
		usedMentee[p.Col] = true
	}
	for _, idx := range byMentor {
		if len(idx) < 2 {
			continue
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			pa, pb := &prop.Pairs[a], &prop.Pairs[b]
			if pa.Score != pb.Score {
				return cmpFloat(pb.Score, pa.Score)
			}
			return cmpString(pa.MenteeID, pb.MenteeID)
		})
		for slot, k := range idx[1:] {
			prop.Pairs[k].ExtraSlot, prop.Pairs[k].SlotReason = slot+1, ReasonNoFreeMentor
		}
	}

	slots := 0
	for _, c := range capacity {
		slots += c
	}
	unmatched := func(p *Participant, out [len(reasonOrder)]int, others int, outnumbered bool) Unmatched {
		u := Unmatched{UserID: p.UserID, Role: p.Role}
		eligible := others
		for i, n := range out {
			if n > 0 {
				if u.Counts == nil {
					u.Counts = map[string]int{}
				}
				u.Counts[reasonOrder[i]] = n
				eligible -= n
			}
		}
		switch {
		case others == 0:
			u.Reason = ReasonNoPartner
		case eligible == 0:
			u.Reason = dominantReason(u.Counts)
		case outnumbered:
			u.Reason = ReasonOutnumbered
		default:
			u.Reason = ReasonCapacityFull
		}
		return u
	}
	for i, m := range rd.mentors {
		if usedMentor[i] == 0 {
			prop.Unmatched = append(prop.Unmatched, unmatched(m, rd.mentorCounts(counts, i), len(rd.mentees), slots > len(rd.mentees)))
		}
	}
	for i, e := range rd.mentees {
		if !usedMentee[i] {
			prop.Unmatched = append(prop.Unmatched, unmatched(e, rd.menteeCounts(counts, i), len(rd.mentors), len(rd.mentees) > slots))
		}
	}
	return prop
}

// mentorCounts returns how many mentees each rule ruled out for mentor r, from counts
// when there are any, else through the index.
func (rd *round) mentorCounts(counts *ruleCounts, r int) [len(reasonOrder)]int {
	if counts != nil {
		return counts.mentor[r]
	}
	x := rd.index()
	if rd.stampE == nil {
		rd.stampE = make([]int32, len(rd.pe))
	}
	m := &rd.pm[r]
	return countOut(rd.rules, m, x.mentees, x.recentOfMentor[m.uid], rd.stampE, int32(r+1))
}

// menteeCounts is mentorCounts for mentee c.
func (rd *round) menteeCounts(counts *ruleCounts, c int) [len(reasonOrder)]int {
	if counts != nil {
		return counts.mentee[c]
	}
	x := rd.index()
	if rd.stampM == nil {
		rd.stampM = make([]int32, len(rd.pm))
	}
	e := &rd.pe[c]
	return countOut(rd.rules, e, x.mentors, x.recentOfMentee[e.uid], rd.stampM, int32(c+1))
}

// dominantReason is the rule that ruled out the most partners (ties broken by rule order).
func dominantReason(counts map[string]int) string {
	best, n := ReasonNoPartner, 0
	for _, r := range []string{ReasonSameDepartment, ReasonReportingLine, ReasonNoLanguage, ReasonRepeat} {
		if counts[r] > n {
			best, n = r, counts[r]
		}
	}
	return best
}
