package mentoring

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/reverse-mentor/reverse-mentor/match"
)

// Weights set how much each soft criterion counts in a pair's score. A pair's score is
// the sum of its parts; the matching maximises the total score over all pairs.
type Weights struct {
	SharedTopic   float64 // per topic both chose
	FreeTopics    float64 // both wrote free topics (a conversation starter, not a rule)
	TZHour        float64 // subtracted per hour of time-zone difference
	SeniorityStep float64 // per level the mentee stands above the mentor in the org chart
	WaitingWeek   float64 // per week each of the two has waited since joining
}

// DefaultWeights favour shared topics, then closeness in time, then those who waited.
func DefaultWeights() Weights {
	return Weights{SharedTopic: 10, FreeTopics: 2, TZHour: 1.5, SeniorityStep: 1, WaitingWeek: 0.5}
}

// PairingRules are the hard rules and weights of a pairing round.
type PairingRules struct {
	AllowSameDepartment bool
	Weights             Weights
	// MaxCandidates bounds the candidates kept for each mentor when the round is large
	// (the best-scoring ones); 0 keeps all. Rounds above denseLimit people on a side
	// always use it, with 50 when it is 0.
	MaxCandidates int
}

// denseLimit is the side length above which a round is solved on a sparse candidate graph.
const denseLimit = 2000

// PairingInput is everything a round is decided from.
type PairingInput struct {
	Participants []Participant
	// Managers maps a user to their manager, from imported org data; a participant's own
	// ManagerID from the opt-in modal is used too. Either source is enough to forbid a pair.
	Managers map[string]string
	// Departments maps a user to their department from imported org data; two people
	// count as one department when either source says so.
	Departments map[string]string
	// Recent holds pairs (mentor, mentee) from the rounds a pair may not repeat within.
	Recent map[[2]string]bool
	Now    time.Time

	byID   map[string]*Participant
	chains map[string][]string // user → managers above them, nearest first
}

// Why a pair was ruled out or a person left unmatched. Each is a message key suffix.
const (
	ReasonSameDepartment = "same_department"
	ReasonReportingLine  = "reporting_line"
	ReasonRepeat         = "repeat"
	ReasonNoLanguage     = "no_language"
	ReasonNoPartner      = "no_partner"    // nobody of the other role in the round
	ReasonCapacityFull   = "capacity_full" // eligible partners exist but all were taken
	ReasonOutnumbered    = "outnumbered"   // more people on this side than places on the other
	ReasonRemovedByHR    = "removed_by_hr" // HR took the pair out of the proposal
)

// ProposedPair is one pair of a proposal with why it was chosen.
type ProposedPair struct {
	MentorID, MenteeID string
	Score              float64
	SharedTopics       []string // topic IDs both chose
	Languages          []Lang   // languages both speak
	TZGapHours         float64
}

// Unmatched is a person the proposal leaves without a partner, and why.
type Unmatched struct {
	UserID string
	Role   Role
	Reason string         // one of the Reason… constants
	Counts map[string]int // for ReasonNo…: how many partners each rule ruled out
}

// Proposal is the outcome of a pairing round before HR approves it.
type Proposal struct {
	Pairs      []ProposedPair
	Unmatched  []Unmatched
	TotalScore float64
}

// Eligible reports whether mentor and mentee may be paired, and if not the first rule
// that forbids it. It is the one place the hard rules live: proposals, swaps and manual
// edits all ask it. It caches the org chart in the input, so one input is not for
// concurrent use.
func (in *PairingInput) Eligible(rules PairingRules, mentor, mentee Participant) (bool, string) {
	if !rules.AllowSameDepartment && in.sameDepartment(mentor, mentee) {
		return false, ReasonSameDepartment
	}
	if in.inChain(mentor.UserID, mentee.UserID) || in.inChain(mentee.UserID, mentor.UserID) {
		return false, ReasonReportingLine
	}
	if in.Recent[[2]string{mentor.UserID, mentee.UserID}] {
		return false, ReasonRepeat
	}
	if len(commonLangs(mentor.Languages, mentee.Languages)) == 0 {
		return false, ReasonNoLanguage
	}
	return true, ""
}

// sameDepartment reports whether the two share a department by their own word or by
// the imported org data.
func (in *PairingInput) sameDepartment(a, b Participant) bool {
	if DepartmentKey(a.Department) == DepartmentKey(b.Department) {
		return true
	}
	da, db := in.Departments[a.UserID], in.Departments[b.UserID]
	return da != "" && db != "" && DepartmentKey(da) == DepartmentKey(db)
}

// managersOf returns the user's managers by every source: imported org data and the
// manager they named in the opt-in modal (usually the same person).
func (in *PairingInput) managersOf(userID string) []string {
	var out []string
	if m := in.Managers[userID]; m != "" {
		out = append(out, m)
	}
	if p, ok := in.index()[userID]; ok && p.ManagerID != "" && p.ManagerID != in.Managers[userID] {
		out = append(out, p.ManagerID)
	}
	return out
}

// chain returns everyone above the user in the management chain by any source, nearest
// first, computed once per user. Cycles in the data end the walk rather than looping.
func (in *PairingInput) chain(user string) []string {
	if c, ok := in.chains[user]; ok {
		return c
	}
	if in.chains == nil {
		in.chains = map[string][]string{}
	}
	var c []string
	seen := map[string]bool{user: true}
	queue := in.managersOf(user)
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if seen[cur] {
			continue
		}
		seen[cur] = true
		c = append(c, cur)
		queue = append(queue, in.managersOf(cur)...)
	}
	in.chains[user] = c
	return c
}

// inChain reports whether boss is somewhere above user in the management chain, at any depth.
func (in *PairingInput) inChain(boss, user string) bool {
	return slices.Contains(in.chain(user), boss)
}

func (in *PairingInput) index() map[string]*Participant {
	if in.byID == nil {
		in.byID = make(map[string]*Participant, len(in.Participants))
		for i := range in.Participants {
			in.byID[in.Participants[i].UserID] = &in.Participants[i]
		}
	}
	return in.byID
}

// score is how good a pair is; higher is better.
func (in *PairingInput) score(w Weights, mentor, mentee Participant, depths map[string]int) (float64, ProposedPair) {
	shared := sharedTopics(mentor.Topics, mentee.Topics)
	gap := tzGapHours(mentor.TZOffset, mentee.TZOffset)
	s := w.SharedTopic*float64(len(shared)) - w.TZHour*gap
	if mentor.FreeTopics != "" && mentee.FreeTopics != "" {
		s += w.FreeTopics
	}
	if dm, ok := depths[mentor.UserID]; ok {
		if de, ok := depths[mentee.UserID]; ok && de < dm {
			s += w.SeniorityStep * float64(dm-de)
		}
	}
	for _, p := range []Participant{mentor, mentee} {
		if !p.JoinedAt.IsZero() && in.Now.After(p.JoinedAt) {
			s += w.WaitingWeek * math.Min(in.Now.Sub(p.JoinedAt).Hours()/(24*7), 12)
		}
	}
	return s, ProposedPair{MentorID: mentor.UserID, MenteeID: mentee.UserID, Score: s,
		SharedTopics: shared, Languages: commonLangs(mentor.Languages, mentee.Languages), TZGapHours: gap}
}

// ProposePairs decides a round: the assignment of mentors (with their capacities) to
// mentees that pairs as many people as the hard rules allow and, among those, has the
// highest total score. It is deterministic for the same input.
func ProposePairs(in PairingInput, rules PairingRules) (Proposal, error) {
	var mentors, mentees []Participant
	for _, p := range in.Participants {
		if !p.Active(in.Now) {
			continue
		}
		switch p.Role {
		case RoleMentor:
			mentors = append(mentors, p)
		case RoleMentee:
			mentees = append(mentees, p)
		}
	}
	byUser := func(a, b Participant) int { return cmpString(a.UserID, b.UserID) }
	slices.SortFunc(mentors, byUser)
	slices.SortFunc(mentees, byUser)

	// Seniority is known where the org chart reaches: the depth below the top.
	depths := make(map[string]int, len(in.Participants))
	isManager := map[string]bool{}
	for _, p := range in.Participants {
		for _, m := range in.managersOf(p.UserID) {
			isManager[m] = true
		}
	}
	for _, p := range in.Participants {
		if c := in.chain(p.UserID); len(c) > 0 || isManager[p.UserID] {
			depths[p.UserID] = len(c)
		}
	}

	ruledOut := map[string]map[string]int{} // user → reason → count
	count := func(user, reason string) {
		if ruledOut[user] == nil {
			ruledOut[user] = map[string]int{}
		}
		ruledOut[user][reason]++
	}
	details := map[[2]int]ProposedPair{}
	capacity := make([]int, len(mentors))
	for i, m := range mentors {
		capacity[i] = max(1, m.Capacity)
	}

	sparse := len(mentors) > denseLimit || len(mentees) > denseLimit || rules.MaxCandidates > 0
	limit := rules.MaxCandidates
	if sparse && limit == 0 {
		limit = 50
	}
	var pairing match.Pairing
	var err error
	if sparse {
		var g match.Sparse
		g.Cols = len(mentees)
		for r, m := range mentors {
			type cand struct {
				col   int
				score float64
			}
			var cands []cand
			for c, e := range mentees {
				ok, why := in.Eligible(rules, m, e)
				if !ok {
					count(m.UserID, why)
					count(e.UserID, why)
					continue
				}
				s, d := in.score(rules.Weights, m, e, depths)
				details[[2]int{r, c}] = d
				cands = append(cands, cand{c, s})
			}
			sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
			if len(cands) > limit {
				cands = cands[:limit]
			}
			cols := make([]int, len(cands))
			costs := make([]float64, len(cands))
			for i, c := range cands {
				cols[i], costs[i] = c.col, -c.score
			}
			g.AddRow(cols, costs)
		}
		pairing, err = match.SolveSparseCapacity(g, capacity)
	} else {
		d := match.NewDense(len(mentors), len(mentees))
		for r, m := range mentors {
			for c, e := range mentees {
				ok, why := in.Eligible(rules, m, e)
				if !ok {
					count(m.UserID, why)
					count(e.UserID, why)
					d.Set(r, c, math.Inf(1))
					continue
				}
				s, det := in.score(rules.Weights, m, e, depths)
				details[[2]int{r, c}] = det
				d.Set(r, c, -s)
			}
		}
		pairing, err = match.SolveDenseCapacity(d, capacity)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("propose pairs: %w", err)
	}

	var prop Proposal
	usedMentor := make([]int, len(mentors))
	usedMentee := make([]bool, len(mentees))
	for _, p := range pairing.Pairs {
		det := details[[2]int{p.Row, p.Col}]
		prop.Pairs = append(prop.Pairs, det)
		prop.TotalScore += det.Score
		usedMentor[p.Row]++
		usedMentee[p.Col] = true
	}
	eligibleCount := func(user string, others int) int {
		n := others
		for _, v := range ruledOut[user] {
			n -= v
		}
		return n
	}
	unmatched := func(p Participant, others int, outnumbered bool) Unmatched {
		u := Unmatched{UserID: p.UserID, Role: p.Role, Counts: ruledOut[p.UserID]}
		switch {
		case others == 0:
			u.Reason = ReasonNoPartner
		case eligibleCount(p.UserID, others) == 0:
			u.Reason = dominantReason(ruledOut[p.UserID])
		case outnumbered:
			u.Reason = ReasonOutnumbered
		default:
			u.Reason = ReasonCapacityFull
		}
		return u
	}
	slots := 0
	for _, c := range capacity {
		slots += c
	}
	for i, m := range mentors {
		if usedMentor[i] == 0 {
			prop.Unmatched = append(prop.Unmatched, unmatched(m, len(mentees), slots > len(mentees)))
		}
	}
	for i, e := range mentees {
		if !usedMentee[i] {
			prop.Unmatched = append(prop.Unmatched, unmatched(e, len(mentors), len(mentees) > slots))
		}
	}
	return prop, nil
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

func sharedTopics(a, b []string) []string {
	var out []string
	for _, t := range a {
		if slices.Contains(b, t) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func commonLangs(a, b []Lang) []Lang {
	var out []Lang
	for _, l := range Langs {
		if slices.Contains(a, l) && slices.Contains(b, l) {
			out = append(out, l)
		}
	}
	return out
}

// tzGapHours is the time-zone difference in hours, the short way round the clock.
func tzGapHours(a, b int) float64 {
	d := math.Abs(float64(a-b)) / 3600
	if d > 12 {
		d = 24 - d
	}
	return d
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
