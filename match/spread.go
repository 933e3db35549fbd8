package match

import (
	"fmt"
	"math"
	"slices"
)

// A row with capacity c may take up to c columns; a column still takes at most one row.
// Among the assignments with the most pairs, the solvers spread the columns over the
// rows before they fill any row up: they use the fewest slots beyond a row's first, then
// the fewest beyond its second, and so on, and only then look at cost. Cost never buys
// a second slot while a first one could have served.
//
// The rule is exact, not a penalty weighed against costs. Each row is modelled by copies,
// one per slot, and a pair's cost is the pair (tier of the slot, cost), compared tier
// first. A tier is an exact integer: slot s (from 0) has tier W^(L-1) + ... + W^(L-s),
// where L is the largest capacity less one and W exceeds the number of pairs, so that one
// pair fewer beyond the l-th slot outweighs any change deeper down (when the levels of
// very large capacities would not fit in 64 bits, the deepest share one tier; see
// slotTiers). The tiers grow from slot to slot, so a row's copies fill in order, and
// shortest augmenting paths work unchanged on such pairs, which form an ordered group:
// tiers add and compare exactly, and costs round as they always do.
//
// Copies of a row share their candidates, so the maximum number of pairs and the
// Dulmage–Mendelsohn split (cardinality.go) put all copies of a row on the same side. On
// the side where every copy is used the tiers are the same for every maximum assignment
// and the ordinary solver runs on the copies. On the side where every column is used the
// columns are assigned in turn by successive shortest paths in (tier, cost), with each
// row one node whatever its capacity (tiered.go).

// Pairing is the result of an assignment with capacities.
type Pairing struct {
	// Pairs holds every assigned pair, ordered by row, then column. A row appears at most
	// as many times as its capacity, a column at most once.
	Pairs []Pair
	// Total is the sum of the costs of Pairs: the least possible among the assignments
	// that have the most pairs and spread them as described above.
	Total float64
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

// SolveDenseCapacity is SolveDense where row r may take up to capacity[r] columns,
// spread over the rows as described for Pairing.
func SolveDenseCapacity(d Dense, capacity []int) (Pairing, error) {
	if _, err := checkDense(d); err != nil {
		return Pairing{}, err
	}
	if err := checkCapacity(d.Rows, capacity); err != nil {
		return Pairing{}, err
	}
	if maxOf(capacity) <= 1 {
		// One slot a row: the dense solver on the rows that have it.
		rows := rowsWithCapacity(capacity)
		sub := d
		if len(rows) < d.Rows {
			sub = NewDense(len(rows), d.Cols)
			for a, r := range rows {
				copy(sub.Row(a), d.Row(r))
			}
		}
		a, err := SolveDense(sub)
		if err != nil {
			return Pairing{}, err
		}
		return pairingOf(a.RowToCol, rows, a.Total), nil
	}
	allowed := 0
	for _, x := range d.Data {
		if x <= math.MaxFloat64 {
			allowed++
		}
	}
	h := &csr{rows: d.Rows, cols: d.Cols, start: make([]int, d.Rows+1),
		col: make([]int32, 0, allowed), cost: make([]float64, 0, allowed)}
	for r := range d.Rows {
		for c, x := range d.Row(r) {
			if x <= math.MaxFloat64 {
				h.col = append(h.col, int32(c))
				h.cost = append(h.cost, x)
			}
		}
		h.start[r+1] = len(h.col)
	}
	return solveCapacity(h, capacity)
}

// SolveSparseCapacity is SolveSparse where row r may take up to capacity[r] columns,
// spread over the rows as described for Pairing.
func SolveSparseCapacity(g Sparse, capacity []int) (Pairing, error) {
	h, err := compact(g)
	if err != nil {
		return Pairing{}, err
	}
	if err := checkCapacity(h.rows, capacity); err != nil {
		return Pairing{}, err
	}
	return solveCapacity(h, capacity)
}

// solveCapacity solves the validated problem h with capacities.
func solveCapacity(h *csr, capacity []int) (Pairing, error) {
	// A row can use no more slots than it has allowed pairs.
	slots := make([]int, h.rows)
	for r := range slots {
		slots[r] = min(capacity[r], h.start[r+1]-h.start[r])
	}
	if maxOf(slots) <= 1 {
		rows := rowsWithCapacity(slots)
		sub := restrict(h, rows, identity(h.cols))
		x := filled(sub.rows, -1)
		if err := solveCSR(sub, x); err != nil {
			return Pairing{}, err
		}
		return pairingOf(x, rows, totalOf(sub, x)), nil
	}

	e := newCopies(h, slots)
	copyMate, colMate, k := maxMatching(e)
	var pairs []Pair
	left := identity(h.cols) // the columns left to copies that are all used
	if k < len(e.row) {
		// Some copies stay unused: split off the part where they are, and spread its
		// columns over its rows' copies.
		part := decompose(e, copyMate, colMate)
		tiers := slotTiers(maxOf(slots), k, len(e.row)+h.cols)
		rows, count := e.rowsOf(part.surplusRows)
		sub := restrictTransposed(h, rows, part.surplusCols)
		rowOf, err := spreadColumns(sub, count, tiers)
		if err != nil {
			return Pairing{}, err
		}
		for a, b := range rowOf {
			pairs = append(pairs, Pair{Row: rows[b], Col: part.surplusCols[a]})
		}
		e.keep(part.otherRows)
		left = part.otherCols
	}
	// Every remaining copy is used, so all their assignments have the same tiers: the
	// ordinary solver on the copies.
	if len(e.row) > 0 && len(left) > 0 {
		sub := e.restrict(left)
		x := filled(sub.rows, -1)
		if err := solveCSR(sub, x); err != nil {
			return Pairing{}, err
		}
		for q, b := range x {
			if b >= 0 {
				pairs = append(pairs, Pair{Row: int(e.row[q]), Col: left[b]})
			}
		}
	}
	return finishPairing(h, pairs), nil
}

// slotTiers returns the tier of each slot position up to maxSlots, for problems of at
// most pairs pairs and nodes rows and columns (copies counted). Tiers, and the sums of
// them along paths, must stay exact in int64; when the W-ary levels of every slot would
// not fit, the deepest levels are left out: slots beyond the last level kept all share
// its tier, and the pairs in them are still counted in every level kept.
func slotTiers(maxSlots, pairs, nodes int) []int64 {
	w := int64(pairs) + 1
	limit := int64(math.MaxInt64/4) / int64(nodes+1)
	levels := 0
	for levels < maxSlots-1 && sumPowers(w, levels+1) <= limit {
		levels++
	}
	tiers := make([]int64, maxSlots)
	unit := int64(1) // W^(levels-s) for the level s being added
	for s := levels; s >= 1; s-- {
		for t := s; t < maxSlots; t++ {
			tiers[t] += unit
		}
		unit *= w
	}
	return tiers
}

// sumPowers returns 1 + w + ... + w^(n-1), or MaxInt64 when that overflows.
func sumPowers(w int64, n int) int64 {
	sum, p := int64(0), int64(1)
	for i := range n {
		if sum > math.MaxInt64-p {
			return math.MaxInt64
		}
		sum += p
		if i < n-1 {
			if p > math.MaxInt64/w {
				return math.MaxInt64
			}
			p *= w
		}
	}
	return sum
}

// copies is the graph of a problem with each row repeated once per slot; the copies of
// a row are adjacent and share its candidates.
type copies struct {
	h   *csr
	row []int32 // base row of each copy
}

func newCopies(h *csr, slots []int) *copies {
	e := &copies{h: h}
	for r, s := range slots {
		for range s {
			e.row = append(e.row, int32(r))
		}
	}
	return e
}

func (e *copies) size() (int, int) { return len(e.row), e.h.cols }

func (e *copies) next(q, p int) (int, int) { return e.h.next(int(e.row[q]), p) }

// rowsOf returns the base rows of the given copies (listed in order, so a row's copies
// are adjacent) with how many copies each has.
func (e *copies) rowsOf(qs []int) (rows, count []int) {
	for _, q := range qs {
		r := int(e.row[q])
		if len(rows) == 0 || rows[len(rows)-1] != r {
			rows = append(rows, r)
			count = append(count, 0)
		}
		count[len(count)-1]++
	}
	return rows, count
}

// keep keeps only the given copies.
func (e *copies) keep(qs []int) {
	row := make([]int32, len(qs))
	for a, q := range qs {
		row[a] = e.row[q]
	}
	e.row = row
}

// restrict returns the copies as a csr, one row per copy, on the given columns
// renumbered in the order listed.
func (e *copies) restrict(cols []int) *csr {
	index := columnIndex(e.h.cols, cols)
	h := e.h
	total := 0
	for _, r := range e.row {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if index[h.col[k]] >= 0 {
				total++
			}
		}
	}
	x := &csr{rows: len(e.row), cols: len(cols), start: make([]int, len(e.row)+1),
		col: make([]int32, 0, total), cost: make([]float64, 0, total)}
	for q, r := range e.row {
		for k := h.start[r]; k < h.start[r+1]; k++ {
			if b := index[h.col[k]]; b >= 0 {
				x.col = append(x.col, b)
				x.cost = append(x.cost, h.cost[k])
			}
		}
		x.start[q+1] = len(x.col)
	}
	return x
}

// pairingOf turns the column of each listed row into a Pairing.
func pairingOf(colOf []int, rows []int, total float64) Pairing {
	p := Pairing{Total: total}
	for a, c := range colOf {
		if c >= 0 {
			p.Pairs = append(p.Pairs, Pair{Row: rows[a], Col: c})
		}
	}
	return p
}

// finishPairing orders pairs by row, then column, and adds up their costs in h.
func finishPairing(h *csr, pairs []Pair) Pairing {
	slices.SortFunc(pairs, func(a, b Pair) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Col - b.Col
	})
	var sum compensatedSum
	for _, p := range pairs {
		sum.add(h.costOf(p.Row, p.Col))
	}
	return Pairing{Pairs: pairs, Total: sum.value()}
}

// totalOf adds up the costs of the assignment x of h.
func totalOf(h *csr, x []int) float64 {
	var sum compensatedSum
	for r, c := range x {
		if c >= 0 {
			sum.add(h.costOf(r, c))
		}
	}
	return sum.value()
}

func maxOf(s []int) int {
	m := 0
	for _, x := range s {
		m = max(m, x)
	}
	return m
}

// rowsWithCapacity lists the rows with a capacity above zero.
func rowsWithCapacity(capacity []int) []int {
	var rows []int
	for r, c := range capacity {
		if c > 0 {
			rows = append(rows, r)
		}
	}
	return rows
}

func identity(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func filled32(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}
