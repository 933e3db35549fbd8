package match

import "math"

// Rectangular problems have a shortcut of their own. Take the smaller side as the rows to
// assign (the columns of the matrix when it is taller than wide). The solvers keep every
// column price at or below zero, and at zero on every column left free, as a
// rectangular optimum requires. So if a row's reduced cost u = c[i][x[i]] - v[x[i]] is no
// more than the least cost f among the pairs of its row that the solve never looked at,
// every such pair has c - v - u >= f - u >= 0, and the row is proven without reading it
// again.
//
// Hence one pass over the matrix, in memory order, keeps the k cheapest pairs of each row
// and the least cost of the rest, and checks every cost on the way; the sparse solver
// assigns the rows on those pairs; and only the rows whose reduced cost exceeds their bound
// are read again, their violated pairs added and the graph solved anew. When the cheapest
// pairs cannot assign every row, each column's cheapest rows join the graph. Whatever
// is not proven within a few rounds goes to the full solver, so the answer is an optimum
// of the whole matrix either way; the shortcut decides only how fast it comes.

const (
	// rectMinCells is the smallest problem (rows × columns) given the shortcut.
	rectMinCells = 1 << 14
	// rectRounds bounds the solve-check-extend rounds.
	rectRounds = 5
)

// rectCandidates is how many of the cheapest pairs each of n rows keeps out of m > n
// columns. The fewer columns stay free, the more rows compete for the same ones and the
// more candidates a row needs for its reduced cost to stay within its bound.
func rectCandidates(n, m int) int {
	return min(12+4*n/(m-n+1), 48, m)
}

// candidate is a pair kept for the graph: its cost, a hash of the pair that orders equal
// costs (so that ties spread over the matrix instead of piling into its first columns),
// and its column in the graph's orientation.
type candidate struct {
	key float64
	tie uint32
	idx int32
}

func (a candidate) less(b candidate) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.idx < b.idx
}

// shortlist is the candidate graph of a rectangular problem seen with its smaller side as
// rows: each row's candidate columns with their costs, and the least cost of any allowed
// pair not listed (+Inf when every allowed pair is listed).
type shortlist struct {
	rows, cols int
	k          int
	col        [][]int32
	cost       [][]float64
	floor      []float64
	colBack    []int32 // the rows' first k candidates, side by side
	costBack   []float64
	// row fills buf with row a of the problem in this orientation.
	row func(a int, buf []float64)

	rounds   int  // graphs solved
	extended int  // rounds that found violated pairs
	covered  bool // whether the columns' cheapest rows were added
}

// rectScan is what the pass over the matrix learns besides the candidates.
type rectScan struct {
	lo, hi float64 // least and greatest finite cost
	bad    bool    // a NaN or -Inf was seen
}

// solveRect tries the shortcut on d (Rows ≠ Cols). It returns the column of each row, or
// ok false when the shortcut proved nothing; err is set only for costs the solvers refuse.
func solveRect(d Dense) (x []int, ok bool, err error) {
	n, m := d.Rows, d.Cols
	var s *shortlist
	var sc rectScan
	if n < m {
		s, sc = scanWide(d.Data, n, m, rectCandidates(n, m))
	} else {
		s, sc = scanTall(d.Data, n, m, rectCandidates(m, n))
	}
	if sc.bad {
		_, err := checkDense(d) // finds and reports the first bad cost
		return nil, false, err
	}
	r := costRange{lo: sc.lo, hi: sc.hi, finite: 1}
	if sc.lo > sc.hi {
		r.finite = 0
	}
	if err := r.check(min(n, m)); err != nil {
		return nil, false, err
	}
	y, ok := s.solve()
	if !ok || n < m {
		return y, ok, nil
	}
	x = filled(n, -1)
	for j, i := range y {
		x[i] = j
	}
	return x, true, nil
}

// scanWide keeps the k cheapest allowed pairs of each row of the n×m matrix c (n < m).
func scanWide(c []float64, n, m, k int) (*shortlist, rectScan) {
	s := newShortlist(n, m, k)
	s.row = func(a int, buf []float64) { copy(buf, c[a*m:a*m+m]) }
	sc := rectScan{lo: math.Inf(1), hi: math.Inf(-1)}
	buf := make([]candidate, 4*k)
	// Rows tend to be alike, so each starts with a threshold from the row before,
	// loose enough that a row rarely has fewer than k pairs under it. One that does is
	// read again without it.
	start := math.Inf(1)
	for i := 0; i < n; i++ {
		row := c[i*m : i*m+m]
		hi, tau, cnt := sc.hi, start, 0
		for j, x := range row {
			if x > hi && x <= math.MaxFloat64 {
				hi = x
			}
			// NaN and -Inf pass this test too, and are caught when the buffer is sorted out.
			if !(x > tau) {
				buf[cnt] = candidate{x, pairHash(i, j), int32(j)}
				if cnt++; cnt == len(buf) {
					if tau, sc.bad = keepBest(buf, k); sc.bad {
						return s, sc
					}
					cnt = k
				}
			}
		}
		sc.hi = hi
		if cnt < k && !math.IsInf(start, 1) {
			start = math.Inf(1)
			i--
			continue
		}
		if cnt >= 2*k {
			nthCandidate(buf[:cnt], 2*k-1)
			start = buf[2*k-1].key
		}
		if sc.bad = s.take(i, buf[:cnt], &sc.lo); sc.bad {
			return s, sc
		}
	}
	return s, sc
}

// scanTall keeps the k cheapest allowed pairs of each column of the n×m matrix c (n > m),
// reading c row by row, as a shortlist whose rows are the columns of c.
func scanTall(c []float64, n, m, k int) (*shortlist, rectScan) {
	s := newShortlist(m, n, k)
	s.row = func(a int, buf []float64) {
		for i := range buf {
			buf[i] = c[i*m+a]
		}
	}
	sc := rectScan{lo: math.Inf(1), hi: math.Inf(-1)}
	t := tallScan{c: c, m: m, size: 4 * k, buf: make([]candidate, 4*k*m), cnt: make([]int32, m), tau: make([]float64, m)}
	for j := range t.tau {
		t.tau[j] = math.Inf(1)
	}
	// Unlike rows, all columns are read at once, so none can start from the threshold of
	// the one before. They start instead from a threshold read off every eighth row: the
	// sample's r-th cheapest, which is about the 3k-th cheapest of the whole column.
	const step = 8
	warm := false
	if r := 3 * k / step; r >= 4 && n >= 8*step*k {
		if sc.bad = t.scan(0, n, step, r, &sc.hi); sc.bad {
			return s, sc
		}
		for j := range m {
			b := t.buf[j*t.size : j*t.size+int(t.cnt[j])]
			if len(b) >= r {
				nthCandidate(b, r-1)
				t.tau[j] = b[r-1].key
			}
		}
		clear(t.cnt)
		warm = true
	}
	if sc.bad = t.scan(0, n, 1, k, &sc.hi); sc.bad {
		return s, sc
	}
	var col []float64
	for j := range m {
		b := t.buf[j*t.size : j*t.size+int(t.cnt[j])]
		if warm && len(b) < k && !math.IsInf(t.tau[j], 1) {
			// The sample misled: read this column again in full.
			if col == nil {
				col = make([]float64, n)
			}
			s.row(j, col)
			b = b[:0]
			full := t.buf[j*t.size : (j+1)*t.size]
			tau := math.Inf(1)
			for i, x := range col {
				if !(x > tau) {
					full[len(b)] = candidate{x, pairHash(j, i), int32(i)}
					if b = full[:len(b)+1]; len(b) == len(full) {
						if tau, sc.bad = keepBest(b, k); sc.bad {
							return s, sc
						}
						b = b[:k]
					}
				}
			}
		}
		if sc.bad = s.take(j, b, &sc.lo); sc.bad {
			return s, sc
		}
	}
	return s, sc
}

// tallScan holds, for each column of a tall matrix, a buffer of candidates and the cost
// above which none is taken.
type tallScan struct {
	c    []float64
	m    int
	size int
	buf  []candidate
	cnt  []int32
	tau  []float64
}

// scan reads rows from, from+step, ... below to, buffering for each column the pairs under
// its threshold and keeping the best k whenever its buffer fills. It raises hi to the
// greatest finite cost seen and reports a NaN or -Inf.
func (t *tallScan) scan(from, to, step, k int, hi *float64) (bad bool) {
	m, size := t.m, t.size
	tau, cnt, buf := t.tau, t.cnt, t.buf
	top := *hi
	for i := from; i < to; i += step {
		row := t.c[i*m : i*m+m]
		row = row[:len(tau)]
		for j, x := range row {
			if x > top && x <= math.MaxFloat64 {
				top = x
			}
			if !(x > tau[j]) {
				b := buf[j*size : j*size+size]
				p := cnt[j]
				b[p] = candidate{x, pairHash(j, i), int32(i)}
				if p++; int(p) == size {
					if tau[j], bad = keepBest(b, k); bad {
						return true
					}
					p = int32(k)
				}
				cnt[j] = p
			}
		}
	}
	*hi = top
	return false
}

func newShortlist(rows, cols, k int) *shortlist {
	s := &shortlist{rows: rows, cols: cols, k: k,
		col: make([][]int32, rows), cost: make([][]float64, rows), floor: make([]float64, rows),
		colBack: make([]int32, rows*k), costBack: make([]float64, rows*k)}
	for a := range s.floor {
		s.floor[a] = math.Inf(1)
	}
	return s
}

// keepBest moves the k best of buf (len(buf) > k) to its front and returns the cost of
// the k-th, or bad when buf holds a NaN or -Inf.
func keepBest(buf []candidate, k int) (tau float64, bad bool) {
	for _, c := range buf {
		if !(c.key >= -math.MaxFloat64) {
			return 0, true
		}
	}
	nthCandidate(buf, k-1)
	return buf[k-1].key, false
}

// nthCandidate reorders buf so that buf[nth] is where a sort would put it, with none
// ranking after it before it and none ranking before it after it (Hoare's selection).
func nthCandidate(buf []candidate, nth int) {
	lo, hi := 0, len(buf)-1
	for lo < hi {
		// Median of three as the pivot, moved to lo.
		mid := lo + (hi-lo)/2
		if buf[mid].less(buf[lo]) {
			buf[mid], buf[lo] = buf[lo], buf[mid]
		}
		if buf[hi].less(buf[lo]) {
			buf[hi], buf[lo] = buf[lo], buf[hi]
		}
		if buf[hi].less(buf[mid]) {
			buf[hi], buf[mid] = buf[mid], buf[hi]
		}
		buf[lo], buf[mid] = buf[mid], buf[lo]
		pivot := buf[lo]
		i, j := lo+1, hi
		for {
			for i <= j && buf[i].less(pivot) {
				i++
			}
			for i <= j && pivot.less(buf[j]) {
				j--
			}
			if i >= j {
				break
			}
			buf[i], buf[j] = buf[j], buf[i]
			i++
			j--
		}
		buf[lo], buf[j] = buf[j], buf[lo]
		switch {
		case j == nth:
			return
		case j < nth:
			lo = j + 1
		default:
			hi = j - 1
		}
	}
}

// take stores the best k of the candidates in buf as those of row a, with the row's
// floor, and lowers lo to the least of them. It reports a NaN or -Inf among them.
func (s *shortlist) take(a int, buf []candidate, lo *float64) (bad bool) {
	for _, c := range buf {
		if !(c.key >= -math.MaxFloat64) {
			return true
		}
	}
	if len(buf) > s.k {
		nthCandidate(buf, s.k-1)
		buf = buf[:s.k]
	}
	base := a * s.k
	cols := s.colBack[base : base : base+s.k]
	costs := s.costBack[base : base : base+s.k]
	worst := math.Inf(-1)
	for _, c := range buf {
		if c.key > math.MaxFloat64 {
			continue // forbidden: never a candidate
		}
		cols = append(cols, c.idx)
		costs = append(costs, c.key)
		worst = max(worst, c.key)
		*lo = min(*lo, c.key)
	}
	// Capped at their length, so that extending one row later copies only that row.
	s.col[a], s.cost[a] = cols[:len(cols):len(cols)], costs[:len(costs):len(costs)]
	if len(cols) == s.k {
		s.floor[a] = worst
	}
	return false
}

// solve runs the rounds: solve the graph, check every row against its bound, add what
// violates it. It returns the column of each row when the answer is proven.
func (s *shortlist) solve() ([]int, bool) {
	for s.rounds < rectRounds {
		s.rounds++
		h := s.graph()
		x, v, err := lapSparse(h)
		if err != nil {
			// The cheapest pairs crowd into too few columns: give every column its
			// cheapest rows too, once, and try again.
			if s.covered {
				return nil, false
			}
			s.coverColumns()
			s.covered = true
			continue
		}
		if !s.extend(h, x, v) {
			return x, true
		}
		s.extended++
	}
	return nil, false
}

// graph builds the csr of the listed pairs.
func (s *shortlist) graph() *csr {
	total := 0
	for _, l := range s.col {
		total += len(l)
	}
	h := &csr{rows: s.rows, cols: s.cols, start: make([]int, s.rows+1),
		col: make([]int32, 0, total), cost: make([]float64, 0, total)}
	for a := range s.rows {
		h.col = append(h.col, s.col[a]...)
		h.cost = append(h.cost, s.cost[a]...)
		h.start[a+1] = len(h.col)
	}
	return h
}

// extend checks the assignment x with column prices v (none above zero) against every
// pair of the problem. Rows within their bound need no look; the others are read in full
// and up to k of their most violated pairs join their lists. It reports whether any pair
// was added.
func (s *shortlist) extend(h *csr, x []int, v []float64) bool {
	found := false
	var buf []float64
	var mark []int32
	var worst []candidate
	for a := range s.rows {
		j := x[a]
		u := h.costOf(a, j) - v[j]
		if u <= s.floor[a] {
			continue
		}
		if buf == nil {
			buf = make([]float64, s.cols)
			mark = make([]int32, s.cols)
		}
		s.row(a, buf)
		for _, b := range s.col[a] {
			mark[b] = int32(a + 1)
		}
		worst = worst[:0]
		buf = buf[:len(v)]
		for b, cost := range buf {
			if r := cost - v[b] - u; r < 0 && mark[b] != int32(a+1) {
				worst = append(worst, candidate{r, pairHash(a, b), int32(b)})
			}
		}
		if len(worst) > s.k {
			nthCandidate(worst, s.k-1)
			worst = worst[:s.k]
		}
		for _, c := range worst {
			s.col[a] = append(s.col[a], c.idx)
			s.cost[a] = append(s.cost[a], buf[c.idx])
		}
		found = found || len(worst) > 0
	}
	return found
}

// coverColumns adds to the graph, for each column, the k rows where it is cheapest.
func (s *shortlist) coverColumns() {
	k := s.k
	best := make([][]candidate, s.cols)
	buf := make([]float64, s.cols)
	for a := range s.rows {
		s.row(a, buf)
		for b, x := range buf {
			if x > math.MaxFloat64 {
				continue
			}
			best[b] = append(best[b], candidate{x, pairHash(b, a), int32(a)})
			if len(best[b]) == 4*k {
				nthCandidate(best[b], k-1)
				best[b] = best[b][:k]
			}
		}
	}
	// Invert the columns' lists into the rows' lists, skipping pairs already listed.
	add := make([][]int32, s.rows)
	for b, l := range best {
		if len(l) > k {
			nthCandidate(l, k-1)
			l = l[:k]
		}
		for _, c := range l {
			add[c.idx] = append(add[c.idx], int32(b))
		}
	}
	mark := make([]int32, s.cols)
	for a := range s.rows {
		for _, b := range s.col[a] {
			mark[b] = int32(a + 1)
		}
		if len(add[a]) == 0 {
			continue
		}
		s.row(a, buf)
		for _, b := range add[a] {
			if mark[b] != int32(a+1) {
				s.col[a] = append(s.col[a], b)
				s.cost[a] = append(s.cost[a], buf[b])
			}
		}
	}
}
