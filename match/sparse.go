package match

import (
	"fmt"
	"math"
)

// Sparse is a cost matrix that lists only the allowed pairs of each row, in compressed
// sparse row form: the candidate columns of row r are Col[Start[r]:Start[r+1]] and their
// costs Cost[Start[r]:Start[r+1]]. A pair not listed, or listed with cost math.Inf(1), is
// forbidden. A row may list its candidates in any order but each column at most once.
// The zero value is an empty matrix; AddRow builds one row by row.
type Sparse struct {
	Rows, Cols int
	Start      []int
	Col        []int
	Cost       []float64
}

// AddRow appends a row whose candidates are cols, at the matching costs. It panics if
// the two slices differ in length.
func (g *Sparse) AddRow(cols []int, costs []float64) {
	if len(cols) != len(costs) {
		panic("match: Sparse.AddRow: cols and costs differ in length")
	}
	if len(g.Start) == 0 {
		g.Start = append(g.Start, 0)
	}
	g.Col = append(g.Col, cols...)
	g.Cost = append(g.Cost, costs...)
	g.Start = append(g.Start, len(g.Col))
	g.Rows++
}

// SolveSparse returns an assignment of rows to columns, using only the listed pairs,
// that pairs as many rows as possible and, among those, has the least total cost. It
// gives the same Assigned and Total as SolveDense on the equivalent dense matrix (the
// assignment itself may differ where several are optimal). g is not modified.
//
// It runs shortest augmenting paths with Dijkstra's method and a binary heap over the
// listed pairs only, after a sparse version of the Jonker–Volgenant initialisation, so its
// time and memory grow with the number of pairs rather than with Rows×Cols.
func SolveSparse(g Sparse) (Assignment, error) {
	h, err := compact(g)
	if err != nil {
		return Assignment{}, err
	}
	a := Assignment{RowToCol: filled(h.rows, -1)}
	if err := solveCSR(h, a.RowToCol); err != nil {
		return Assignment{}, err
	}
	var sum compensatedSum
	for r, c := range a.RowToCol {
		if c >= 0 {
			a.Assigned++
			sum.add(h.costOf(r, c))
		}
	}
	a.Total = sum.value()
	return a, nil
}

// csr is the solvers' own copy of a sparse matrix: allowed pairs only, 32-bit columns.
type csr struct {
	rows, cols int
	start      []int
	col        []int32
	cost       []float64
}

func (h *csr) size() (int, int) { return h.rows, h.cols }

func (h *csr) next(r, p int) (int, int) {
	if k := h.start[r] + p; k < h.start[r+1] {
		return int(h.col[k]), p + 1
	}
	return -1, p
}

// costOf returns the cost of the pair (r, c), which must be listed.
func (h *csr) costOf(r, c int) float64 {
	for k := h.start[r]; k < h.start[r+1]; k++ {
		if int(h.col[k]) == c {
			return h.cost[k]
		}
	}
	return math.Inf(1)
}

// compact validates g and returns its allowed pairs as a csr.
func compact(g Sparse) (*csr, error) {
	n, m := g.Rows, g.Cols
	switch {
	case n < 0 || m < 0 || m > math.MaxInt32:
		return nil, fmt.Errorf("match: sparse matrix %d×%d: %w", n, m, ErrMalformed)
	case n == 0 && len(g.Start) == 0 && len(g.Col) == 0 && len(g.Cost) == 0:
		return &csr{cols: m, start: []int{0}}, nil
	case len(g.Start) != n+1 || g.Start[0] != 0 || g.Start[n] != len(g.Col) || len(g.Col) != len(g.Cost):
		return nil, fmt.Errorf("match: sparse matrix with %d rows has %d offsets (first %v, last %v) for %d columns and %d costs: %w",
			n, len(g.Start), first(g.Start), last(g.Start), len(g.Col), len(g.Cost), ErrMalformed)
	}
	h := &csr{rows: n, cols: m, start: make([]int, n+1)}
	h.col = make([]int32, 0, len(g.Col))
	h.cost = make([]float64, 0, len(g.Cost))
	seen := make([]int, m) // row+1 that last listed each column
	var cr costRange
	for r := range n {
		lo, hi := g.Start[r], g.Start[r+1]
		if hi < lo || hi > len(g.Col) {
			return nil, fmt.Errorf("match: sparse row %d spans offsets %d to %d: %w", r, lo, hi, ErrMalformed)
		}
		for k := lo; k < hi; k++ {
			c, cost := g.Col[k], g.Cost[k]
			if c < 0 || c >= m {
				return nil, fmt.Errorf("match: sparse row %d lists column %d of %d: %w", r, c, m, ErrMalformed)
			}
			if seen[c] == r+1 {
				return nil, fmt.Errorf("match: sparse row %d lists column %d twice: %w", r, c, ErrMalformed)
			}
			seen[c] = r + 1
			if !cr.add(cost) {
				return nil, &CostError{Row: r, Col: c, Value: cost}
			}
			if cost <= math.MaxFloat64 {
				h.col = append(h.col, int32(c))
				h.cost = append(h.cost, cost)
			}
		}
		h.start[r+1] = len(h.col)
	}
	if err := cr.check(min(n, m)); err != nil {
		return nil, err
	}
	return h, nil
}

func first(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

func last(s []int) any {
	if len(s) == 0 {
		return "none"
	}
	return s[len(s)-1]
}

// solveCSR writes into rowToCol an optimal maximum assignment of h.
func solveCSR(h *csr, rowToCol []int) error {
	if h.rows == 0 || h.cols == 0 {
		return nil
	}
	rowMate, colMate, k := maxMatching(h)
	if k == min(h.rows, h.cols) {
		return solveCSRFull(h, rowToCol)
	}
	part := decompose(h, rowMate, colMate)
	if len(part.surplusCols) > 0 {
		// Surplus columns as rows, so the smaller side comes first.
		sub := restrictTransposed(h, part.surplusRows, part.surplusCols)
		x := make([]int, sub.rows)
		if err := solveCSRFull(sub, x); err != nil {
			return err
		}
		for a, b := range x {
			rowToCol[part.surplusRows[b]] = part.surplusCols[a]
		}
	}
	if len(part.otherRows) > 0 && len(part.otherCols) > 0 {
		sub := restrict(h, part.otherRows, part.otherCols)
		x := make([]int, sub.rows)
		if err := solveCSRFull(sub, x); err != nil {
			return err
		}
		for a, b := range x {
			rowToCol[part.otherRows[a]] = part.otherCols[b]
		}
	}
	return nil
}

// restrict returns the submatrix of h on the given rows and columns, renumbered in the
// order listed.
func restrict(h *csr, rows, cols []int) *csr {
	index := columnIndex(h.cols, cols)
	total := 0
	for _, r := range rows {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if index[h.col[k]] >= 0 {
				total++
			}
		}
	}
	sub := &csr{rows: len(rows), cols: len(cols), start: make([]int, len(rows)+1),
		col: make([]int32, 0, total), cost: make([]float64, 0, total)}
	for a, r := range rows {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if b := index[h.col[k]]; b >= 0 {
				sub.col = append(sub.col, b)
				sub.cost = append(sub.cost, h.cost[k])
			}
		}
		sub.start[a+1] = len(sub.col)
	}
	return sub
}

// restrictTransposed is restrict(h, rows, cols).transpose() without the intermediate copy.
func restrictTransposed(h *csr, rows, cols []int) *csr {
	index := columnIndex(h.cols, cols)
	t := &csr{rows: len(cols), cols: len(rows), start: make([]int, len(cols)+1)}
	for _, r := range rows {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if b := index[h.col[k]]; b >= 0 {
				t.start[b+1]++
			}
		}
	}
	for b := range len(cols) {
		t.start[b+1] += t.start[b]
	}
	t.col = make([]int32, t.start[len(cols)])
	t.cost = make([]float64, t.start[len(cols)])
	fill := make([]int, len(cols))
	copy(fill, t.start[:len(cols)])
	for a, r := range rows {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if b := index[h.col[k]]; b >= 0 {
				t.col[fill[b]] = int32(a)
				t.cost[fill[b]] = h.cost[k]
				fill[b]++
			}
		}
	}
	return t
}

// columnIndex maps each of n columns to its position in cols, or -1.
func columnIndex(n int, cols []int) []int32 {
	index := make([]int32, n)
	for c := range index {
		index[c] = -1
	}
	for b, c := range cols {
		index[c] = int32(b)
	}
	return index
}

// transpose returns h with rows and columns swapped; each new row lists its columns in
// increasing order.
func (h *csr) transpose() *csr {
	t := &csr{rows: h.cols, cols: h.rows, start: make([]int, h.cols+1)}
	for _, c := range h.col {
		t.start[c+1]++
	}
	for c := range h.cols {
		t.start[c+1] += t.start[c]
	}
	t.col = make([]int32, len(h.col))
	t.cost = make([]float64, len(h.cost))
	fill := make([]int, h.cols)
	copy(fill, t.start[:h.cols])
	for r := range h.rows {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			c := h.col[k]
			p := fill[c]
			fill[c]++
			t.col[p] = int32(r)
			t.cost[p] = h.cost[k]
		}
	}
	return t
}

// solveCSRFull solves a sparse problem whose smaller side can be assigned in full.
func solveCSRFull(h *csr, rowToCol []int) error {
	if h.rows <= h.cols {
		x, _, err := lapSparse(h)
		if err != nil {
			return err
		}
		copy(rowToCol, x)
		return nil
	}
	x, _, err := lapSparse(h.transpose())
	if err != nil {
		return err
	}
	for c, r := range x {
		rowToCol[r] = c
	}
	return nil
}
