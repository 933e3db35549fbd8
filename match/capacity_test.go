package match

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

// Against the dynamic programme, which knows nothing of slot copies or tiers: the most
// pairs, then the fewest pairs beyond a row's first slot, beyond its second, and so on,
// then the least cost.
func TestSolveCapacity_MatchesBruteForce(t *testing.T) {
	rng := newRand(77)
	for rows := 0; rows <= 5; rows++ {
		for cols := 0; cols <= 7; cols++ {
			for _, k := range costKinds {
				for _, forbid := range forbidRates {
					capacity := make([]int, rows)
					for r := range capacity {
						capacity[r] = rng.IntN(4)
						if rng.IntN(8) == 0 {
							capacity[r] = 5
						}
					}
					d := randomDense(rng, rows, cols, k, forbid)
					name := fmt.Sprintf("%d×%d %s forbid=%.1f capacity=%v", rows, cols, k.name, forbid, capacity)
					checkCapacityAgainstBrute(t, name, d, capacity, denseToSparse(rng, d, true), k.integer)
				}
			}
		}
	}
}

// Capacities of two and three, as mentors offer them, on problems where the spread and
// the costs pull apart: a few rows much cheaper than the rest.
func TestSolveCapacity_SpreadBeatsCostAgainstBruteForce(t *testing.T) {
	rng := newRand(78)
	for i := range 3000 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(8)
		kind := costKinds[i%len(costKinds)]
		d := randomDense(rng, rows, cols, kind, []float64{0, 0.2, 0.5}[rng.IntN(3)])
		capacity := make([]int, rows)
		for r := range capacity {
			capacity[r] = 1 + rng.IntN(3)
			if rng.IntN(3) == 0 {
				// A favourite: far cheaper everywhere, with room for several.
				for c := range cols {
					if x := d.At(r, c); !math.IsInf(x, 1) {
						d.Set(r, c, x-1e6)
					}
				}
			}
		}
		name := fmt.Sprintf("#%d %d×%d %s capacity=%v", i, rows, cols, kind.name, capacity)
		checkCapacityAgainstBrute(t, name, d, capacity, denseToSparse(rng, d, false), false)
	}
}

// checkCapacityAgainstBrute solves d with capacities densely and g (the same pairs)
// sparsely, and compares both with the dynamic programme.
func checkCapacityAgainstBrute(t *testing.T, name string, d Dense, capacity []int, g Sparse, integer bool) {
	t.Helper()
	want := bruteDP(d, capacity)
	tol := tolerance(d, integer)
	for _, solver := range []struct {
		name  string
		solve func() (Pairing, error)
	}{
		{"dense", func() (Pairing, error) { return SolveDenseCapacity(d, capacity) }},
		{"sparse", func() (Pairing, error) { return SolveSparseCapacity(g, capacity) }},
	} {
		p, err := solver.solve()
		if err != nil {
			t.Fatalf("%s: %s: %v", name, solver.name, err)
		}
		checkPairing(t, name, d, capacity, p)
		taken := make([]int, d.Rows)
		for _, pr := range p.Pairs {
			taken[pr.Row]++
		}
		got := spreadOf(taken)
		if len(p.Pairs) != want.assigned || got != want.extra || !equalTotals(p.Total, want.total, tol) {
			t.Fatalf("%s: %s gives %d pairs, %v beyond each slot, costing %v; want %d, %v, %v\n%v",
				name, solver.name, len(p.Pairs), got, p.Total, want.assigned, want.extra, want.total, d)
		}
	}
}

// checkPairing fails t unless p respects capacities and forbidden pairs, lists its pairs in
// order, and states its total.
func checkPairing(t *testing.T, name string, d Dense, capacity []int, p Pairing) {
	t.Helper()
	taken := make([]int, d.Rows)
	seen := make(map[int]bool)
	total := 0.0
	for k, pr := range p.Pairs {
		if k > 0 {
			prev := p.Pairs[k-1]
			if prev.Row > pr.Row || (prev.Row == pr.Row && prev.Col >= pr.Col) {
				t.Fatalf("%s: pairs out of order: %v", name, p.Pairs)
			}
		}
		if seen[pr.Col] {
			t.Fatalf("%s: column %d paired twice", name, pr.Col)
		}
		seen[pr.Col] = true
		if taken[pr.Row]++; taken[pr.Row] > capacity[pr.Row] {
			t.Fatalf("%s: row %d over its capacity %d", name, pr.Row, capacity[pr.Row])
		}
		x := d.At(pr.Row, pr.Col)
		if math.IsInf(x, 1) {
			t.Fatalf("%s: forbidden pair %v", name, pr)
		}
		total += x
	}
	if !equalTotals(total, p.Total, 1e-9*(1+math.Abs(total))) {
		t.Fatalf("%s: pairs cost %v, Total says %v", name, total, p.Total)
	}
}

func TestSolveCapacity_RejectsBadCapacity(t *testing.T) {
	d := NewDense(2, 2)
	g := Sparse{Rows: 2, Cols: 2, Start: []int{0, 0, 0}}
	for _, capacity := range [][]int{nil, {1}, {1, 2, 3}, {1, -1}} {
		if _, err := SolveDenseCapacity(d, capacity); !errors.Is(err, ErrInvalidCapacity) {
			t.Fatalf("dense %v: got %v, want ErrInvalidCapacity", capacity, err)
		}
		if _, err := SolveSparseCapacity(g, capacity); !errors.Is(err, ErrInvalidCapacity) {
			t.Fatalf("sparse %v: got %v, want ErrInvalidCapacity", capacity, err)
		}
	}
	bad := Dense{Rows: 1, Cols: 1, Data: []float64{math.NaN()}}
	if _, err := SolveDenseCapacity(bad, []int{1}); !errors.Is(err, ErrInvalidCost) {
		t.Fatalf("NaN: got %v, want ErrInvalidCost", err)
	}
}

// The case that started it: a mentor with room for two and far better scores must not
// take both mentees while another eligible mentor has none.
func TestSolveCapacity_OneEachWhenPossible(t *testing.T) {
	for _, gap := range []float64{0.5, 3, 1e6, 1e15} {
		d, _ := DenseFromRows([][]float64{
			{-gap, -gap},
			{0, 0},
		})
		for _, p := range capacitySolves(t, d, []int{2, 1}) {
			if len(p.Pairs) != 2 || p.Pairs[0].Row != 0 || p.Pairs[1].Row != 1 {
				t.Fatalf("gap %g: got %v, want one mentee each", gap, p.Pairs)
			}
		}
	}
}

// With more columns than first slots, the later slots fill evenly: two rows with two
// each rather than one with three, however much cheaper the one is.
func TestSolveCapacity_SecondSlotsBeforeThirdSlots(t *testing.T) {
	d, _ := DenseFromRows([][]float64{
		{1, 1, 1, 1},
		{5, 5, 5, 5},
	})
	for _, p := range capacitySolves(t, d, []int{3, 10}) {
		taken := map[int]int{}
		for _, pr := range p.Pairs {
			taken[pr.Row]++
		}
		if len(p.Pairs) != 4 || taken[0] != 2 || taken[1] != 2 || p.Total != 12 {
			t.Fatalf("got %+v, want two pairs each costing 12", p)
		}
	}
}

// Costs on a scale where a penalty would drown them: the spread stays exact and the
// cost still decides among equally spread assignments.
func TestSolveCapacity_ExactAtAnyScale(t *testing.T) {
	for _, scale := range []float64{1e-9, 1, 1e12, 1e15, 1e290} {
		// Row 0 is cheaper on column 0 by a hair; rows 0 and 1 can take two each, and
		// there are three columns: one row takes two, and it must be the one for which
		// that costs least.
		d, _ := DenseFromRows([][]float64{
			{scale, scale * 2, scale * 3},
			{scale * 1.5, scale * 2, scale * 3.25},
		})
		want := bruteDP(d, []int{2, 2})
		for _, p := range capacitySolves(t, d, []int{2, 2}) {
			if len(p.Pairs) != 3 || !equalTotals(p.Total, want.total, 1e-12*scale) {
				t.Fatalf("scale %g: got %+v, want 3 pairs costing %v", scale, p, want.total)
			}
		}
	}
}

// Capacities far beyond what exact 64-bit tiers can order level by level still solve:
// spread over the levels that fit, then optimal in cost.
func TestSolveCapacity_LargeCapacities(t *testing.T) {
	rng := newRand(3)
	rows, cols := 4, 400
	d := randomDense(rng, rows, cols, costKinds[0], 0)
	capacity := []int{400, 400, 1, 0}
	tiers, levels := slotTiers(400, cols, 2*cols+1+cols), 0
	for s := 1; s < len(tiers); s++ {
		if tiers[s] > tiers[s-1] {
			levels++
		}
	}
	for _, p := range capacitySolves(t, d, capacity) {
		checkPairing(t, "large", d, capacity, p)
		taken := make([]int, rows)
		col2 := -1
		for _, pr := range p.Pairs {
			taken[pr.Row]++
			if pr.Row == 2 {
				col2 = pr.Col
			}
		}
		if len(p.Pairs) != cols || taken[2] != 1 || taken[0] < levels || taken[1] < levels {
			t.Fatalf("taken %v, want every column assigned, row 2 one, rows 0 and 1 at least %d", taken, levels)
		}
		// With row 2's pair fixed, rows 0 and 1 share the other columns at least cost.
		rest := NewDense(2*cols, cols-1)
		for q := range 2 * cols {
			row := rest.Row(q)
			for c, x := range d.Row(q / cols) {
				if c != col2 {
					row[0] = x
					row = row[1:]
				}
			}
		}
		a, err := SolveDense(rest)
		if err != nil {
			t.Fatal(err)
		}
		if want := a.Total + d.At(2, col2); !equalTotals(p.Total, want, 1e-9) {
			t.Fatalf("total %v, want %v", p.Total, want)
		}
	}
}

func TestSlotTiers_GrowAndStayExact(t *testing.T) {
	for _, tt := range []struct {
		slots, pairs, nodes int
		want                []int64
	}{
		{1, 10, 20, []int64{0}},
		{2, 10, 20, []int64{0, 1}},
		{3, 10, 20, []int64{0, 11, 12}},
		{4, 10, 20, []int64{0, 121, 132, 133}},
	} {
		if got := slotTiers(tt.slots, tt.pairs, tt.nodes); !slices.Equal(got, tt.want) {
			t.Fatalf("slotTiers(%d, %d, %d) = %v, want %v", tt.slots, tt.pairs, tt.nodes, got, tt.want)
		}
	}
	// Too many levels to fit: the deepest share the last tier kept, and nothing overflows.
	tiers := slotTiers(50, 1e6, 1e6)
	for s := 1; s < len(tiers); s++ {
		if tiers[s] < tiers[s-1] || tiers[s] > math.MaxInt64/4/1_000_000 {
			t.Fatalf("tiers %v", tiers)
		}
	}
	if tiers[1] == 0 || tiers[len(tiers)-1] != tiers[len(tiers)-2] {
		t.Fatalf("tiers %v", tiers)
	}
}

// capacitySolves returns the dense and the sparse solutions of d with capacities.
func capacitySolves(t *testing.T, d Dense, capacity []int) []Pairing {
	t.Helper()
	dp, err := SolveDenseCapacity(d, capacity)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := SolveSparseCapacity(denseToSparse(newRand(1), d, false), capacity)
	if err != nil {
		t.Fatal(err)
	}
	return []Pairing{dp, sp}
}

// Beyond the brute force: with small integer costs a penalty is exact, so the expanded
// problem with each slot's tier times a weight above any cost spread, added to its
// costs, is a reference that shares nothing with the tiered solver but the dense one.
func TestSolveCapacity_AgreesWithExactPenaltyOnMediumProblems(t *testing.T) {
	rng := newRand(79)
	count := 300
	if testing.Short() {
		count = 60
	}
	for i := range count {
		rows, cols := 5+rng.IntN(40), 5+rng.IntN(60)
		d := randomDense(rng, rows, cols, costKinds[4], []float64{0, 0.3, 0.7}[rng.IntN(3)])
		capacity := make([]int, rows)
		maxCap := 0
		for r := range capacity {
			capacity[r] = rng.IntN(4)
			maxCap = max(maxCap, capacity[r])
		}
		// Reference: rows copied per slot; slot s costs s levels of weight, level l
		// weighing (cols+1)^(levels-l), all times a weight above the cost spread.
		const weight = 1 << 12
		var rowOf []int
		var slot []int
		for r, c := range capacity {
			for s := range c {
				rowOf, slot = append(rowOf, r), append(slot, s)
			}
		}
		x := NewDense(len(rowOf), cols)
		for q, r := range rowOf {
			tier := 0.0
			for l := 1; l <= slot[q]; l++ {
				tier += math.Pow(float64(cols+1), float64(maxCap-1-l))
			}
			for c, cost := range d.Row(r) {
				x.Set(q, c, cost+weight*tier)
			}
		}
		ref, err := SolveDense(x)
		if err != nil {
			t.Fatal(err)
		}
		refTaken := make([]int, rows)
		refCost := 0.0
		for q, c := range ref.RowToCol {
			if c >= 0 {
				refTaken[rowOf[q]]++
				refCost += d.At(rowOf[q], c)
			}
		}
		name := fmt.Sprintf("#%d %d×%d capacity=%v", i, rows, cols, capacity)
		for _, p := range capacitySolves(t, d, capacity) {
			checkPairing(t, name, d, capacity, p)
			taken := make([]int, rows)
			for _, pr := range p.Pairs {
				taken[pr.Row]++
			}
			if len(p.Pairs) != ref.Assigned || spreadOf(taken) != spreadOf(refTaken) || p.Total != refCost {
				t.Fatalf("%s: %d pairs, %v beyond each slot, costing %v; reference %d, %v, %v",
					name, len(p.Pairs), spreadOf(taken), p.Total, ref.Assigned, spreadOf(refTaken), refCost)
			}
		}
	}
}
