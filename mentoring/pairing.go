package mentoring

import (
	"fmt"
	"math"
	"math/bits"
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

	byID     map[string]*Participant
	chains   map[string][]string // user → managers above them, nearest first
	managers map[string]bool     // everyone someone reports to
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
// that forbids it. It applies the same rules as ProposePairs, so proposals, swaps and
// manual edits all agree. It caches the org chart in the input, so one input is not for
// concurrent use.
func (in *PairingInput) Eligible(rules PairingRules, mentor, mentee Participant) (bool, string) {
	m, e := in.prepare(&mentor, nil), in.prepare(&mentee, nil)
	if r := in.ruleOut(rules, &m, &e); r >= 0 {
		return false, reasonOrder[r]
	}
	return true, ""
}

// reasonOrder lists the hard rules in the order they are checked; ruleOut returns an
// index into it.
var reasonOrder = [...]string{ReasonSameDepartment, ReasonReportingLine, ReasonRepeat, ReasonNoLanguage}

// prepared is a participant reduced to what the rules and scores compare, computed once
// per round so that checking every mentor against every mentee allocates nothing.
type prepared struct {
	p        *Participant
	deptKey  string
	orgDept  string // key of the imported department, "" when there is none
	chain    []string
	langs    uint8
	topics   []uint64 // bit set over topic indexes
	wait     float64  // weeks waited since joining, capped
	depth    int
	hasDepth bool
}

// prepare computes p's comparison form; topicBit maps topic IDs to bit indexes (nil
// builds a private one, enough for comparing two people that share it).
func (in *PairingInput) prepare(p *Participant, topicBit map[string]int) prepared {
	if topicBit == nil {
		topicBit = in.topicBits()
	}
	out := prepared{p: p, deptKey: DepartmentKey(p.Department), chain: in.chain(p.UserID)}
	// Seniority is known where the org chart reaches: the depth below the top.
	out.depth, out.hasDepth = len(out.chain), len(out.chain) > 0 || in.isManager(p.UserID)
	if d := in.Departments[p.UserID]; d != "" {
		out.orgDept = DepartmentKey(d)
	}
	for i, l := range Langs {
		if slices.Contains(p.Languages, l) {
			out.langs |= 1 << i
		}
	}
	out.topics = make([]uint64, (len(topicBit)+63)/64)
	for _, t := range p.Topics {
		if b, ok := topicBit[t]; ok {
			out.topics[b/64] |= 1 << (b % 64)
		}
	}
	if !p.JoinedAt.IsZero() && in.Now.After(p.JoinedAt) {
		out.wait = math.Min(in.Now.Sub(p.JoinedAt).Hours()/(24*7), 12)
	}
	return out
}

// isManager reports whether anyone in the round's data reports to the user.
func (in *PairingInput) isManager(userID string) bool {
	if in.managers == nil {
		in.managers = map[string]bool{}
		for _, p := range in.Participants {
			for _, m := range in.managersOf(p.UserID) {
				in.managers[m] = true
			}
		}
		for _, m := range in.Managers {
			in.managers[m] = true
		}
	}
	return in.managers[userID]
}

// topicBits numbers every topic anyone in the round chose.
func (in *PairingInput) topicBits() map[string]int {
	bits := map[string]int{}
	for _, p := range in.Participants {
		for _, t := range p.Topics {
			if _, ok := bits[t]; !ok {
				bits[t] = len(bits)
			}
		}
	}
	return bits
}

// ruleOut returns the index in reasonOrder of the first hard rule that forbids the pair,
// or -1 when the pair is allowed.
func (in *PairingInput) ruleOut(rules PairingRules, m, e *prepared) int {
	if !rules.AllowSameDepartment && (m.deptKey == e.deptKey || m.orgDept != "" && m.orgDept == e.orgDept) {
		return 0
	}
	if slices.Contains(e.chain, m.p.UserID) || slices.Contains(m.chain, e.p.UserID) {
		return 1
	}
	if len(in.Recent) > 0 && in.Recent[[2]string{m.p.UserID, e.p.UserID}] {
		return 2
	}
	if m.langs&e.langs == 0 {
		return 3
	}
	return -1
}

// scorePrepared is the pair's score; the same sum as score, without allocating.
func scorePrepared(w Weights, m, e *prepared) float64 {
	shared := 0
	for i := range m.topics {
		shared += bits.OnesCount64(m.topics[i] & e.topics[i])
	}
	s := w.SharedTopic*float64(shared) - w.TZHour*tzGapHours(m.p.TZOffset, e.p.TZOffset)
	if m.p.FreeTopics != "" && e.p.FreeTopics != "" {
		s += w.FreeTopics
	}
	if m.hasDepth && e.hasDepth && e.depth < m.depth {
		s += w.SeniorityStep * float64(m.depth-e.depth)
	}
	return s + w.WaitingWeek*(m.wait+e.wait)
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

// score is how good a pair is (higher is better), with what explains it.
func (in *PairingInput) score(w Weights, mentor, mentee Participant) (float64, ProposedPair) {
	topicBit := in.topicBits()
	m, e := in.prepare(&mentor, topicBit), in.prepare(&mentee, topicBit)
	return in.explain(w, &m, &e)
}

// explain scores a prepared pair and lists what it shares.
func (in *PairingInput) explain(w Weights, m, e *prepared) (float64, ProposedPair) {
	s := scorePrepared(w, m, e)
	return s, ProposedPair{MentorID: m.p.UserID, MenteeID: e.p.UserID, Score: s,
		SharedTopics: sharedTopics(m.p.Topics, e.p.Topics), Languages: commonLangs(m.p.Languages, e.p.Languages),
		TZGapHours: tzGapHours(m.p.TZOffset, e.p.TZOffset)}
}

// ProposePairs decides a round: the assignment of mentors (with their capacities) to
// mentees that pairs as many people as the hard rules allow and, among those, has the
// highest total score. It is deterministic for the same input.
func ProposePairs(in PairingInput, rules PairingRules) (Proposal, error) {
	var mentors, mentees []*Participant
	for i := range in.Participants {
		p := &in.Participants[i]
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
	byUser := func(a, b *Participant) int { return cmpString(a.UserID, b.UserID) }
	slices.SortFunc(mentors, byUser)
	slices.SortFunc(mentees, byUser)

	topicBit := in.topicBits()
	prep := func(ps []*Participant) []prepared {
		out := make([]prepared, len(ps))
		for i, p := range ps {
			out[i] = in.prepare(p, topicBit)
		}
		return out
	}
	pm, pe := prep(mentors), prep(mentees)

	// How many partners each rule ruled out, per person, to explain who stays unmatched.
	mentorOut := make([][len(reasonOrder)]int, len(mentors))
	menteeOut := make([][len(reasonOrder)]int, len(mentees))
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
		best := newTopK(limit)
		for r := range pm {
			best.reset()
			for c := range pe {
				if why := in.ruleOut(rules, &pm[r], &pe[c]); why >= 0 {
					mentorOut[r][why]++
					menteeOut[c][why]++
					continue
				}
				best.offer(c, scorePrepared(rules.Weights, &pm[r], &pe[c]))
			}
			cols, scores := best.sorted()
			costs := make([]float64, len(scores))
			for i, sc := range scores {
				costs[i] = -sc
			}
			g.AddRow(cols, costs)
		}
		pairing, err = match.SolveSparseCapacity(g, capacity)
	} else {
		d := match.NewDense(len(mentors), len(mentees))
		for r := range pm {
			for c := range pe {
				if why := in.ruleOut(rules, &pm[r], &pe[c]); why >= 0 {
					mentorOut[r][why]++
					menteeOut[c][why]++
					d.Set(r, c, math.Inf(1))
					continue
				}
				d.Set(r, c, -scorePrepared(rules.Weights, &pm[r], &pe[c]))
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
		s, det := in.explain(rules.Weights, &pm[p.Row], &pe[p.Col])
		prop.Pairs = append(prop.Pairs, det)
		prop.TotalScore += s
		usedMentor[p.Row]++
		usedMentee[p.Col] = true
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
	for i, m := range mentors {
		if usedMentor[i] == 0 {
			prop.Unmatched = append(prop.Unmatched, unmatched(m, mentorOut[i], len(mentees), slots > len(mentees)))
		}
	}
	for i, e := range mentees {
		if !usedMentee[i] {
			prop.Unmatched = append(prop.Unmatched, unmatched(e, menteeOut[i], len(mentors), len(mentees) > slots))
		}
	}
	return prop, nil
}

// topK keeps the k best-scoring candidates offered (ties to the lower column), in a
// min-heap, so choosing a mentor's candidates costs O(n log k), not a full sort.
type topK struct {
	k      int
	cols   []int
	scores []float64
}

func newTopK(k int) *topK { return &topK{k: k} }

func (t *topK) reset() { t.cols, t.scores = t.cols[:0], t.scores[:0] }

// worse reports whether entry i ranks below entry j.
func (t *topK) worse(i, j int) bool {
	if t.scores[i] != t.scores[j] {
		return t.scores[i] < t.scores[j]
	}
	return t.cols[i] > t.cols[j]
}

func (t *topK) swap(i, j int) {
	t.cols[i], t.cols[j] = t.cols[j], t.cols[i]
	t.scores[i], t.scores[j] = t.scores[j], t.scores[i]
}

func (t *topK) offer(col int, score float64) {
	if len(t.cols) < t.k {
		t.cols, t.scores = append(t.cols, col), append(t.scores, score)
		for i := len(t.cols) - 1; i > 0; {
			parent := (i - 1) / 2
			if !t.worse(i, parent) {
				break
			}
			t.swap(i, parent)
			i = parent
		}
		return
	}
	// Replace the worst kept entry when the new one ranks above it.
	if score < t.scores[0] || score == t.scores[0] && col > t.cols[0] {
		return
	}
	t.cols[0], t.scores[0] = col, score
	for i := 0; ; {
		l, r, least := 2*i+1, 2*i+2, i
		if l < len(t.cols) && t.worse(l, least) {
			least = l
		}
		if r < len(t.cols) && t.worse(r, least) {
			least = r
		}
		if least == i {
			return
		}
		t.swap(i, least)
		i = least
	}
}

// sorted returns the kept candidates, best first; the slices are new.
func (t *topK) sorted() ([]int, []float64) {
	idx := make([]int, len(t.cols))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return t.worse(idx[b], idx[a]) })
	cols, scores := make([]int, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		cols[i], scores[i] = t.cols[j], t.scores[j]
	}
	return cols, scores
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
