package match

import "math"

// This file is the solver behind the fair spread (spread.go). It assigns every column of
// the original problem (a mentee; the rows here) to an original row (a mentor, with
// slots) by successive shortest paths in (tier, cost), the min-cost flow view of the slot
// copies: a path runs from the row being assigned to a mentor, from the mentor back to
// one of its mentees, on to another mentor, and so on, and ends in the next free slot of
// the last mentor, at that slot's tier. A mentor's slots fill in order and their tiers
// grow, so a mentor is one node however many slots it has, and a search visits a
// mentor's few mentees rather than its copies.
//
// Potentials on rows and mentors keep every residual arc's reduced cost at or above
// zero, so each search is Dijkstra's method; after it only the nodes it settled have
// their potential changed, as in the other solvers, and the sink's stays at zero.

// tiered is the state of the solver.
type tiered struct {
	g     *csr    // the rows to assign, with their candidate mentors and costs
	slots []int   // slots of each mentor
	tiers []int64 // tier of each slot position

	first []int   // each mentor's part of held
	held  []int32 // rows held by each mentor, in its part, its used slots first
	used  []int32 // slots in use of each mentor
	x     []int32 // mentor of each row, or -1
	xslot []int32 // slot of the row within its mentor's part
	xcost []float64

	pot  []lex // potential of each node: mentors 0..len(slots)-1, then rows
	dist []lex
	pred []int32 // node before each node on its shortest path
	heap lexHeap
	seen []int32 // nodes reached in the current search
	done []lexScan
}

// spreadColumns assigns every row of g (the columns of the original problem; g's columns
// are the original rows, column r with slots[r] slots) at the least total (tier, cost)
// and returns the original row of each. Every row must be assignable.
func spreadColumns(g *csr, slots []int, tiers []int64) ([]int, error) {
	nm := len(slots)
	t := &tiered{g: g, slots: slots, tiers: tiers, first: make([]int, nm+1), used: make([]int32, nm),
		x: filled32(g.rows, -1), xslot: make([]int32, g.rows), xcost: make([]float64, g.rows)}
	for r, s := range slots {
		t.first[r+1] = t.first[r] + s
	}
	t.held = make([]int32, t.first[nm])
	nodes := nm + g.rows
	t.pot = make([]lex, nodes)
	t.dist = make([]lex, nodes)
	for v := range t.dist {
		t.dist[v] = lexUnreached
	}
	t.pred = make([]int32, nodes)

	// Most rows are settled as in the other solvers, by augmenting row reduction over the
	// mentors' first slots, which all share tier zero: a mentor's price is its
	// potential, and one holding a row is a mentor with its first slot in use. Prices only
	// fall, and by costs alone, so a mentor's next slot keeps its tier's lead.
	x, y, v := filled(g.rows, -1), filled(nm, -1), make([]float64, nm)
	rows := identity(g.rows)
	for pass := 0; pass < 2 && len(rows) > 0; pass++ {
		rows = sparseRowReduction(g, x, y, v, rows)
	}
	for r, i := range y {
		t.pot[r] = lex{0, v[r]}
		if i >= 0 {
			t.hold(int32(r), 0, int32(i), g.costOf(i, r))
			t.used[r] = 1
		}
	}
	// A row's potential makes the reduced cost of its own pair zero, and of every other
	// pair zero or more.
	var free []int32
	for i := range g.rows {
		if r := x[i]; r >= 0 {
			t.pot[nm+i] = lex{0, v[r] - t.xcost[i]}
			continue
		}
		if g.start[i] == g.start[i+1] {
			return nil, errNoPath
		}
		top := math.Inf(-1)
		for p := g.start[i]; p < g.start[i+1]; p++ {
			top = max(top, v[g.col[p]]-g.cost[p])
		}
		t.pot[nm+i] = lex{0, top}
		free = append(free, int32(i))
	}
	for _, f := range free {
		if err := t.augment(f); err != nil {
			return nil, err
		}
	}
	out := make([]int, g.rows)
	for i, r := range t.x {
		out[i] = int(r)
	}
	return out, nil
}

// hold makes row i the holder of slot s of mentor r, at cost c.
func (t *tiered) hold(r, s, i int32, c float64) {
	t.held[t.first[r]+int(s)] = i
	t.x[i], t.xslot[i], t.xcost[i] = r, s, c
}

// augment assigns the free row f along a shortest path to a free slot.
func (t *tiered) augment(f int32) error {
	g, nm := t.g, int32(len(t.slots))
	pot, dist, pred := t.pot, t.dist, t.pred
	t.seen, t.done = t.seen[:0], t.done[:0]
	end, best := int32(-1), lexUnreached // the mentor whose free slot ends the best path so far
	dist[nm+f] = lex{}
	t.seen = append(t.seen, nm+f)
	t.heap.push(lex{}, nm+f)
	for t.heap.len() > 0 {
		d, v := t.heap.pop()
		if !d.less(best) {
			break
		}
		if d != dist[v] {
			continue // stale: reached again, nearer, or already settled
		}
		dist[v] = lexScanned
		t.done = append(t.done, lexScan{v, d})
		if v < nm {
			// A mentor: back to each row it holds, which would then move elsewhere.
			base := d.add(pot[v])
			for _, i := range t.held[t.first[v] : t.first[v]+int(t.used[v])] {
				w := nm + i
				nd := lex{base.t - pot[w].t, base.c - t.xcost[i] - pot[w].c}
				if nd.less(dist[w]) && nd.less(best) {
					if dist[w] == lexUnreached {
						t.seen = append(t.seen, w)
					}
					dist[w], pred[w] = nd, v
					t.heap.push(nd, w)
				}
			}
			continue
		}
		// A row: on to each mentor it may take, except the one it holds.
		i := v - nm
		base := d.add(pot[v])
		held := t.x[i]
		cols, costs := g.col[g.start[i]:g.start[i+1]], g.cost[g.start[i]:g.start[i+1]]
		costs = costs[:len(cols)]
		for p, r := range cols {
			if r == held {
				continue
			}
			pr := pot[r]
			nd := lex{base.t - pr.t, base.c + costs[p] - pr.c}
			if !nd.less(dist[r]) || !nd.less(best) {
				continue
			}
			if dist[r] == lexUnreached {
				t.seen = append(t.seen, r)
			}
			dist[r], pred[r] = nd, v
			if u := t.used[r]; int(u) < t.slots[r] {
				// On to the sink through the mentor's next slot.
				if e := (lex{nd.t + t.tiers[u] + pr.t, nd.c + pr.c}); e.less(best) {
					end, best = r, e
				}
			}
			t.heap.push(nd, r)
		}
	}
	t.heap.clear()
	for _, v := range t.seen {
		dist[v] = lexUnreached
	}
	if end < 0 {
		return errNoPath
	}
	for _, s := range t.done {
		t.pot[s.q] = t.pot[s.q].add(s.d).sub(best)
	}
	// Flip the path: each row on it moves to the mentor after it, taking the slot
	// the row after it leaves; the last mentor opens its next slot.
	r, s := end, t.used[end]
	t.used[end]++
	for {
		i := t.pred[r] - nm
		prev, prevSlot := t.x[i], t.xslot[i]
		t.hold(r, s, i, t.costOf(i, r))
		if i == f {
			return nil
		}
		r, s = prev, prevSlot
	}
}

// costOf is the cost of the pair of row i and mentor r.
func (t *tiered) costOf(i, r int32) float64 {
	g := t.g
	for p := g.start[i]; p < g.start[i+1]; p++ {
		if g.col[p] == r {
			return g.cost[p]
		}
	}
	return math.Inf(1)
}

// lex is a cost compared tier first: the tier is exact, the cost a float.
type lex struct {
	t int64
	c float64
}

var (
	lexUnreached = lex{math.MaxInt64, math.Inf(1)}
	lexScanned   = lex{math.MinInt64, math.Inf(-1)}
)

func (a lex) less(b lex) bool { return a.t < b.t || a.t == b.t && a.c < b.c }
func (a lex) add(b lex) lex   { return lex{a.t + b.t, a.c + b.c} }
func (a lex) sub(b lex) lex   { return lex{a.t - b.t, a.c - b.c} }

// lexScan records a settled node and its final distance.
type lexScan struct {
	q int32
	d lex
}

// lexHeap is heap (lapsparse.go) over lex distances.
type lexHeap struct {
	items []lexItem
	seq   uint32
}

type lexItem struct {
	d   lex
	q   int32
	seq uint32
}

func (a lexItem) before(b lexItem) bool {
	return a.d.less(b.d) || (a.d == b.d && a.seq > b.seq)
}

func (h *lexHeap) len() int { return len(h.items) }

func (h *lexHeap) push(d lex, q int32) {
	h.seq++
	it := lexItem{d, q, h.seq}
	h.items = append(h.items, it)
	p := len(h.items) - 1
	for p > 0 {
		parent := (p - 1) / 2
		if !it.before(h.items[parent]) {
			break
		}
		h.items[p] = h.items[parent]
		p = parent
	}
	h.items[p] = it
}

func (h *lexHeap) pop() (lex, int32) {
	top := h.items[0]
	n := len(h.items) - 1
	it := h.items[n]
	h.items = h.items[:n]
	if n > 0 {
		p := 0
		for {
			c := 2*p + 1
			if c >= n {
				break
			}
			if c+1 < n && h.items[c+1].before(h.items[c]) {
				c++
			}
			if !h.items[c].before(it) {
				break
			}
			h.items[p] = h.items[c]
			p = c
		}
		h.items[p] = it
	}
	return top.d, top.q
}

func (h *lexHeap) clear() { h.items = h.items[:0]; h.seq = 0 }
