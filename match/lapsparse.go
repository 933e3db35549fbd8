package match

import "math"

// The sparse solver follows the dense one (lapjv.go) step for step, with the same prices
// and the same invariants, but visits only the listed pairs of a row, and its augmenting
// phase keeps the columns reached so far in a binary heap instead of scanning every column.
// A search touches only the columns it reaches, and only those are reset afterwards, so a
// short augmenting path costs little however large the problem is.

// lapSparse assigns every row of h (rows ≤ cols) to its own column at the least total
// cost and returns the column of each row and the final column prices. Every row must be
// assignable.
func lapSparse(h *csr) ([]int, []float64, error) {
	n, m := h.rows, h.cols
	x := filled(n, -1)
	y := filled(m, -1)
	v := make([]float64, m)
	var free []int
	if n == m {
		free = sparseColumnReduction(h, x, y, v)
	} else {
		free = make([]int, n)
		for i := range free {
			free[i] = i
		}
	}
	for pass := 0; pass < 2 && len(free) > 0; pass++ {
		free = sparseRowReduction(h, x, y, v, free)
	}
	if len(free) == 0 {
		return x, v, nil
	}
	return x, v, sparseAugment(h, x, y, v, free)
}

// sparseColumnReduction is columnReduction over the listed pairs of a square problem.
func sparseColumnReduction(h *csr, x, y []int, v []float64) []int {
	n := h.rows
	argmin := filled(n, -1)
	for j := range v {
		v[j] = math.Inf(1)
	}
	for i := range n {
		for k := h.start[i]; k < h.start[i+1]; k++ {
			if j := h.col[k]; h.cost[k] < v[j] {
				v[j] = h.cost[k]
				argmin[j] = i
			}
		}
	}
	matches := make([]int32, n)
	for j := n - 1; j >= 0; j-- {
		i := argmin[j]
		if i < 0 {
			v[j] = 0 // a column nobody lists; cannot happen when all rows are assignable
			continue
		}
		matches[i]++
		switch {
		case matches[i] == 1:
			x[i], y[j] = j, i
		case v[j] < v[x[i]]:
			y[x[i]] = -1
			x[i], y[j] = j, i
		}
	}
	free := make([]int, 0, n)
	for i := range n {
		switch matches[i] {
		case 0:
			free = append(free, i)
		case 1:
			j1 := int32(x[i])
			u := math.Inf(1)
			for k := h.start[i]; k < h.start[i+1]; k++ {
				if j := h.col[k]; j != j1 {
					if r := h.cost[k] - v[j]; r < u {
						u = r
					}
				}
			}
			if u <= math.MaxFloat64 {
				v[j1] -= u
			}
		}
	}
	return free
}

// sparseRowReduction is augmentingRowReduction over the listed pairs.
func sparseRowReduction(h *csr, x, y []int, v []float64, free []int) []int {
	limit := 16*len(free) + 64
	steps := 0
	k, prev, nfree := 0, len(free), 0
	for k < prev {
		if steps++; steps > limit {
			nfree += copy(free[nfree:], free[k:prev])
			break
		}
		i := free[k]
		k++
		cols := h.col[h.start[i]:h.start[i+1]]
		costs := h.cost[h.start[i]:h.start[i+1]]
		costs = costs[:len(cols)]
		u1, u2 := math.Inf(1), math.Inf(1)
		j1, j2 := -1, -1
		for p, j := range cols {
			r := costs[p] - v[j]
			// Ties go to the lower column, as in the dense solver.
			if r < u2 || (r == u2 && int(j) < j2) {
				if r < u1 || (r == u1 && int(j) < j1) {
					u2, j2 = u1, j1
					u1, j1 = r, int(j)
				} else {
					u2, j2 = r, int(j)
				}
			}
		}
		if j1 < 0 {
			free[nfree] = i
			nfree++
			continue
		}
		i0 := y[j1]
		strict := u1 < u2 && u2 <= math.MaxFloat64
		switch {
		case strict:
			v[j1] -= u2 - u1
		case u1 == u2 && i0 >= 0:
			j1 = j2
			i0 = y[j2]
		}
		x[i], y[j1] = j1, i
		if i0 >= 0 {
			x[i0] = -1
			if strict {
				k--
				free[k] = i0
			} else {
				free[nfree] = i0
				nfree++
			}
		}
	}
	return free[:nfree]
}

// sparseAugment assigns each free row along a shortest augmenting path in reduced costs.
//
// The price and the tentative distance of a column sit side by side, since relaxing a
// pair needs both and that load is the inner loop's main cost. A column's distance is
// -Inf once scanned, which rules it out of further relaxation without another look-up.
func sparseAugment(h *csr, x, y []int, v []float64, free []int) error {
	m := h.cols
	col := make([]column, m)
	for j := range col {
		col[j] = column{v: v[j], d: math.Inf(1)}
	}
	y32 := make([]int32, m)
	for j, i := range y {
		y32[j] = int32(i)
	}
	pred := make([]int32, m)       // row before each column on its shortest path
	predCost := make([]float64, m) // cost of the pair from pred[j] to j
	xcost := make([]float64, h.rows)
	for i, j := range x {
		if j >= 0 {
			xcost[i] = h.costOf(i, j)
		}
	}
	var q heap
	var touched []int32
	var scanned []scan

	for _, f := range free {
		touched, scanned = touched[:0], scanned[:0]
		// The nearest free column reached so far. Free columns never enter the heap, and
		// assigned columns no nearer than it need not either: the search ends before them.
		end, minv := int32(-1), math.Inf(1)
		relax := func(i int, base float64) {
			cols := h.col[h.start[i]:h.start[i+1]]
			costs := h.cost[h.start[i]:h.start[i+1]]
			costs = costs[:len(cols)]
			for k, j := range cols {
				c := &col[j]
				dj := base + costs[k] - c.v
				if dj >= c.d || dj >= minv {
					continue
				}
				if c.d > math.MaxFloat64 {
					touched = append(touched, j)
				}
				c.d = dj
				pred[j] = int32(i)
				predCost[j] = costs[k]
				if y32[j] < 0 {
					end, minv = j, dj
				} else {
					q.push(dj, j)
				}
			}
		}
		relax(f, 0)
		for q.len() > 0 {
			dj, j := q.pop()
			if dj >= minv {
				break
			}
			c := &col[j]
			if dj != c.d {
				continue // a stale entry: j was reached again, nearer, or already scanned
			}
			c.d = math.Inf(-1)
			scanned = append(scanned, scan{j, dj})
			i := int(y32[j])
			// Reduced costs from row i are measured from its own price, c[i][j] - v[j].
			relax(i, dj-(xcost[i]-c.v))
		}
		q.clear()
		if end < 0 {
			return errNoPath
		}

		// Lower the prices of the scanned columns, then flip the path.
		for _, s := range scanned {
			col[s.j].v += s.d - minv
		}
		for _, j := range touched {
			col[j].d = math.Inf(1)
		}
		for {
			i := int(pred[end])
			y32[end] = int32(i)
			xcost[i] = predCost[end]
			next := x[i]
			x[i] = int(end)
			if i == f {
				break
			}
			end = int32(next)
		}
	}
	for j := range y {
		y[j] = int(y32[j])
		v[j] = col[j].v
	}
	return nil
}

// column is the state of a column during the augmenting phase.
type column struct {
	v float64 // price
	d float64 // distance from the free row: +Inf unreached, -Inf scanned
}

// scan records a scanned column and its final distance.
type scan struct {
	j int32
	d float64
}

// heap is a binary min-heap of columns by distance. A column whose distance falls is
// pushed again rather than moved; its older entries are skipped when popped.
type heap struct {
	items []heapItem
	seq   uint32
}

type heapItem struct {
	d   float64
	j   int32
	seq uint32
}

// before orders by distance, then the latest pushed first. On a plateau of equal distances,
// common when costs have many ties, the search then runs depth-first and reaches a free
// column long before a breadth-first sweep of the plateau would.
func (a heapItem) before(b heapItem) bool {
	return a.d < b.d || (a.d == b.d && a.seq > b.seq)
}

func (q *heap) len() int { return len(q.items) }

func (q *heap) push(d float64, j int32) {
	q.seq++
	it := heapItem{d, j, q.seq}
	q.items = append(q.items, it)
	p := len(q.items) - 1
	for p > 0 {
		parent := (p - 1) / 2
		if !it.before(q.items[parent]) {
			break
		}
		q.items[p] = q.items[parent]
		p = parent
	}
	q.items[p] = it
}

func (q *heap) pop() (float64, int32) {
	top := q.items[0]
	n := len(q.items) - 1
	it := q.items[n]
	q.items = q.items[:n]
	if n > 0 {
		p := 0
		for {
			c := 2*p + 1
			if c >= n {
				break
			}
			if c+1 < n && q.items[c+1].before(q.items[c]) {
				c++
			}
			if !q.items[c].before(it) {
				break
			}
			q.items[p] = q.items[c]
			p = c
		}
		q.items[p] = it
	}
	return top.d, top.j
}

func (q *heap) clear() { q.items = q.items[:0]; q.seq = 0 }
