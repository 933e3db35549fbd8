package mentoring

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/reverse-mentor/reverse-mentor/match"
)

// A large round keeps, for each mentor, only their best-scoring eligible mentees, and for
// each mentee their best few mentors. Scoring every pair to find them is 10^8 pairs at ten
// thousand people a side; an index of the round makes it a small part of that. The search
// is described for a mentor; a mentee's search is the same with the sides exchanged.
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
	maxDepth int32
	minWait  float64
	maxWait  float64
}

// bucket counts the people of a side with one department (both keys) and set of languages.
type bucket struct {
	dept, org int32
	langs     uint8
	n         int
}

// newSide indexes the people pp; topics is the number of topics in the round.
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
			for b := 0; word != 0; b++ {
				if word&1 != 0 {
					s.byTopic[w*64+b] = append(s.byTopic[w*64+b], int32(c))
				}
				word >>= 1
			}
		}
		s.anyFree = s.anyFree || p.free
		if p.hasDepth {
			if !s.anyDepth || int32(p.depth) < s.minDepth {
				s.minDepth = int32(p.depth)
			}
			if !s.anyDepth || int32(p.depth) > s.maxDepth {
				s.maxDepth = int32(p.depth)
			}
			s.anyDepth = true
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
	topics := len(rd.in.topicBits())
	x := &roundIndex{mentees: newSide(rd.pe, topics), mentors: newSide(rd.pm, topics),
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

// indexedCandidates finds the candidates of a large round through the index: each
// mentor's best limit mentees and each mentee's best few mentors (menteeChoices, at most
// limit), united, so that a mentee whom every mentor's list passed over still has
// mentors to be paired with. It works on as many goroutines as there are processors;
// each person's list depends on nothing else, so the result does not depend on how the
// work was shared.
func indexedCandidates(rd *round, limit int) (match.Sparse, *ruleCounts) {
	x := rd.index()
	cols, scores := searchAll(rd, x, false, limit)
	rows, rowScores := searchAll(rd, x, true, min(limit, menteeChoices))
	return unionCandidates(len(rd.pm), len(rd.pe), cols, scores, rows, rowScores), nil
}

// menteeChoices is how many of their best mentors each mentee adds to a large round's
// candidates. Mentors' own lists crowd onto the mentees who score well with many of
// them; a few choices of each mentee's own keep everyone reachable.
const menteeChoices = 8

// searchAll finds every mentor's best limit mentees, or with reverse every mentee's best
// limit mentors, best first, with their scores.
func searchAll(rd *round, x *roundIndex, reverse bool, limit int) ([][]int, [][]float64) {
	from := rd.pm
	if reverse {
		from = rd.pe
	}
	// People with the same topics one after another, so that they share the grouping.
	order := make([]int, len(from))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := slices.Compare(from[a].topics, from[b].topics); c != 0 {
			return c
		}
		return a - b
	})
	found := make([][]int, len(from))
	scores := make([][]float64, len(from))
	workers := min(runtime.GOMAXPROCS(0), 8, 1+len(order)/512)
	var wg sync.WaitGroup
	for w := range workers {
		part := order[w*len(order)/workers : (w+1)*len(order)/workers]
		wg.Go(func() {
			s := newSearcher(rd, x, reverse, limit)
			for _, i := range part {
				found[i], scores[i] = s.search(i)
			}
		})
	}
	wg.Wait()
	return found, scores
}

// unionCandidates builds the sparse problem from each mentor's list (cols) and each
// mentee's list (rows): a pair is a candidate when either lists it. Each mentor's row is
// ordered best first, ties to the mentee who comes first.
func unionCandidates(mentors, mentees int, cols [][]int, scores [][]float64, rows [][]int, rowScores [][]float64) match.Sparse {
	type entry struct {
		col   int
		score float64
	}
	extra := make([][]entry, mentors)
	for c := range rows {
		for k, r := range rows[c] {
			if !slices.Contains(cols[r], c) {
				extra[r] = append(extra[r], entry{c, rowScores[c][k]})
			}
		}
	}
	g := match.Sparse{Cols: mentees}
	var rowCols []int
	var costs []float64
	for r := range mentors {
		row := make([]entry, 0, len(cols[r])+len(extra[r]))
		for k, c := range cols[r] {
			row = append(row, entry{c, scores[r][k]})
		}
		row = append(row, extra[r]...)
		slices.SortFunc(row, func(a, b entry) int {
			if a.score != b.score {
				return cmpFloat(b.score, a.score)
			}
			return a.col - b.col
		})
		rowCols, costs = rowCols[:0], costs[:0]
		for _, e := range row {
			rowCols, costs = append(rowCols, e.col), append(costs, -e.score)
		}
		g.AddRow(rowCols, costs)
	}
	return g
}

// searcher finds one person's candidates at a time, with its own scratch space: a
// mentor's best mentees, or with reverse a mentee's best mentors.
type searcher struct {
	rd       *round
	from     []prepared // the people searched for
	to       *side      // the side searched
	recentOf map[int32][]int32
	reverse  bool
	best     *topK
	set      []uint64 // the topics whose grouping is loaded
	loaded   bool
	shared   []int32   // topics each person of the other side shares with the set
	touched  []int32   // people sharing at least one
	groups   [][]int32 // touched people by topics shared
	blocked  []int32   // people in the searcher's reporting line or recently paired: index+1
	gap      []float64 // hours between the person and each distinct time zone of the other side
}

func newSearcher(rd *round, x *roundIndex, reverse bool, limit int) *searcher {
	s := &searcher{rd: rd, from: rd.pm, to: x.mentees, recentOf: x.recentOfMentor, reverse: reverse, best: newTopK(limit)}
	if reverse {
		s.from, s.to, s.recentOf = rd.pe, x.mentors, x.recentOfMentee
	}
	n := len(s.to.ps)
	s.shared, s.blocked, s.gap = make([]int32, n), make([]int32, n), make([]float64, len(s.to.tzs))
	return s
}

// load groups the other side by the topics they share with the set.
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
				for _, c := range s.to.byTopic[w*64+b] {
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

// search returns person i's best candidates, best first, with their scores.
func (s *searcher) search(i int) ([]int, []float64) {
	rd, to := s.rd, s.to
	if len(to.ps) == 0 {
		return nil, nil
	}
	w := rd.rules.Weights
	p := &s.from[i]
	s.load(p.topics)
	stamp := int32(i + 1)
	for _, u := range p.chain {
		if c, ok := to.byUser[u]; ok {
			s.blocked[c] = stamp
		}
	}
	for _, c := range to.below[p.uid] {
		s.blocked[c] = stamp
	}
	for _, c := range s.recentOf[p.uid] {
		s.blocked[c] = stamp
	}
	for k, tz := range to.tzs {
		s.gap[k] = tzGapHours(p.p.TZOffset, tz)
	}
	rest := s.rest(w, p)
	best := s.best
	best.reset(i, s.reverse)
	offer := func(c int32, shared int) {
		q := &to.ps[c]
		if !rd.rules.AllowSameDepartment && (q.dept == p.dept || p.org != 0 && q.org == p.org) ||
			s.blocked[c] == stamp || q.langs&p.langs == 0 {
			return
		}
		// Seniority counts where the mentee stands above the mentor.
		seniority := 0
		switch {
		case !s.reverse && p.hasDepth && q.hasDepth && int(q.depth) < p.depth:
			seniority = p.depth - int(q.depth)
		case s.reverse && p.hasDepth && q.hasDepth && p.depth < int(q.depth):
			seniority = int(q.depth) - p.depth
		}
		best.offer(int(c), scoreOf(w, shared, s.gap[q.tz], p.free && q.free, seniority, p.wait+q.wait))
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
		for c := range to.ps {
			if s.shared[c] == 0 {
				offer(int32(c), 0)
			}
		}
	}
	return best.sorted()
}

// rest bounds from above, for person p and anyone on the other side, every part of a
// score but the shared topics.
func (s *searcher) rest(w Weights, p *prepared) float64 {
	to := s.to
	b := 0.0
	if len(s.gap) > 0 {
		top := math.Inf(-1)
		for _, g := range s.gap {
			top = max(top, -w.TZHour*g)
		}
		b += top
	}
	if p.free && to.anyFree && w.FreeTopics > 0 {
		b += w.FreeTopics
	}
	if w.SeniorityStep > 0 && p.hasDepth && to.anyDepth {
		switch {
		case !s.reverse && int(to.minDepth) < p.depth:
			b += w.SeniorityStep * float64(p.depth-int(to.minDepth))
		case s.reverse && int(to.maxDepth) > p.depth:
			b += w.SeniorityStep * float64(int(to.maxDepth)-p.depth)
		}
	}
	if w.WaitingWeek >= 0 {
		b += w.WaitingWeek * (p.wait + to.maxWait)
	} else {
		b += w.WaitingWeek * (p.wait + to.minWait)
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

// topK keeps the k best-scoring candidates offered, in a min-heap, so choosing one
// person's candidates costs O(n log k), not a full sort. Candidates of equal score rank by
// tieKey of the pair: ties to whoever comes first would send every mentor with the same
// topics to the same few mentees, and leave the rest on nobody's list.
type topK struct {
	k       int
	from    int  // the row (or with reverse, the column) of the person searched for
	reverse bool // the candidates are mentors (rows) of the mentee from
	cols    []int
	scores  []float64
	keys    []uint64
}

func newTopK(k int) *topK { return &topK{k: k} }

// reset empties the topK for the candidates of person from: a mentor (row), or with
// reverse a mentee (column).
func (t *topK) reset(from int, reverse bool) {
	t.from, t.reverse = from, reverse
	t.cols, t.scores, t.keys = t.cols[:0], t.scores[:0], t.keys[:0]
}

// key is the tie key of the candidate col of the person searched for.
func (t *topK) key(col int) uint64 {
	if t.reverse {
		return tieKey(col, t.from)
	}
	return tieKey(t.from, col)
}

// tieKey orders pairs of equal score: a fixed scramble (SplitMix64's finaliser) of the
// mentor's row and the mentee's column, the same whichever side searched, distinct for
// distinct pairs.
func tieKey(row, col int) uint64 {
	z := uint64(uint32(row))<<32 | uint64(uint32(col))
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// beats reports whether a candidate scoring at most bound could still be kept: a full
// topK keeps only what scores at least as high as its worst.
func (t *topK) beats(bound float64) bool { return len(t.cols) < t.k || bound >= t.scores[0] }

// worse reports whether entry i ranks below entry j.
func (t *topK) worse(i, j int) bool {
	if t.scores[i] != t.scores[j] {
		return t.scores[i] < t.scores[j]
	}
	return t.keys[i] > t.keys[j]
}

func (t *topK) swap(i, j int) {
	t.cols[i], t.cols[j] = t.cols[j], t.cols[i]
	t.scores[i], t.scores[j] = t.scores[j], t.scores[i]
	t.keys[i], t.keys[j] = t.keys[j], t.keys[i]
}

func (t *topK) offer(col int, score float64) {
	key := t.key(col)
	if len(t.cols) < t.k {
		t.cols, t.scores, t.keys = append(t.cols, col), append(t.scores, score), append(t.keys, key)
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
	if score < t.scores[0] || score == t.scores[0] && key > t.keys[0] {
		return
	}
	t.cols[0], t.scores[0], t.keys[0] = col, score, key
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
