package match

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The references below share no code with the solvers: an exhaustive enumeration for tiny
// problems, a dynamic programme over sets of used columns for small ones, and an
// optimality certificate (certify) for problems of any size.

// optimum is the value of an optimal maximum assignment.
type optimum struct {
	assigned int
	// extra[l] counts the pairs beyond the (l+1)-th slot of their row, when rows have
	// capacities.
	extra [spreadLevels]int
	total float64
}

// spreadLevels is how many levels of the spread the references track: enough for
// capacities up to spreadLevels+1.
const spreadLevels = 4

// better reports whether a is preferred to b: more pairs, then fewer pairs beyond a row's
// first slot, then beyond its second, and so on, then less cost.
func (a optimum) better(b optimum) bool {
	if a.assigned != b.assigned {
		return a.assigned > b.assigned
	}
	if a.extra != b.extra {
		return slices.Compare(a.extra[:], b.extra[:]) < 0
	}
	return a.total < b.total
}

// spreadOf counts, for pairs that rows take, the pairs beyond each slot level.
func spreadOf(taken []int) [spreadLevels]int {
	var e [spreadLevels]int
	for _, j := range taken {
		for l := range e {
			e[l] += max(0, j-l-1)
		}
	}
	return e
}

// bruteEnumerate tries every partial matching of d.
func bruteEnumerate(d Dense) optimum {
	best := optimum{}
	used := make([]bool, d.Cols)
	var walk func(r int, cur optimum)
	walk = func(r int, cur optimum) {
		if r == d.Rows {
			if cur.better(best) {
				best = cur
			}
			return
		}
		walk(r+1, cur)
		for c := range d.Cols {
			if x := d.At(r, c); !used[c] && !math.IsInf(x, 1) {
				used[c] = true
				walk(r+1, optimum{assigned: cur.assigned + 1, total: cur.total + x})
				used[c] = false
			}
		}
	}
	walk(0, optimum{})
	return best
}

// bruteDP finds the optimum by dynamic programming over the set of used columns, with up
// to capacity[r] columns for row r (1 for every row when capacity is nil). Cols ≤ 16.
func bruteDP(d Dense, capacity []int) optimum {
	size := 1 << d.Cols
	none := optimum{assigned: -1}
	cur := make([]optimum, size)
	next := make([]optimum, size)
	for s := range cur {
		cur[s] = none
	}
	cur[0] = optimum{}
	for r := range d.Rows {
		capR := 1
		if capacity != nil {
			capR = capacity[r]
		}
		copy(next, cur) // the row takes nothing
		for s, o := range cur {
			if o.assigned < 0 {
				continue
			}
			free := (size - 1) &^ s
			// Every non-empty subset of the free columns, within the row's capacity.
			for sub := free; sub > 0; sub = (sub - 1) & free {
				if bits.OnesCount(uint(sub)) > capR {
					continue
				}
				cand := o
				for l := range cand.extra {
					cand.extra[l] += max(0, bits.OnesCount(uint(sub))-l-1)
				}
				ok := true
				for t := sub; t > 0; t &= t - 1 {
					c := bits.TrailingZeros(uint(t))
					x := d.At(r, c)
					if math.IsInf(x, 1) {
						ok = false
						break
					}
					cand.assigned++
					cand.total += x
				}
				if ok && (next[s|sub].assigned < 0 || cand.better(next[s|sub])) {
					next[s|sub] = cand
				}
			}
		}
		cur, next = next, cur
	}
	best := optimum{}
	for _, o := range cur {
		if o.assigned >= 0 && o.better(best) {
			best = o
		}
	}
	return best
}

// costKind is a family of random costs, each probing a different weakness.
type costKind struct {
	name    string
	integer bool // every cost is an integer small enough for exact float sums
	gen     func(r *rand.Rand) float64
}

var costKinds = []costKind{
	{"uniform", false, func(r *rand.Rand) float64 { return r.Float64() }},
	{"small-int", true, func(r *rand.Rand) float64 { return float64(r.IntN(4)) }},
	{"equal", true, func(r *rand.Rand) float64 { return 7 }},
	{"negative", false, func(r *rand.Rand) float64 { return r.Float64()*200 - 100 }},
	{"negative-int", true, func(r *rand.Rand) float64 { return float64(r.IntN(21) - 10) }},
	{"huge", false, func(r *rand.Rand) float64 { return float64(r.Int64N(1e15)) }},
	{"huge-int", true, func(r *rand.Rand) float64 { return 1e12 + float64(r.Int64N(1e14)) }},
	{"huge-offset", true, func(r *rand.Rand) float64 { return 1e12 + float64(r.IntN(10)) }},
	{"mixed-scale", true, func(r *rand.Rand) float64 {
		if r.IntN(3) == 0 {
			return 1e15
		}
		return float64(r.IntN(100))
	}},
}

// forbidRates are the shares of forbidden pairs tried for each kind of cost.
var forbidRates = []float64{0, 0.2, 0.5, 0.8, 1}

// randomDense returns a rows×cols matrix of costs of kind k with about a share forbid of
// forbidden pairs.
func randomDense(rng *rand.Rand, rows, cols int, k costKind, forbid float64) Dense {
	d := NewDense(rows, cols)
	for i := range d.Data {
		if rng.Float64() < forbid {
			d.Data[i] = math.Inf(1)
		} else {
			d.Data[i] = k.gen(rng)
		}
	}
	return d
}

// tolerance is how far two optimal totals of d may differ by rounding alone.
func tolerance(d Dense, integer bool) float64 {
	if integer {
		return 0
	}
	scale := 0.0
	for _, x := range d.Data {
		if !math.IsInf(x, 1) {
			scale += math.Abs(x)
		}
	}
	return 1e-12 * (1 + scale)
}

// checkAssignment fails t unless a is a consistent assignment of d: one column per row at
// most, each column once, no forbidden pair, and Assigned and Total as stated.
func checkAssignment(t *testing.T, d Dense, a Assignment) {
	t.Helper()
	if len(a.RowToCol) != d.Rows {
		t.Fatalf("RowToCol has %d entries for %d rows", len(a.RowToCol), d.Rows)
	}
	used := make(map[int]int)
	assigned, total := 0, 0.0
	for r, c := range a.RowToCol {
		if c == -1 {
			continue
		}
		if c < 0 || c >= d.Cols {
			t.Fatalf("row %d assigned to column %d of %d", r, c, d.Cols)
		}
		if r0, ok := used[c]; ok {
			t.Fatalf("column %d assigned to rows %d and %d", c, r0, r)
		}
		used[c] = r
		if math.IsInf(d.At(r, c), 1) {
			t.Fatalf("row %d assigned to forbidden column %d", r, c)
		}
		assigned++
		total += d.At(r, c)
	}
	if assigned != a.Assigned || !equalTotals(total, a.Total, 1e-12*(1+math.Abs(total))) {
		t.Fatalf("assignment holds %d pairs costing %v, result says %d costing %v", assigned, total, a.Assigned, a.Total)
	}
}

// equalTotals reports whether two totals agree within tol.
func equalTotals(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// denseToSparse lists the allowed pairs of d, shuffled within each row, sometimes with
// explicit +Inf entries for forbidden ones.
func denseToSparse(rng *rand.Rand, d Dense, keepInf bool) Sparse {
	g := Sparse{Rows: d.Rows, Cols: d.Cols, Start: []int{0}}
	for r := range d.Rows {
		var cols []int
		var costs []float64
		for c, x := range d.Row(r) {
			if !math.IsInf(x, 1) || (keepInf && rng.IntN(2) == 0) {
				cols = append(cols, c)
				costs = append(costs, x)
			}
		}
		rng.Shuffle(len(cols), func(i, j int) {
			cols[i], cols[j] = cols[j], cols[i]
			costs[i], costs[j] = costs[j], costs[i]
		})
		g.Col = append(g.Col, cols...)
		g.Cost = append(g.Cost, costs...)
		g.Start = append(g.Start, len(g.Col))
	}
	return g
}

// sparseToDense is the dense matrix of g's listed pairs.
func sparseToDense(g Sparse) Dense {
	d := NewDense(g.Rows, g.Cols)
	for i := range d.Data {
		d.Data[i] = math.Inf(1)
	}
	for r := range g.Rows {
		for k := g.Start[r]; k < g.Start[r+1]; k++ {
			d.Set(r, g.Col[k], g.Cost[k])
		}
	}
	return d
}

// within fails t if f does not return within limit, so that a solver that loops shows
// up as a failure rather than a stuck test run.
func within(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("did not finish within %v", limit)
	}
}

func TestBruteForce_ReferencesAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for rows := range 6 {
		for cols := range 6 {
			for _, k := range costKinds {
				for _, forbid := range forbidRates {
					d := randomDense(rng, rows, cols, k, forbid)
					e, p := bruteEnumerate(d), bruteDP(d, nil)
					if e.assigned != p.assigned || !equalTotals(e.total, p.total, tolerance(d, k.integer)) {
						t.Fatalf("%d×%d %s: enumeration %+v, dynamic programme %+v", rows, cols, k.name, e, p)
					}
				}
			}
		}
	}
}

// newRand returns a deterministic random source for seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// formatCost writes a cost so that it reads back exactly.
func formatCost(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// certify checks that a is an optimal maximum assignment of d with an argument that does
// not depend on the problem's size being tiny: in the residual graph of the matching seen
// as a flow from a source through rows and columns to a sink, a maximum matching leaves no
// path from source to sink, and a least-cost one no cycle of negative cost. Cycles are
// looked for with Bellman–Ford (queue-based); eps absorbs rounding on fractional costs.
func certify(d Dense, a Assignment, eps float64) error {
	n, m := d.Rows, d.Cols
	const s, t = 0, 1
	row := func(r int) int { return 2 + r }
	col := func(c int) int { return 2 + n + c }
	type edge struct {
		to int
		w  float64
	}
	adj := make([][]edge, 2+n+m)
	colOf := a.RowToCol
	rowOf := a.ColToRow(m)
	for r := range n {
		if colOf[r] < 0 {
			adj[s] = append(adj[s], edge{row(r), 0})
		} else {
			adj[row(r)] = append(adj[row(r)], edge{s, 0})
		}
		for c := range m {
			x := d.At(r, c)
			switch {
			case math.IsInf(x, 1):
			case colOf[r] == c:
				adj[col(c)] = append(adj[col(c)], edge{row(r), -x})
			default:
				adj[row(r)] = append(adj[row(r)], edge{col(c), x})
			}
		}
	}
	for c := range m {
		if rowOf[c] < 0 {
			adj[col(c)] = append(adj[col(c)], edge{t, 0})
		} else {
			adj[t] = append(adj[t], edge{col(c), 0})
		}
	}

	// Maximum: the sink is out of reach of the source.
	seen := make([]bool, len(adj))
	stack := []int{s}
	seen[s] = true
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, e := range adj[u] {
			if !seen[e.to] {
				if e.to == t {
					return fmt.Errorf("an augmenting path exists: %d pairs is not the most", a.Assigned)
				}
				seen[e.to] = true
				stack = append(stack, e.to)
			}
		}
	}

	// Least cost: no negative cycle. Every node starts at distance 0, as if from a virtual
	// source; a shortest path of V edges or more must go round a negative cycle.
	dist := make([]float64, len(adj))
	edges := make([]int, len(adj)) // edges on the shortest path found to each node
	inQueue := make([]bool, len(adj))
	queue := make([]int, 0, len(adj))
	for u := range adj {
		queue = append(queue, u)
		inQueue[u] = true
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		inQueue[u] = false
		for _, e := range adj[u] {
			if nd := dist[u] + e.w; nd < dist[e.to]-eps {
				dist[e.to] = nd
				if edges[e.to] = edges[u] + 1; edges[e.to] >= len(adj) {
					return fmt.Errorf("a negative-cost cycle exists: the total %v is not the least", a.Total)
				}
				if !inQueue[e.to] {
					inQueue[e.to] = true
					queue = append(queue, e.to)
				}
			}
		}
	}
	return nil
}
