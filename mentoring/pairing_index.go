package mentoring

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/reverse-mentor/reverse-mentor/match"
)

// A large round keeps, for each mentor, only their best-scoring eligible mentees. Scoring
// every pair to find them is 10^8 pairs at ten thousand people a side; an index of the
// round makes it a small part of that.
//
// Shared topics weigh most in a score, so the mentees are listed by topic. For a set of
// topics, running through its lists counts the topics each mentee shares with it, which
// groups the mentees by that count (those sharing none were never touched); mentors with
// the same topics share the work. Every other part of a score is bounded for the mentor
// over all mentees (time zones, free topics, seniority, waiting), so each group has an
// upper bound, and the groups are scored in order of it until the bound of the next one
// falls below the worst candidate kept. The hard rules are checked on compact records:
// departments and languages by number and bit mask, and the reporting lines and recent
// pairs of the mentor marked beforehand. The kept set is exactly the one scoring every
// pair would keep: the same scores, computed by the same function, ranked by the same
// order, and nothing skipped that could have ranked.
//
// The same records count, for someone left unmatched, how many partners each rule
// ruled out: by groups of people with one department and set of languages, with the few
// in a reporting line or a recent pair taken one by one.

// partner is a participant reduced to what the index compares.
type partner struct {
	dept, org int32 // as in prepared
	depth     int32
	tz        int32 // index into the side's distinct time-zone offsets
	langs     uint8
	free      bool
	hasDepth  bool
	wait      float64
}

// side is the index of one side of a round, the mentees or the mentors.
type side struct {
	ps       []partner
	tzs      []int             // distinct time-zone offsets
	byUser   map[int32]int32   // person by numbered user
	below    map[int32][]int32 // people with the numbered user somewhere above them
	buckets  []bucket          // people by department and languages
	byTopic  [][]int32         // people choosing each topic, in order
	anyFree  bool
	anyDepth bool
	minDepth int32
	minWait  float64
	maxWait  float64
}

// bucket counts the people of a side with one department (both keys) and set of languages.
type bucket struct {
	dept, org int32
	langs     uint8
	n         int
}

// newSide indexes the people pp; topics is the number of topics in the round, or 0 for
// a side that is never searched by topic.
func newSide(pp []prepared, topics int) *side {
	s := &side{ps: make([]partner, len(pp)), byUser: make(map[int32]int32, len(pp)), below: map[int32][]int32{},
		byTopic: make([][]int32, topics), minWait: math.Inf(1), maxWait: math.Inf(-1)}
	tzAt := map[int]int32{}
	count := map[bucket]int{}
	for c := range pp {
		p := &pp[c]
		tz, ok := tzAt[p.p.TZOffset]
		if !ok {
			tz = int32(len(s.tzs))
			tzAt[p.p.TZOffset] = tz
			s.tzs = append(s.tzs, p.p.TZOffset)
		}
		s.ps[c] = partner{dept: p.dept, org: p.org, depth: int32(p.depth), tz: tz, langs: p.langs,
			free: p.free, hasDepth: p.hasDepth, wait: p.wait}
		s.byUser[p.uid] = int32(c)
		for _, u := range p.chain {
			s.below[u] = append(s.below[u], int32(c))
		}
		count[bucket{dept: p.dept, org: p.org, langs: p.langs}]++
		for w, word := range p.topics {
			for b := 0; word != 0 && topics > 0; b++ {
				if word&1 != 0 {
					s.byTopic[w*64+b] = append(s.byTopic[w*64+b], int32(c))
				}
				word >>= 1
			}
		}
		s.anyFree = s.anyFree || p.free
		if p.hasDepth && (!s.anyDepth || int32(p.depth) < s.minDepth) {
			s.minDepth, s.anyDepth = int32(p.depth), true
		}
		s.minWait, s.maxWait = min(s.minWait, p.wait), max(s.maxWait, p.wait)
	}
	for b, n := range count {
		b.n = n
		s.buckets = append(s.buckets, b)
	}
	return s
}

// roundIndex is the index of a round: both sides, and its recent pairs.
type roundIndex struct {
	mentees, mentors *side
	recentOfMentor   map[int32][]int32 // mentees recently paired with each numbered mentor
	recentOfMentee   map[int32][]int32 // mentors recently paired with each numbered mentee
}

// index builds the round's index once.
func (rd *round) index() *roundIndex {
	if rd.idx != nil {
		return rd.idx
	}
	x := &roundIndex{mentees: newSide(rd.pe, len(rd.in.topicBits())), mentors: newSide(rd.pm, 0),
		recentOfMentor: map[int32][]int32{}, recentOfMentee: map[int32][]int32{}}
	for pair, ok := range rd.in.Recent {
		if !ok {
			continue
		}
		m, e := rd.in.userNumber(pair[0]), rd.in.userNumber(pair[1])
		r, okm := x.mentors.byUser[m]
		c, oke := x.mentees.byUser[e]
		if okm && oke {
			x.recentOfMentor[m] = append(x.recentOfMentor[m], c)
			x.recentOfMentee[e] = append(x.recentOfMentee[e], r)
		}
	}
	rd.idx = x
	return x
}

// indexedCandidates finds each mentor's best limit candidates through the index, on as
// many goroutines as there are processors; each mentor's candidates depend on nothing
// else, so the result does not depend on how the work was shared.
func indexedCandidates(rd *round, limit int) (match.Sparse, *ruleCounts) {
	x := rd.index()
	// Mentors with the same topics one after another, so that they share the grouping.
	order := make([]int, len(rd.pm))
	for r := range order {
		order[r] = r
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := slices.Compare(rd.pm[a].topics, rd.pm[b].topics); c != 0 {
			return c
		}
		return a - b
	})
	cols := make([][]int, len(rd.pm))
	scores := make([][]float64, len(rd.pm))
	workers := min(runtime.GOMAXPROCS(0), 8, 1+len(order)/512)
	var wg sync.WaitGroup
	for w := range workers {
		part := order[w*len(order)/workers : (w+1)*len(order)/workers]
		wg.Go(func() {
			s := newSearcher(rd, x, limit)
			for _, r := range part {
				cols[r], scores[r] = s.search(r)
			}
		})
	}
	wg.Wait()
	g := match.Sparse{Cols: len(rd.pe)}
	for r := range rd.pm {
		costs := make([]float64, len(scores[r]))
		for i, sc := range scores[r] {
			costs[i] = -sc
		}
		g.AddRow(cols[r], costs)
	}
	return g, nil
}

// searcher finds one mentor's candidates at a time, with its own scratch space.
type searcher struct {
	rd      *round
	x       *roundIndex
	best    *topK
	set     []uint64 // the topics whose grouping is loaded
	loaded  bool
	shared  []int32   // topics each mentee shares with the set
	touched []int32   // mentees sharing at least one
	groups  [][]int32 // touched mentees by topics shared
	blocked []int32   // mentees in the mentor's reporting line or recently paired: mentor+1
	gap     []float64 // hours between the mentor and each distinct time zone
}

func newSearcher(rd *round, x *roundIndex, limit int) *searcher {
	n := len(rd.pe)
	return &searcher{rd: rd, x: x, best: newTopK(limit), shared: make([]int32, n), blocked: make([]int32, n),
		gap: make([]float64, len(x.mentees.tzs))}
}

// load groups the mentees by the topics they share with the set.
func (s *searcher) load(set []uint64) {
	if s.loaded && slices.Equal(s.set, set) {
		return
	}
	s.loaded, s.set = true, set
	for _, c := range s.touched {
		s.shared[c] = 0
	}
	s.touched = s.touched[:0]
	most := 0
	for w, word := range set {
		for b := 0; word != 0; b++ {
			if word&1 != 0 {
				most++
				for _, c := range s.x.mentees.byTopic[w*64+b] {
					if s.shared[c] == 0 {
						s.touched = append(s.touched, c)
					}
					s.shared[c]++
				}
			}
			word >>= 1
		}
	}
	s.groups = slices.Grow(s.groups[:0], most+1)[:most+1]
	for k := range s.groups {
		s.groups[k] = s.groups[k][:0]
	}
	for _, c := range s.touched {
		s.groups[s.shared[c]] = append(s.groups[s.shared[c]], c)
	}
}

// search returns mentor r's best candidates, best first, with their scores.
func (s *searcher) search(r int) ([]int, []float64) {
	rd, es := s.rd, s.x.mentees
	if len(es.ps) == 0 {
		return nil, nil
	}
	w := rd.rules.Weights
	m := &rd.pm[r]
	s.load(m.topics)
	stamp := int32(r + 1)
	for _, u := range m.chain {
		if c, ok := es.byUser[u]; ok {
			s.blocked[c] = stamp
		}
	}
	for _, c := range es.below[m.uid] {
		s.blocked[c] = stamp
	}
	for _, c := range s.x.recentOfMentor[m.uid] {
		s.blocked[c] = stamp
	}
	for i, tz := range es.tzs {
		s.gap[i] = tzGapHours(m.p.TZOffset, tz)
	}
	rest := s.rest(w, m)
	best := s.best
	best.reset()
	offer := func(c int32, shared int) {
		e := &es.ps[c]
		if !rd.rules.AllowSameDepartment && (e.dept == m.dept || m.org != 0 && e.org == m.org) ||
			s.blocked[c] == stamp || e.langs&m.langs == 0 {
			return
		}
		seniority := 0
		if m.hasDepth && e.hasDepth && int(e.depth) < m.depth {
			seniority = m.depth - int(e.depth)
		}
		best.offer(int(c), scoreOf(w, shared, s.gap[e.tz], m.free && e.free, seniority, m.wait+e.wait))
	}
	// Groups in order of their bound: most topics shared first, unless sharing topics
	// counts against a pair.
	most := len(s.groups) - 1
	for step := range most + 1 {
		k := most - step
		if w.SharedTopic < 0 {
			k = step
		}
		bound := w.SharedTopic*float64(k) + rest
		// A margin far above rounding and far below any difference between scores, so
		// that the bound is never below a score computed in another order.
		bound += 1e-9 * (math.Abs(w.SharedTopic*float64(k)) + math.Abs(rest) + 1)
		if !best.beats(bound) {
			break
		}
		if k > 0 {
			for _, c := range s.groups[k] {
				offer(c, k)
			}
			continue
		}
		for c := range es.ps {
			if s.shared[c] == 0 {
				offer(int32(c), 0)
			}
		}
	}
	return best.sorted()
}

// rest bounds from above, for mentor m and any mentee, every part of a score but the
// shared topics.
func (s *searcher) rest(w Weights, m *prepared) float64 {
	es := s.x.mentees
	b := 0.0
	if len(s.gap) > 0 {
		top := math.Inf(-1)
		for _, g := range s.gap {
			top = max(top, -w.TZHour*g)
		}
		b += top
	}
	if m.free && es.anyFree && w.FreeTopics > 0 {
		b += w.FreeTopics
	}
	if w.SeniorityStep > 0 && m.hasDepth && es.anyDepth && int(es.minDepth) < m.depth {
		b += w.SeniorityStep * float64(m.depth-int(es.minDepth))
	}
	if w.WaitingWeek >= 0 {
		b += w.WaitingWeek * (m.wait + es.maxWait)
	} else {
		b += w.WaitingWeek * (m.wait + es.minWait)
	}
	return b
}

// countOut returns how many partners each hard rule ruled out for p, whose partners are
// the side ps; recent lists the partners p was recently paired with. stamp is scratch
// space over ps, and mark a value not yet used in it.
func countOut(rules PairingRules, p *prepared, ps *side, recent []int32, stamp []int32, mark int32) (out [len(reasonOrder)]int) {
	sameDept := func(dept, org int32) bool {
		return !rules.AllowSameDepartment && (dept == p.dept || p.org != 0 && org == p.org)
	}
	noLang := 0
	for _, b := range ps.buckets {
		switch {
		case sameDept(b.dept, b.org):
			out[0] += b.n
		case b.langs&p.langs == 0:
			noLang += b.n
		}
	}
	// The few in a reporting line or a recent pair, one by one, each once, by the first
	// rule that rules them out.
	take := func(c int32, rule int) {
		q := &ps.ps[c]
		if stamp[c] == mark || sameDept(q.dept, q.org) {
			return
		}
		stamp[c] = mark
		out[rule]++
		if q.langs&p.langs == 0 {
			noLang--
		}
	}
	for _, u := range p.chain {
		if c, ok := ps.byUser[u]; ok {
			take(c, 1)
		}
	}
	for _, c := range ps.below[p.uid] {
		take(c, 1)
	}
	for _, c := range recent {
		take(c, 2)
	}
	out[3] = noLang
	return out
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

// beats reports whether a candidate scoring at most bound could still be kept: a full
// topK keeps only what scores at least as high as its worst.
func (t *topK) beats(bound float64) bool { return len(t.cols) < t.k || bound >= t.scores[0] }

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
