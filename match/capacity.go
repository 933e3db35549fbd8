package match

import (
	"fmt"
	"math"
	"slices"
)

// A row with a capacity of c may take up to c columns; a column still takes at most one
// row. The solvers handle it by repeating the row c times and mapping the copies back.

// Pairing is the result of an assignment with capacities.
type Pairing struct {
	// Pairs holds every assigned pair, ordered by row, then column. A row appears at most
	// as many times as its capacity, a column at most once.
	Pairs []Pair
	// Total is the sum of the costs of Pairs: the least possible among assignments with
	// len(Pairs) pairs, which is the most the capacities and forbidden pairs allow.
	Total float64
}

// Expansion maps the rows of a problem expanded for capacities back to the original rows.
type Expansion struct {
	// RowOf is the original row of each expanded row; copies of a row are adjacent.
	RowOf []int
}

// Pairing turns an assignment of the expanded problem into pairs of original rows and
// columns.
func (e Expansion) Pairing(a Assignment) Pairing {
	p := Pairing{Pairs: make([]Pair, 0, a.Assigned), Total: a.Total}
	for er, c := range a.RowToCol {
		if c >= 0 && er < len(e.RowOf) {
			p.Pairs = append(p.Pairs, Pair{Row: e.RowOf[er], Col: c})
		}
	}
	slices.SortFunc(p.Pairs, func(a, b Pair) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Col - b.Col
	})
	return p
}

func checkCapacity(rows int, capacity []int) error {
	if len(capacity) != rows {
		return fmt.Errorf("match: %d capacities for %d rows: %w", len(capacity), rows, ErrInvalidCapacity)
	}
	for r, c := range capacity {
		if c < 0 {
			return fmt.Errorf("match: row %d has capacity %d: %w", r, c, ErrInvalidCapacity)
		}
	}
	return nil
}

// ExpandDense returns d with row r repeated min(capacity[r], allowed pairs of r) times
// (a row with capacity 0 disappears), and the expansion that maps the copies back.
func ExpandDense(d Dense, capacity []int) (Dense, Expansion, error) {
	if _, err := checkDense(d); err != nil {
		return Dense{}, Expansion{}, err
	}
	if err := checkCapacity(d.Rows, capacity); err != nil {
		return Dense{}, Expansion{}, err
	}
	var e Expansion
	for r := range d.Rows {
		allowed := 0
		for _, c := range d.Row(r) {
			if c <= math.MaxFloat64 {
				allowed++
			}
		}
		for range min(capacity[r], allowed) { // more copies could never be used
			e.RowOf = append(e.RowOf, r)
		}
	}
	x := NewDense(len(e.RowOf), d.Cols)
	for er, r := range e.RowOf {
		copy(x.Row(er), d.Row(r))
	}
	return x, e, nil
}

// ExpandSparse returns g with row r repeated min(capacity[r], allowed pairs of r) times,
// forbidden entries dropped, and the expansion that maps the copies back.
func ExpandSparse(g Sparse, capacity []int) (Sparse, Expansion, error) {
	h, err := compact(g)
	if err != nil {
		return Sparse{}, Expansion{}, err
	}
	if err := checkCapacity(h.rows, capacity); err != nil {
		return Sparse{}, Expansion{}, err
	}
	var e Expansion
	x := Sparse{Cols: h.cols, Start: []int{0}}
	for r := range h.rows {
		lo, hi := h.start[r], h.start[r+1]
		for range min(capacity[r], hi-lo) {
			e.RowOf = append(e.RowOf, r)
			for k := lo; k < hi; k++ {
				x.Col = append(x.Col, int(h.col[k]))
			}
			x.Cost = append(x.Cost, h.cost[lo:hi]...)
			x.Start = append(x.Start, len(x.Col))
			x.Rows++
		}
	}
	return x, e, nil
}

// SolveDenseCapacity is SolveDense where row r may take up to capacity[r] columns.
func SolveDenseCapacity(d Dense, capacity []int) (Pairing, error) {
	x, e, err := ExpandDense(d, capacity)
	if err != nil {
		return Pairing{}, err
	}
	a, err := SolveDense(x)
	if err != nil {
		return Pairing{}, err
	}
	return e.Pairing(a), nil
}

// SolveSparseCapacity is SolveSparse where row r may take up to capacity[r] columns.
func SolveSparseCapacity(g Sparse, capacity []int) (Pairing, error) {
	x, e, err := ExpandSparse(g, capacity)
	if err != nil {
		return Pairing{}, err
	}
	a, err := SolveSparse(x)
	if err != nil {
		return Pairing{}, err
	}
	return e.Pairing(a), nil
}
