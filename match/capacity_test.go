package match

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestSolveCapacity_MatchesBruteForce(t *testing.T) {
	rng := newRand(77)
	for rows := 0; rows <= 5; rows++ {
		for cols := 0; cols <= 6; cols++ {
			for _, k := range costKinds {
				for _, forbid := range forbidRates {
					capacity := make([]int, rows)
					for r := range capacity {
						capacity[r] = rng.IntN(4)
					}
					d := randomDense(rng, rows, cols, k, forbid)
					want := bruteDP(d, capacity)
					name := fmt.Sprintf("%d×%d %s forbid=%.1f capacity=%v", rows, cols, k.name, forbid, capacity)
					tol := tolerance(d, k.integer)

					dp, err := SolveDenseCapacity(d, capacity)
					if err != nil {
						t.Fatalf("%s: dense: %v", name, err)
					}
					checkPairing(t, name, d, capacity, dp)
					if len(dp.Pairs) != want.assigned || !equalTotals(dp.Total, want.total, tol) {
						t.Fatalf("%s: dense gives %d costing %v, want %d costing %v", name, len(dp.Pairs), dp.Total, want.assigned, want.total)
					}

					sp, err := SolveSparseCapacity(denseToSparse(rng, d, true), capacity)
					if err != nil {
						t.Fatalf("%s: sparse: %v", name, err)
					}
					checkPairing(t, name, d, capacity, sp)
					if len(sp.Pairs) != want.assigned || !equalTotals(sp.Total, want.total, tol) {
						t.Fatalf("%s: sparse gives %d costing %v, want %d costing %v", name, len(sp.Pairs), sp.Total, want.assigned, want.total)
					}
				}
			}
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

func TestExpandDense_CopiesRowsWithinUse(t *testing.T) {
	inf := math.Inf(1)
	d, _ := DenseFromRows([][]float64{
		{1, 2, 3},
		{4, inf, inf}, // one allowed pair: a second copy could never be used
		{7, 8, 9},
	})
	x, e, err := ExpandDense(d, []int{2, 3, 0})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 1}; !slices.Equal(e.RowOf, want) {
		t.Fatalf("RowOf = %v, want %v", e.RowOf, want)
	}
	want := []float64{1, 2, 3, 1, 2, 3, 4, inf, inf}
	if x.Rows != 3 || x.Cols != 3 || !slices.Equal(x.Data, want) {
		t.Fatalf("expanded to %+v", x)
	}
	p := e.Pairing(Assignment{RowToCol: []int{2, 0, -1}, Assigned: 2, Total: 4})
	if wantPairs := []Pair{{0, 0}, {0, 2}}; !slices.Equal(p.Pairs, wantPairs) || p.Total != 4 {
		t.Fatalf("Pairing = %+v, want %v costing 4", p, wantPairs)
	}
}

func TestExpandSparse_CopiesRowsWithinUse(t *testing.T) {
	g := Sparse{Cols: 3}
	g.AddRow([]int{2, 0}, []float64{1, 2})
	g.AddRow([]int{1, 2}, []float64{math.Inf(1), 5})
	x, e, err := ExpandSparse(g, []int{5, 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 0, 1}; !slices.Equal(e.RowOf, want) {
		t.Fatalf("RowOf = %v, want %v", e.RowOf, want)
	}
	if want := []int{2, 0, 2, 0, 2}; !slices.Equal(x.Col, want) || x.Rows != 3 || !slices.Equal(x.Start, []int{0, 2, 4, 5}) {
		t.Fatalf("expanded to %+v", x)
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

// A mentor with capacity for everyone still leaves each mentee one mentor, and the
// cheapest mentor takes as many as it can.
func TestSolveDenseCapacity_FillsTheCheapestRow(t *testing.T) {
	d, _ := DenseFromRows([][]float64{
		{1, 1, 1, 1},
		{5, 5, 5, 5},
	})
	p, err := SolveDenseCapacity(d, []int{3, 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{0, 0}, {0, 1}, {0, 2}, {1, 3}}
	if len(p.Pairs) != 4 || p.Total != 8 {
		t.Fatalf("got %+v, want 4 pairs costing 8 like %v", p, want)
	}
}
