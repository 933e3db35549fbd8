package match

import (
	"math"
	"slices"
)

// Most of the dense solver's time on a hard problem goes into the last augmenting paths,
// each of which scans row after row of the full matrix. Yet an optimal assignment of
// typical costs uses only pairs that are among the cheapest of their row or column once
// the column's or row's own minimum is taken off. So a large problem is first solved on a
// candidate graph holding only such pairs, by the sparse solver, and the result is checked
// against every pair of the full matrix with the sparse solver's prices: if no pair has a
// negative reduced cost, linear programming duality makes it optimal for the full matrix
// too. Pairs that fail the check join the graph and it is solved again. After a few
// rounds without success, or if the graph cannot assign every row (some structured costs
// crowd the candidates into a few columns), the dense solver runs in full. Either way
// the answer is an optimum of the full matrix; the detour decides only how fast it comes.

const (
	// candidateMinRows is the smallest problem (rows on its smaller side) worth a detour.
	candidateMinRows = 128
	// candidatesPerRow is how many of the cheapest pairs of each row, and rows of each
	// column, start the graph.
	candidatesPerRow = 16
	// candidateRounds bounds the solve-check-extend rounds.
	candidateRounds = 4
)

// solveByCandidates solves the n×m matrix c (n ≤ m, every row assignable) on a candidate
// graph of about k to 2k pairs a row and reports whether the result is proven optimal
// for c.
func solveByCandidates(c []float64, n, m, k int) ([]int, bool) {
	lists := selectCandidates(c, n, m, k)
	for range candidateRounds {
		h := candidateGraph(c, n, m, lists)
		if _, _, size := maxMatching(h); size < n {
			return nil, false
		}
		x, v, err := lapSparse(h)
		if err != nil {
			return nil, false
		}
		if !addViolations(c, n, m, k, x, v, lists) {
			return x, true
		}
	}
	return nil, false
}

// selectCandidates lists, for each row of c in column order, the k cheapest pairs of the
// row by cost less the column's minimum, and the pairs of the row that are among the k
// cheapest of their column by cost less the row's minimum. Taking off the minima keeps a
// column everybody finds dear, or a row that finds everything dear, from being crowded
// out; taking from both sides leaves no column without candidates.
func selectCandidates(c []float64, n, m, k int) [][]int32 {
	colMin := make([]float64, m)
	for j := range colMin {
		colMin[j] = math.Inf(1)
	}
	for i := range n {
		row := c[i*m : i*m+m]
		row = row[:len(colMin)]
		for j, x := range row {
			if x < colMin[j] {
				colMin[j] = x
			}
		}
	}

	// Bounded max-heaps, worst on top, with the worst keys kept apart for a quick reject.
	// Equal keys are ordered by a hash of the pair rather than by position, so that costs
	// with many ties spread their candidates over the matrix instead of piling them into
	// the first columns and rows.
	lists := make([][]int32, n)
	best := make([]rankedCol, 0, k)   // the row's best columns so far
	colBest := make([]rankedCol, m*k) // each column's best rows so far
	colLen := make([]int, m)
	colWorst := make([]float64, m)
	for j := range colWorst {
		colWorst[j] = math.Inf(1)
	}
	for i := range n {
		row := c[i*m : i*m+m]
		row = row[:len(colMin)]
		colWorst := colWorst[:len(row)]
		rowMin := math.Inf(1)
		for _, x := range row {
			if x < rowMin {
				rowMin = x
			}
		}
		best = best[:0]
		rowWorst := math.Inf(1)
		for j, x := range row {
			if x > math.MaxFloat64 {
				continue
			}
			rowKey, colKey := x-colMin[j], x-rowMin
			inRow, inCol := rowKey <= rowWorst, colKey <= colWorst[j]
			if !inRow && !inCol {
				continue
			}
			tie := pairHash(i, j)
			if r := (rankedCol{rowKey, tie, int32(j)}); inRow {
				switch {
				case len(best) < k:
					best = append(best, r)
					siftUpRanked(best, len(best)-1)
				case r.less(best[0]):
					best[0] = r
					siftDownRanked(best)
				}
				if len(best) == k {
					rowWorst = best[0].key
				}
			}
			if r := (rankedCol{colKey, tie, int32(i)}); inCol {
				h := colBest[j*k : j*k+colLen[j] : j*k+k]
				switch {
				case len(h) < k:
					h = append(h, r)
					siftUpRanked(h, len(h)-1)
					colLen[j]++
				case r.less(h[0]):
					h[0] = r
					siftDownRanked(h)
				}
				if len(h) == k {
					colWorst[j] = h[0].key
				}
			}
		}
		list := make([]int32, len(best), 2*len(best)+4)
		for p, r := range best {
			list[p] = r.j
		}
		lists[i] = list
	}
	for j := range m {
		for _, rc := range colBest[j*k : j*k+colLen[j]] {
			if !containsInt32(lists[rc.j], int32(j)) {
				lists[rc.j] = append(lists[rc.j], int32(j))
			}
		}
	}
	for _, l := range lists {
		slices.Sort(l)
	}
	return lists
}

// candidateGraph builds the csr of the listed pairs of c.
func candidateGraph(c []float64, n, m int, lists [][]int32) *csr {
	total := 0
	for _, l := range lists {
		total += len(l)
	}
	h := &csr{rows: n, cols: m, start: make([]int, n+1), col: make([]int32, 0, total), cost: make([]float64, 0, total)}
	for i, l := range lists {
		row := c[i*m : i*m+m]
		for _, j := range l {
			h.col = append(h.col, j)
			h.cost = append(h.cost, row[j])
		}
		h.start[i+1] = len(h.col)
	}
	return h
}

// addViolations checks the assignment x with column prices v against every allowed pair
// of c. A pair whose reduced cost c[i][j] - v[j] - u[i] is negative, where u[i] is the
// reduced cost of row i's own pair, proves x not optimal for c. The worst k such pairs of
// each row join its list. It reports whether any pair was found.
func addViolations(c []float64, n, m, k int, x []int, v []float64, lists [][]int32) bool {
	found := false
	worst := make([]rankedCol, 0, k)
	for i := range n {
		row := c[i*m : i*m+m]
		row = row[:len(v)]
		u := row[x[i]] - v[x[i]]
		worst = worst[:0]
		for j, cost := range row {
			r := cost - v[j] - u
			if r >= 0 || containsInt32(lists[i], int32(j)) {
				continue
			}
			rc := rankedCol{r, pairHash(i, j), int32(j)}
			if len(worst) < k {
				worst = append(worst, rc)
				siftUpRanked(worst, len(worst)-1)
			} else if rc.less(worst[0]) {
				worst[0] = rc
				siftDownRanked(worst)
			}
		}
		if len(worst) > 0 {
			found = true
			for _, rc := range worst {
				lists[i] = append(lists[i], rc.j)
			}
			slices.Sort(lists[i])
		}
	}
	return found
}

// rankedCol is a candidate column (or row) with its rank: key, then a hash of the pair.
type rankedCol struct {
	key float64
	tie uint32
	j   int32
}

func (a rankedCol) less(b rankedCol) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.j < b.j
}

// pairHash scrambles a row and a column into a tie-breaker that is the same on every run.
func pairHash(i, j int) uint32 {
	h := uint64(i)*0x9e3779b97f4a7c15 ^ uint64(j)*0xc2b2ae3d27d4eb4f
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	return uint32(h)
}

// siftUpRanked and siftDownRanked keep h a max-heap: the worst candidate on top.
func siftUpRanked(h []rankedCol, p int) {
	for p > 0 {
		parent := (p - 1) / 2
		if !h[parent].less(h[p]) {
			return
		}
		h[parent], h[p] = h[p], h[parent]
		p = parent
	}
}

func siftDownRanked(h []rankedCol) {
	p := 0
	for {
		c := 2*p + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c].less(h[c+1]) {
			c++
		}
		if !h[p].less(h[c]) {
			return
		}
		h[p], h[c] = h[c], h[p]
		p = c
	}
}

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
