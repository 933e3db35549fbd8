package match

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// shortcut runs the rectangular shortcut on d with k candidates a row and returns the
// assignment it proves, if any, with the shortlist for a look at how it got there.
func shortcut(d Dense, k int) (Assignment, *shortlist, bool) {
	n, m := d.Rows, d.Cols
	var s *shortlist
	if n < m {
		s, _ = scanWide(d.Data, n, m, k)
	} else {
		s, _ = scanTall(d.Data, n, m, k)
	}
	y, ok := s.solve()
	if !ok {
		return Assignment{}, s, false
	}
	a := Assignment{RowToCol: y}
	if n > m {
		a.RowToCol = filled(n, -1)
		for j, i := range y {
			a.RowToCol[i] = j
		}
	}
	var sum compensatedSum
	for r, c := range a.RowToCol {
		if c >= 0 {
			a.Assigned++
			sum.add(d.At(r, c))
		}
	}
	a.Total = sum.value()
	return a, s, true
}

// On small problems with one to three candidates a row, the shortcut must often extend its
// graph, sometimes cover the columns and sometimes give up; whatever it proves must be the
// optimum of the whole matrix, by brute force.
func TestShortlist_ProvenAnswersMatchBruteForce(t *testing.T) {
	rng := newRand(4242)
	var proven, extended, covered, declined int
	for i := range 3000 {
		small, large := 1+rng.IntN(7), 2+rng.IntN(11)
		if small >= large {
			large = small + 1
		}
		rows, cols := small, large
		if i%2 == 1 {
			rows, cols = large, small
		}
		kind := costKinds[i%len(costKinds)]
		forbid := []float64{0, 0, 0.2, 0.5}[rng.IntN(4)]
		d := randomDense(rng, rows, cols, kind, forbid)
		if _, _, size := maxMatching(denseGraph{d}); size < min(rows, cols) {
			continue // the shortcut is for problems whose smaller side can be assigned
		}
		k := 1 + rng.IntN(3)
		a, s, ok := shortcut(d, k)
		if s.extended > 0 {
			extended++
		}
		if s.covered {
			covered++
		}
		if !ok {
			declined++
			continue
		}
		proven++
		name := fmt.Sprintf("#%d %d×%d %s forbid=%.1f k=%d", i, rows, cols, kind.name, forbid, k)
		checkAssignment(t, d, a)
		want := bruteDP(d, nil)
		if a.Assigned != want.assigned || !equalTotals(a.Total, want.total, tolerance(d, kind.integer)) {
			t.Fatalf("%s: %d pairs costing %v, want %d costing %v\n%v", name, a.Assigned, a.Total, want.assigned, want.total, d)
		}
	}
	if proven < 1000 || extended < 50 || covered < 20 || declined < 5 {
		t.Fatalf("proven %d, extended %d, covered %d, declined %d: every path should be taken", proven, extended, covered, declined)
	}
}

// Large enough for SolveDense to take the shortcut, both ways round, certified optimal
// and equal to the transposed problem's answer.
func TestSolveDense_RectangularCertifiedBothWays(t *testing.T) {
	rng := newRand(1729)
	shapes := [][2]int{{130, 200}, {40, 600}, {220, 221}}
	kinds := []costKind{costKinds[0], costKinds[1], costKinds[2], costKinds[4], costKinds[6]}
	if testing.Short() {
		shapes = shapes[:2]
	}
	for _, shape := range shapes {
		for _, kind := range kinds {
			for _, forbid := range []float64{0, 0.4} {
				d := randomDense(rng, shape[0], shape[1], kind, forbid)
				tr := Dense{Rows: d.Cols, Cols: d.Rows, Data: transpose(d.Data, d.Rows, d.Cols)}
				eps := 0.0
				if !kind.integer {
					eps = 1e-9 * (1 + maxAbs(d))
				}
				var totals [2]float64
				for w, m := range []Dense{d, tr} {
					name := fmt.Sprintf("%d×%d %s forbid=%.1f", m.Rows, m.Cols, kind.name, forbid)
					a, err := SolveDense(m)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					checkAssignment(t, m, a)
					if a.Assigned != min(m.Rows, m.Cols) {
						t.Fatalf("%s: %d pairs", name, a.Assigned)
					}
					if err := certify(m, a, eps); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					totals[w] = a.Total
				}
				if !equalTotals(totals[0], totals[1], tolerance(d, kind.integer)) {
					t.Fatalf("%v %s: %v, transposed %v", shape, kind.name, totals[0], totals[1])
				}
			}
		}
	}
}

// Costs whose structure defeats the shortcut's guesses: every row wanting the same
// columns, rows or columns on very different scales, products and distances. The result
// must be the full solver's optimum whichever way the shortcut went.
func TestSolveDense_RectangularStructuredCosts(t *testing.T) {
	shapes := map[string]func(i, j int) float64{
		"same columns":  func(i, j int) float64 { return float64(j) },
		"same rows":     func(i, j int) float64 { return float64(i) },
		"product":       func(i, j int) float64 { return float64(i * j) },
		"anti-product":  func(i, j int) float64 { return -float64(i * j) },
		"distance":      func(i, j int) float64 { return float64((i - j) * (i - j)) },
		"row scales":    func(i, j int) float64 { return float64(i*1000 + int(pairHash(i, j)%100)) },
		"column scales": func(i, j int) float64 { return float64(j*1000 + int(pairHash(i, j)%100)) },
		"falling rows":  func(i, j int) float64 { return float64(-i*1000 + int(pairHash(i, j)%100)) },
		"equal":         func(i, j int) float64 { return 1 },
	}
	for name, f := range shapes {
		for _, shape := range [][2]int{{130, 170}, {170, 130}, {30, 700}, {700, 30}} {
			d := NewDense(shape[0], shape[1])
			for i := range d.Rows {
				for j := range d.Cols {
					d.Set(i, j, f(i, j))
				}
			}
			a, err := SolveDense(d)
			if err != nil {
				t.Fatalf("%s %v: %v", name, shape, err)
			}
			checkAssignment(t, d, a)
			if err := certify(d, a, 0); err != nil {
				t.Fatalf("%s %v: %v", name, shape, err)
			}
			// The full solver, without the shortcut.
			n, m, c := d.Rows, d.Cols, d.Data
			if n > m {
				n, m, c = m, n, transpose(d.Data, d.Rows, d.Cols)
			}
			x, err := lapjv(c, n, m)
			if err != nil {
				t.Fatal(err)
			}
			want := 0.0
			for r, col := range x {
				want += c[r*m+col]
			}
			if a.Total != want {
				t.Fatalf("%s %v: %v, full solver %v", name, shape, a.Total, want)
			}
		}
	}
}

// When forbidden pairs leave rows of the smaller side unassignable the shortcut cannot
// prove anything, and the cardinality split takes over.
func TestSolveDense_RectangularWithUnassignableRows(t *testing.T) {
	rng := newRand(99)
	for _, shape := range [][2]int{{120, 300}, {300, 120}} {
		d := randomDense(rng, shape[0], shape[1], costKinds[1], 0.2)
		// Ten rows (or columns) of the smaller side share only three allowed partners.
		for a := range 10 {
			for b := range max(shape[0], shape[1]) {
				cost := math.Inf(1)
				if b < 3 {
					cost = float64(rng.IntN(5))
				}
				if shape[0] < shape[1] {
					d.Set(a, b, cost)
				} else {
					d.Set(b, a, cost)
				}
			}
		}
		a, err := SolveDense(d)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, d, a)
		if a.Assigned != min(shape[0], shape[1])-7 {
			t.Fatalf("%v: %d pairs", shape, a.Assigned)
		}
		if err := certify(d, a, 0); err != nil {
			t.Fatalf("%v: %v", shape, err)
		}
	}
}

// The shortcut checks the costs in its own pass; it must refuse the same costs as the
// full solver, and name the first bad one in row-major order.
func TestSolveDense_RectangularRejectsBadCosts(t *testing.T) {
	for _, shape := range [][2]int{{100, 300}, {300, 100}} {
		for _, tt := range []struct {
			name string
			set  map[[2]int]float64
			want error
			pos  [2]int
		}{
			{"NaN", map[[2]int]float64{{70, 20}: math.NaN(), {90, 5}: math.Inf(-1)}, ErrInvalidCost, [2]int{70, 20}},
			{"-Inf", map[[2]int]float64{{3, 99}: math.Inf(-1), {50, 1}: math.NaN()}, ErrInvalidCost, [2]int{3, 99}},
			{"range", map[[2]int]float64{{10, 10}: 1e306, {20, 20}: -1e306}, ErrCostRange, [2]int{-1, -1}},
		} {
			d := randomDense(newRand(1), shape[0], shape[1], costKinds[0], 0.1)
			for p, x := range tt.set {
				d.Set(p[0], p[1], x)
			}
			_, err := SolveDense(d)
			if !errors.Is(err, tt.want) {
				t.Fatalf("%v %s: got %v, want %v", shape, tt.name, err, tt.want)
			}
			var ce *CostError
			if tt.pos[0] >= 0 && (!errors.As(err, &ce) || ce.Row != tt.pos[0] || ce.Col != tt.pos[1]) {
				t.Fatalf("%v %s: got %v, want a CostError at %v", shape, tt.name, err, tt.pos)
			}
		}
	}
}

// The one pass keeps exactly the k cheapest pairs of each row (ties by the pair's hash),
// and a floor no greater than any pair left out.
func TestScan_KeepsTheCheapestAndATrueFloor(t *testing.T) {
	rng := newRand(5)
	for i := range 200 {
		rows, cols := 1+rng.IntN(30), 1+rng.IntN(300)
		kind := costKinds[i%len(costKinds)]
		d := randomDense(rng, rows, cols, kind, []float64{0, 0.3, 0.95}[rng.IntN(3)])
		k := 1 + rng.IntN(20)
		for _, tall := range []bool{false, true} {
			m := d
			if tall {
				m = Dense{Rows: d.Cols, Cols: d.Rows, Data: transpose(d.Data, d.Rows, d.Cols)}
			}
			var s *shortlist
			var sc rectScan
			if tall {
				s, sc = scanTall(m.Data, m.Rows, m.Cols, k)
			} else {
				s, sc = scanWide(m.Data, m.Rows, m.Cols, k)
			}
			if sc.bad {
				t.Fatal("no bad costs here")
			}
			for a := range rows {
				row := d.Row(a)
				var all []candidate
				for b, x := range row {
					if !math.IsInf(x, 1) {
						all = append(all, candidate{x, pairHash(a, b), int32(b)})
					}
				}
				want := map[int32]bool{}
				for len(want) < min(k, len(all)) {
					best := -1
					for p, c := range all {
						if !want[c.idx] && (best < 0 || c.less(all[best])) {
							best = p
						}
					}
					want[all[best].idx] = true
				}
				if len(s.col[a]) != len(want) {
					t.Fatalf("#%d tall=%v row %d: kept %v, want %v", i, tall, a, s.col[a], want)
				}
				for p, b := range s.col[a] {
					if !want[b] || s.cost[a][p] != row[b] {
						t.Fatalf("#%d tall=%v row %d: kept %v, want %v", i, tall, a, s.col[a], want)
					}
				}
				for b, x := range row {
					if !want[int32(b)] && x < s.floor[a] {
						t.Fatalf("#%d tall=%v row %d: floor %v above left-out cost %v", i, tall, a, s.floor[a], x)
					}
				}
			}
		}
	}
}

// A tall scan long enough to start from sampled thresholds, with columns built to mislead
// the sample, must keep the same candidates as the plain scan of its transpose.
func TestScanTall_SampledThresholdsAgreeWithRows(t *testing.T) {
	rng := newRand(8)
	const n, m, k = 3000, 12, 12
	d := randomDense(rng, n, m, costKinds[1], 0.1)
	for i := range n {
		// Column 0: six sampled rows are free, the rest dear. Column 1: one cheap
		// stretch the sample misses.
		d.Set(i, 0, 100)
		if i%8 == 0 && i < 48 {
			d.Set(i, 0, 0)
		}
		d.Set(i, 1, 50)
		if i%8 == 3 {
			d.Set(i, 1, -1)
		}
	}
	tall, sc := scanTall(d.Data, n, m, k)
	if sc.bad {
		t.Fatal("no bad costs here")
	}
	tr := transpose(d.Data, n, m)
	wide, _ := scanWide(tr, m, n, k)
	for a := range m {
		got, want := map[int32]bool{}, map[int32]bool{}
		for _, b := range tall.col[a] {
			got[b] = true
		}
		for _, b := range wide.col[a] {
			want[b] = true
		}
		if len(got) != len(want) || tall.floor[a] != wide.floor[a] {
			t.Fatalf("column %d: kept %v floor %v, want %v floor %v", a, tall.col[a], tall.floor[a], wide.col[a], wide.floor[a])
		}
		for b := range want {
			if !got[b] {
				t.Fatalf("column %d: kept %v, want %v", a, tall.col[a], wide.col[a])
			}
		}
	}
}
