package match

import (
	"fmt"
	"testing"
)

// The candidate graph is only a shortcut: whatever it reports as proven must be optimal;
// when it gives up, the dense solver runs in full. Small problems with very few
// candidates a row exercise both outcomes and the extension rounds in between.
func TestSolveByCandidates_ProvenResultsAreOptimal(t *testing.T) {
	rng := newRand(2718)
	proven, declined := 0, 0
	for i := range 500 {
		kind := costKinds[i%len(costKinds)]
		n := 3 + rng.IntN(50)
		m := n + rng.IntN(3)*rng.IntN(20)
		d := randomDense(rng, n, m, kind, []float64{0, 0, 0.3, 0.6}[rng.IntN(4)])
		if _, _, size := maxMatching(denseGraph{d}); size < n {
			continue // only for problems whose rows can all be assigned
		}
		k := 1 + rng.IntN(4)
		name := fmt.Sprintf("#%d %d×%d %s k=%d", i, n, m, kind.name, k)
		x, ok := solveByCandidates(d.Data, n, m, k)
		if !ok {
			declined++
			continue
		}
		proven++
		a := Assignment{RowToCol: x, Assigned: n}
		var sum compensatedSum
		for r, c := range x {
			sum.add(d.At(r, c))
		}
		a.Total = sum.value()
		checkAssignment(t, d, a)
		eps := 0.0
		if !kind.integer {
			eps = 1e-9 * (1 + maxAbs(d))
		}
		if err := certify(d, a, eps); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if proven < 50 || declined < 20 {
		t.Fatalf("proven %d, declined %d: both outcomes should be common", proven, declined)
	}
}

// Problems large enough for SolveDense to take the shortcut on its own.
func TestSolveDense_LargeProblemsCertified(t *testing.T) {
	rng := newRand(1618)
	shapes := [][2]int{{300, 300}, {150, 150}, {260, 420}, {420, 260}}
	kinds := []costKind{costKinds[0], costKinds[1], costKinds[3], costKinds[6]}
	if testing.Short() {
		shapes = shapes[:1]
		kinds = kinds[:2]
	}
	for _, shape := range shapes {
		for _, kind := range kinds {
			for _, forbid := range []float64{0, 0.5} {
				d := randomDense(rng, shape[0], shape[1], kind, forbid)
				a, err := SolveDense(d)
				name := fmt.Sprintf("%v %s forbid=%.1f", shape, kind.name, forbid)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkAssignment(t, d, a)
				eps := 0.0
				if !kind.integer {
					eps = 1e-9 * (1 + maxAbs(d))
				}
				if err := certify(d, a, eps); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
}

// Costs with structure the column minima do not explain, where the first candidates miss
// the optimum; the result must not depend on the shortcut.
func TestSolveDense_StructuredCostsAgreeWithFullSolver(t *testing.T) {
	n := 200
	shapes := map[string]func(i, j int) float64{
		"product":      func(i, j int) float64 { return float64(i * j) },
		"anti-product": func(i, j int) float64 { return -float64(i * j) },
		"distance":     func(i, j int) float64 { return float64((i - j) * (i - j)) },
		"rotated":      func(i, j int) float64 { return float64((i + j) % n) },
		"equal":        func(i, j int) float64 { return 1 },
	}
	for name, f := range shapes {
		d := NewDense(n, n)
		for i := range n {
			for j := range n {
				d.Set(i, j, f(i, j))
			}
		}
		a, err := SolveDense(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		full, err := lapjv(d.Data, n, n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := 0.0
		for r, c := range full {
			want += d.At(r, c)
		}
		if a.Assigned != n || a.Total != want {
			t.Fatalf("%s: %d costing %v, full solver %v", name, a.Assigned, a.Total, want)
		}
		if err := certify(d, a, 0); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
