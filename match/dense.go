package match

import (
	"fmt"
	"math"
)

// Dense is a full cost matrix in row-major order: the cost of row r and column c is
// Data[r*Cols+c], and math.Inf(1) marks a forbidden pair. A flat slice keeps a matrix of
// millions of cells in one allocation and lets the solver walk a row without indirection.
type Dense struct {
	Rows, Cols int
	Data       []float64
}

// NewDense returns a rows×cols matrix of zero costs.
func NewDense(rows, cols int) Dense {
	return Dense{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
}

// DenseFromRows copies a slice of rows into a Dense. Every row must have the same length.
func DenseFromRows(rows [][]float64) (Dense, error) {
	if len(rows) == 0 {
		return Dense{}, nil
	}
	cols := len(rows[0])
	d := NewDense(len(rows), cols)
	for r, row := range rows {
		if len(row) != cols {
			return Dense{}, fmt.Errorf("match: row %d has %d columns, row 0 has %d: %w", r, len(row), cols, ErrMalformed)
		}
		copy(d.Data[r*cols:], row)
	}
	return d, nil
}

// At returns the cost of row r and column c.
func (d Dense) At(r, c int) float64 { return d.Data[r*d.Cols+c] }

// Set sets the cost of row r and column c.
func (d Dense) Set(r, c int, cost float64) { d.Data[r*d.Cols+c] = cost }

// Row returns row r as a slice sharing the matrix's storage.
func (d Dense) Row(r int) []float64 {
	return d.Data[r*d.Cols : (r+1)*d.Cols : (r+1)*d.Cols]
}

// SolveDense returns an assignment of rows to columns that pairs as many rows as the
// forbidden pairs allow and, among those, has the least total cost. Ties are broken
// deterministically. d is not modified.
//
// It runs the Jonker–Volgenant shortest augmenting path method in O(n²·m) time at worst for
// n = min(Rows, Cols) and m = max(Rows, Cols), and on large problems first tries the
// sparse solver on the cheapest pairs of each row (of the smaller side, when the matrix
// is not square) and keeps its answer when the prices it ends with prove it optimal for
// the whole matrix; a rectangular matrix is then read once, in memory order, and never
// transposed or padded. Beyond vectors and that candidate graph it needs a copy of the
// matrix only when the proof fails on a matrix with Rows > Cols, or when forbidden pairs
// leave some rows of the smaller side unassigned.
func SolveDense(d Dense) (Assignment, error) {
	if err := checkShape(d); err != nil {
		return Assignment{}, err
	}
	n, m := d.Rows, d.Cols
	a := Assignment{RowToCol: filled(n, -1)}
	if n == 0 || m == 0 {
		_, err := checkDense(d)
		return a, err
	}
	if err := solveDense(d, a.RowToCol); err != nil {
		return Assignment{}, err
	}
	var sum compensatedSum
	for r, c := range a.RowToCol {
		if c >= 0 {
			a.Assigned++
			sum.add(d.Data[r*m+c])
		}
	}
	a.Total = sum.value()
	return a, nil
}

// solveDense writes an optimal maximum assignment of d, whose shape is valid and whose
// sides are not empty, into rowToCol.
func solveDense(d Dense, rowToCol []int) error {
	if d.Rows != d.Cols && d.Rows*d.Cols >= rectMinCells {
		x, ok, err := solveRect(d)
		if err != nil {
			return err
		}
		if ok {
			copy(rowToCol, x)
			return nil
		}
	}
	hasInf, err := checkDense(d)
	if err != nil {
		return err
	}
	if !hasInf {
		return solveDenseFull(d, rowToCol, false)
	}
	return solveDenseForbidden(d, rowToCol)
}

// checkShape reports a Dense whose Data does not hold Rows×Cols values.
func checkShape(d Dense) error {
	if d.Rows < 0 || d.Cols < 0 || (d.Cols > 0 && d.Rows > math.MaxInt/d.Cols) || len(d.Data) != d.Rows*d.Cols {
		return fmt.Errorf("match: dense matrix %d×%d holds %d values: %w", d.Rows, d.Cols, len(d.Data), ErrMalformed)
	}
	return nil
}

// checkDense validates the shape and the costs of d and reports whether any pair is
// forbidden.
func checkDense(d Dense) (hasInf bool, err error) {
	if err := checkShape(d); err != nil {
		return false, err
	}
	var r costRange
	for k, c := range d.Data {
		if !r.add(c) {
			return false, &CostError{Row: k / d.Cols, Col: k % d.Cols, Value: c}
		}
	}
	if err := r.check(min(d.Rows, d.Cols)); err != nil {
		return false, err
	}
	return r.inf > 0, nil
}

// costRange gathers what the solvers need to know about a set of costs.
type costRange struct {
	lo, hi float64 // least and greatest finite cost
	finite int
	inf    int
}

// add records one cost and reports false for NaN and -Inf.
func (r *costRange) add(c float64) bool {
	switch {
	case c != c || math.IsInf(c, -1):
		return false
	case math.IsInf(c, 1):
		r.inf++
	default:
		if r.finite == 0 || c < r.lo {
			r.lo = c
		}
		if r.finite == 0 || c > r.hi {
			r.hi = c
		}
		r.finite++
	}
	return true
}

// check rejects costs whose magnitude or spread could overflow the dual values of a
// problem whose smaller side is n: the duals stay within about n times the spread.
func (r *costRange) check(n int) error {
	if r.finite == 0 {
		return nil
	}
	spread := (r.hi - r.lo) * float64(n+2)
	bound := math.Max(math.Abs(r.lo), math.Abs(r.hi))*4 + spread*4
	if math.IsInf(bound, 0) || bound > math.MaxFloat64/16 {
		return fmt.Errorf("match: finite costs from %g to %g: %w", r.lo, r.hi, ErrCostRange)
	}
	return nil
}

// solveDenseFull solves a problem in which every row of the smaller side can be assigned,
// writing the column of each row into rowToCol. It tries the rectangular shortcut first
// unless that was tried already.
func solveDenseFull(d Dense, rowToCol []int, tried bool) error {
	n, m := d.Rows, d.Cols
	if !tried && n != m && n*m >= rectMinCells {
		x, ok, err := solveRect(d)
		if err != nil {
			return err
		}
		if ok {
			copy(rowToCol, x)
			return nil
		}
	}
	if n <= m {
		x, err := lapjv(d.Data, n, m)
		if err != nil {
			return err
		}
		copy(rowToCol, x)
		return nil
	}
	t := transpose(d.Data, n, m)
	x, err := lapjv(t, m, n)
	if err != nil {
		return err
	}
	for c, r := range x {
		rowToCol[r] = c
	}
	return nil
}

// transpose returns the m×n transpose of the n×m row-major matrix c.
func transpose(c []float64, n, m int) []float64 {
	t := make([]float64, n*m)
	const block = 32
	for i0 := 0; i0 < n; i0 += block {
		for j0 := 0; j0 < m; j0 += block {
			for i := i0; i < min(i0+block, n); i++ {
				row := c[i*m : i*m+m]
				for j := j0; j < min(j0+block, m); j++ {
					t[j*n+i] = row[j]
				}
			}
		}
	}
	return t
}

// solveDenseForbidden solves a problem with forbidden pairs. When the smaller side can be
// assigned in full it is an ordinary solve; otherwise the problem splits along the
// Dulmage–Mendelsohn decomposition into two parts that each can (see decompose).
func solveDenseForbidden(d Dense, rowToCol []int) error {
	g := denseGraph{d}
	rowMate, colMate, k := maxMatching(g)
	if k == min(d.Rows, d.Cols) {
		return solveDenseFull(d, rowToCol, true)
	}
	part := decompose(g, rowMate, colMate)

	// Surplus rows against the columns they reach: every such column is assigned.
	if len(part.surplusCols) > 0 {
		sub := NewDense(len(part.surplusCols), len(part.surplusRows))
		for b, r := range part.surplusRows {
			row := d.Row(r)
			for a, c := range part.surplusCols {
				sub.Data[a*sub.Cols+b] = row[c]
			}
		}
		x := make([]int, sub.Rows)
		if err := solveDenseFull(sub, x, false); err != nil {
			return err
		}
		for a, b := range x {
			rowToCol[part.surplusRows[b]] = part.surplusCols[a]
		}
	}

	// The other rows against the other columns: every such row is assigned.
	if len(part.otherRows) > 0 && len(part.otherCols) > 0 {
		sub := NewDense(len(part.otherRows), len(part.otherCols))
		for a, r := range part.otherRows {
			row := d.Row(r)
			out := sub.Row(a)
			for b, c := range part.otherCols {
				out[b] = row[c]
			}
		}
		x := make([]int, sub.Rows)
		if err := solveDenseFull(sub, x, false); err != nil {
			return err
		}
		for a, b := range x {
			rowToCol[part.otherRows[a]] = part.otherCols[b]
		}
	}
	return nil
}

// denseGraph is the graph of allowed pairs of a Dense.
type denseGraph struct{ d Dense }

func (g denseGraph) size() (int, int) { return g.d.Rows, g.d.Cols }

func (g denseGraph) next(r, p int) (int, int) {
	row := g.d.Row(r)
	for ; p < len(row); p++ {
		if row[p] <= math.MaxFloat64 { // finite: NaN and -Inf were rejected earlier
			return p, p + 1
		}
	}
	return -1, p
}
