package mentoring

import (
	"math"
	"math/bits"
	"slices"
	"time"
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
	// Named maps people who are not in the round (already paired, paused, left) to the
	// manager they named when they joined, so that reporting lines reach through them.
	Named map[string]string
	// Known holds everyone whose own manager is known: participants, whatever their
	// status (their answer counts, even when it is "none"), and everyone with a row in
	// the imported org chart. A manager named by someone but not known is where a
	// reporting line stops being known (see UnknownAbove).
	Known map[string]bool
	// Recent holds pairs (mentor, mentee) from the rounds a pair may not repeat within.
	Recent map[[2]string]bool
	Now    time.Time

	byID     map[string]*Participant
	chains   map[string][]string // user → managers above them, nearest first
	managers map[string]bool     // everyone someone reports to
	topicBit map[string]int      // topic → bit index
	users    map[string]int32    // user → number, for quick comparison
	depts    map[string]int32    // department key → number
	recent   map[uint64]bool     // Recent by numbered users
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
	// ReasonNoFreeMentor explains a mentor's second or third mentee: every other mentor
	// who could take this mentee (eligible and, in large rounds, among their candidates)
	// and had room already had a mentee (for a third mentee, two), so no fairer spread
	// was possible.
	ReasonNoFreeMentor = "no_free_mentor"
	// ReasonSwappedByHR explains a second or third mentee that HR's swap gave a mentor
	// while a mentor with fewer mentees could have taken them.
	ReasonSwappedByHR = "swapped_by_hr"
)

// ProposedPair is one pair of a proposal with why it was chosen.
type ProposedPair struct {
	MentorID, MenteeID string
	Score              float64
	SharedTopics       []string // topic IDs both chose
	Languages          []Lang   // languages both speak
	TZGapHours         float64
	// ExtraSlot is 0 for a mentor's first mentee in the round, 1 for their second, 2
	// for their third (their mentees ordered by score, best first).
	ExtraSlot int
	// SlotReason says why a mentor has more than one mentee: ReasonNoFreeMentor on each
	// pair with ExtraSlot above 0 (or ReasonSwappedByHR after HR's swap made it so, where
	// a free mentor could have taken the mentee), empty otherwise.
	SlotReason string
	// Parts is the score taken apart, to explain it in words.
	Parts ScoreParts
	// UnknownAbove lists the people in either one's reporting line above whom the line is
	// not known: managers named by someone who have neither joined nor a row in the
	// imported org chart. The reporting-line rule could not look past them.
	UnknownAbove []string `json:",omitempty"`
}

// ScoreParts is a pair's score taken apart, in points, with what each part counts.
type ScoreParts struct {
	Topics      float64 // for the topics both chose
	FreeTopics  float64 // both wrote topics of their own
	TimeZone    float64 // for the time-zone gap: 0 or less
	Seniority   float64 // for the levels the mentee stands above the mentor
	Waiting     float64 // for the weeks the two have waited since joining
	Levels      int     // levels the mentee stands above the mentor, where the org chart tells
	WaitedWeeks float64 // weeks the two have waited, added together
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
	// LastSwap is what HR's last swap did to the scores, until another edit; nil when
	// there was none.
	LastSwap *SwapEffect `json:",omitempty"`
}

// Eligible reports whether mentor and mentee may be paired, and if not the first rule
// that forbids it. It applies the same rules as ProposePairs, so proposals, swaps and
// manual edits all agree. It caches the org chart in the input, so one input is not for
// concurrent use.
func (in *PairingInput) Eligible(rules PairingRules, mentor, mentee Participant) (bool, string) {
	m, e := in.prepare(&mentor), in.prepare(&mentee)
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
	uid      int32   // the user, numbered
	dept     int32   // their own department key, numbered
	org      int32   // the imported department's key, numbered; 0 when there is none
	chain    []int32 // managers above them, numbered, nearest first
	langs    uint8
	topics   []uint64 // bit set over topic indexes
	free     bool     // wrote free topics
	wait     float64  // weeks waited since joining, capped
	depth    int
	hasDepth bool
}

// prepare computes p's comparison form.
func (in *PairingInput) prepare(p *Participant) prepared {
	topicBit := in.topicBits()
	chain := in.chain(p.UserID)
	out := prepared{p: p, uid: in.userNumber(p.UserID), dept: in.deptNumber(DepartmentKey(p.Department)),
		chain: make([]int32, len(chain)), free: p.FreeTopics != ""}
	for i, u := range chain {
		out.chain[i] = in.userNumber(u)
	}
	// Seniority is known where the org chart reaches: the depth below the top.
	out.depth, out.hasDepth = len(chain), len(chain) > 0 || in.isManager(p.UserID)
	if d := in.Departments[p.UserID]; d != "" {
		out.org = in.deptNumber(DepartmentKey(d))
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

// userNumber numbers a user ID, the same number for the same ID within one input.
func (in *PairingInput) userNumber(id string) int32 {
	if in.users == nil {
		in.users = map[string]int32{}
	}
	n, ok := in.users[id]
	if !ok {
		n = int32(len(in.users) + 1)
		in.users[id] = n
	}
	return n
}

// deptNumber numbers a department key; numbers start at 1, so 0 can mean none.
func (in *PairingInput) deptNumber(key string) int32 {
	if in.depts == nil {
		in.depts = map[string]int32{}
	}
	n, ok := in.depts[key]
	if !ok {
		n = int32(len(in.depts) + 1)
		in.depts[key] = n
	}
	return n
}

// isRecent reports whether the numbered mentor and mentee were paired in a recent round.
func (in *PairingInput) isRecent(mentor, mentee int32) bool {
	if in.recent == nil {
		in.recent = make(map[uint64]bool, len(in.Recent))
		for pair, ok := range in.Recent {
			if ok {
				in.recent[recentKey(in.userNumber(pair[0]), in.userNumber(pair[1]))] = true
			}
		}
	}
	return in.recent[recentKey(mentor, mentee)]
}

func recentKey(mentor, mentee int32) uint64 {
	return uint64(uint32(mentor))<<32 | uint64(uint32(mentee))
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
	if in.topicBit == nil {
		in.topicBit = map[string]int{}
		for _, p := range in.Participants {
			for _, t := range p.Topics {
				if _, ok := in.topicBit[t]; !ok {
					in.topicBit[t] = len(in.topicBit)
				}
			}
		}
	}
	return in.topicBit
}

// ruleOut returns the index in reasonOrder of the first hard rule that forbids the pair,
// or -1 when the pair is allowed.
func (in *PairingInput) ruleOut(rules PairingRules, m, e *prepared) int {
	if !rules.AllowSameDepartment && (m.dept == e.dept || m.org != 0 && m.org == e.org) {
		return 0
	}
	if slices.Contains(e.chain, m.uid) || slices.Contains(m.chain, e.uid) {
		return 1
	}
	if len(in.Recent) > 0 && in.isRecent(m.uid, e.uid) {
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
	seniority := 0
	if m.hasDepth && e.hasDepth && e.depth < m.depth {
		seniority = m.depth - e.depth
	}
	return scoreOf(w, shared, tzGapHours(m.p.TZOffset, e.p.TZOffset), m.free && e.free, seniority, m.wait+e.wait)
}

// scoreOf is a pair's score from its parts. Every score is computed here, so the same
// pair always gets the very same float however its parts were found.
func scoreOf(w Weights, shared int, tzGap float64, bothFree bool, seniority int, waits float64) float64 {
	s := w.SharedTopic*float64(shared) - w.TZHour*tzGap
	if bothFree {
		s += w.FreeTopics
	}
	if seniority > 0 {
		s += w.SeniorityStep * float64(seniority)
	}
	return s + w.WaitingWeek*waits
}

// managersOf returns the user's managers by every source: imported org data and the
// manager they named in the opt-in modal (usually the same person).
func (in *PairingInput) managersOf(userID string) []string {
	var out []string
	if m := in.Managers[userID]; m != "" {
		out = append(out, m)
	}
	named := in.Named[userID]
	if p, ok := in.index()[userID]; ok {
		named = p.ManagerID
	}
	if named != "" && named != in.Managers[userID] {
		out = append(out, named)
	}
	return out
}

// known reports whether the user's own manager is known (see Known).
func (in *PairingInput) known(userID string) bool {
	if in.Known[userID] || in.index()[userID] != nil {
		return true
	}
	_, named := in.Named[userID]
	_, managed := in.Managers[userID]
	_, dept := in.Departments[userID]
	return named || managed || dept
}

// UnknownAbove returns the people in the user's reporting line above whom the line is
// not known, in the order the line reaches them: managers someone named who have neither
// joined nor a row in the org chart. Whoever is above them could be the user's manager's
// manager, so the reporting-line rule is incomplete for the user until HR imports the
// org chart.
func (in *PairingInput) UnknownAbove(userID string) []string {
	var out []string
	for _, m := range in.chain(userID) {
		if !in.known(m) {
			out = append(out, m)
		}
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
	m, e := in.prepare(&mentor), in.prepare(&mentee)
	return in.explain(w, &m, &e)
}

// explain scores a prepared pair and lists what it shares, what each part of the score
// counts, and where either's reporting line is not known.
func (in *PairingInput) explain(w Weights, m, e *prepared) (float64, ProposedPair) {
	s := scorePrepared(w, m, e)
	p := ProposedPair{MentorID: m.p.UserID, MenteeID: e.p.UserID, Score: s,
		SharedTopics: sharedTopics(m.p.Topics, e.p.Topics), Languages: commonLangs(m.p.Languages, e.p.Languages),
		TZGapHours: tzGapHours(m.p.TZOffset, e.p.TZOffset), Parts: partsOf(w, m, e)}
	for _, u := range append(in.UnknownAbove(m.p.UserID), in.UnknownAbove(e.p.UserID)...) {
		if !slices.Contains(p.UnknownAbove, u) {
			p.UnknownAbove = append(p.UnknownAbove, u)
		}
	}
	return s, p
}

// partsOf takes a prepared pair's score apart, as scorePrepared adds it up.
func partsOf(w Weights, m, e *prepared) ScoreParts {
	shared := 0
	for i := range m.topics {
		shared += bits.OnesCount64(m.topics[i] & e.topics[i])
	}
	out := ScoreParts{Topics: w.SharedTopic * float64(shared), TimeZone: -w.TZHour * tzGapHours(m.p.TZOffset, e.p.TZOffset),
		WaitedWeeks: m.wait + e.wait}
	out.Waiting = w.WaitingWeek * out.WaitedWeeks
	if m.free && e.free {
		out.FreeTopics = w.FreeTopics
	}
	if m.hasDepth && e.hasDepth && e.depth < m.depth {
		out.Levels = m.depth - e.depth
		out.Seniority = w.SeniorityStep * float64(out.Levels)
	}
	return out
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

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
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
