package match

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestSolvers_MatchBruteForceOnEveryShapeUpTo8x8(t *testing.T) {
	const reps = 16
	rng := rand.New(rand.NewPCG(20240601, 7))
	within(t, 60*time.Second, func() {
		for rows := 0; rows <= 8; rows++ {
			for cols := 0; cols <= 8; cols++ {
				for _, k := range costKinds {
					for _, forbid := range forbidRates {
						for rep := range reps {
							d := randomDense(rng, rows, cols, k, forbid)
							name := fmt.Sprintf("%d×%d %s forbid=%.1f rep=%d", rows, cols, k.name, forbid, rep)
							if !checkAgainstBrute(t, name, d, k.integer) {
								return
							}
						}
					}
				}
			}
		}
	})
}

// checkAgainstBrute solves d densely and sparsely and compares both with the dynamic
// programme; it reports false after the first failure.
func checkAgainstBrute(t *testing.T, name string, d Dense, integer bool) bool {
	t.Helper()
	want := bruteDP(d, nil)
	tol := tolerance(d, integer)
	a, err := SolveDense(d)
	if err != nil {
		t.Errorf("%s: SolveDense: %v", name, err)
		return false
	}
	checkAssignment(t, d, a)
	if a.Assigned != want.assigned || !equalTotals(a.Total, want.total, tol) {
		t.Errorf("%s: SolveDense gives %d pairs costing %v, want %d costing %v\n%v", name, a.Assigned, a.Total, want.assigned, want.total, d)
		return false
	}
	s, err := SolveSparse(denseToSparse(rand.New(rand.NewPCG(uint64(d.Rows), uint64(d.Cols))), d, true))
	if err != nil {
		t.Errorf("%s: SolveSparse: %v", name, err)
		return false
	}
	checkAssignment(t, d, s)
	if s.Assigned != want.assigned || !equalTotals(s.Total, want.total, tol) {
		t.Errorf("%s: SolveSparse gives %d pairs costing %v, want %d costing %v\n%v", name, s.Assigned, s.Total, want.assigned, want.total, d)
		return false
	}
	return true
}

func TestSolveDense_EdgeCases(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name     string
		rows     [][]float64
		assigned int
		total    float64
	}{
		{"empty", nil, 0, 0},
		{"one cell", [][]float64{{3}}, 1, 3},
		{"one forbidden cell", [][]float64{{inf}}, 0, 0},
		{"all forbidden", [][]float64{{inf, inf}, {inf, inf}, {inf, inf}}, 0, 0},
		{"negative", [][]float64{{-1, -5}, {-3, -2}}, 2, -8},
		{"equal", [][]float64{{2, 2, 2}, {2, 2, 2}, {2, 2, 2}}, 3, 6},
		{"one row", [][]float64{{5, 4, 3, 9}}, 1, 3},
		{"one column", [][]float64{{5}, {4}, {3}, {9}}, 1, 3},
		{"huge", [][]float64{{1e15, 1e15 + 2}, {1e15 + 1, 1e15 + 5}}, 2, 2e15 + 3},
		// Rows 0 and 1 compete for column 0; the cheaper one must win although row 0 comes first.
		{"surplus rows prefer the cheaper", [][]float64{{10, inf}, {1, inf}, {inf, 4}}, 2, 5},
		{"surplus columns prefer the cheaper", [][]float64{{10, 1, inf}, {inf, inf, 4}}, 2, 5},
		// Cardinality comes before cost: one free pair cannot beat two dear ones.
		{"cardinality first", [][]float64{{0, 100}, {0, inf}}, 2, 100},
		{"cardinality first, wide", [][]float64{{0, 100, inf, inf}, {0, inf, inf, inf}, {inf, inf, 5, inf}}, 3, 105},
		{"row without candidates", [][]float64{{1, 2}, {inf, inf}, {2, 1}}, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DenseFromRows(tt.rows)
			if err != nil {
				t.Fatal(err)
			}
			within(t, 10*time.Second, func() {
				a, err := SolveDense(d)
				if err != nil {
					t.Errorf("SolveDense: %v", err)
					return
				}
				if a.Assigned != tt.assigned || a.Total != tt.total {
					t.Errorf("got %d pairs costing %v (%v), want %d costing %v", a.Assigned, a.Total, a.RowToCol, tt.assigned, tt.total)
				}
				if len(a.RowToCol) != d.Rows {
					t.Errorf("RowToCol has %d entries for %d rows", len(a.RowToCol), d.Rows)
				}
			})
		})
	}
}

func TestSolveDense_EmptySides(t *testing.T) {
	for _, d := range []Dense{{}, {Rows: 0, Cols: 5}, {Rows: 5, Cols: 0, Data: []float64{}}} {
		a, err := SolveDense(d)
		if err != nil {
			t.Fatalf("%d×%d: %v", d.Rows, d.Cols, err)
		}
		if a.Assigned != 0 || a.Total != 0 || len(a.RowToCol) != d.Rows {
			t.Fatalf("%d×%d: got %+v", d.Rows, d.Cols, a)
		}
		for _, c := range a.RowToCol {
			if c != -1 {
				t.Fatalf("%d×%d: got %+v", d.Rows, d.Cols, a)
			}
		}
	}
}

func TestSolveDense_RejectsBadInput(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name string
		d    Dense
		want error
		pos  [2]int // row, column of a CostError; {-1, -1} for none
	}{
		{"NaN", Dense{Rows: 2, Cols: 2, Data: []float64{1, 2, math.NaN(), 4}}, ErrInvalidCost, [2]int{1, 0}},
		{"-Inf", Dense{Rows: 1, Cols: 3, Data: []float64{1, 2, math.Inf(-1)}}, ErrInvalidCost, [2]int{0, 2}},
		{"short data", Dense{Rows: 2, Cols: 2, Data: []float64{1, 2, 3}}, ErrMalformed, [2]int{-1, -1}},
		{"negative rows", Dense{Rows: -1, Cols: 2}, ErrMalformed, [2]int{-1, -1}},
		{"overflowing spread", Dense{Rows: 2, Cols: 2, Data: []float64{-1e308, 1e308, 0, inf}}, ErrCostRange, [2]int{-1, -1}},
		{"overflowing magnitude", Dense{Rows: 1, Cols: 2, Data: []float64{math.MaxFloat64, math.MaxFloat64}}, ErrCostRange, [2]int{-1, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SolveDense(tt.d)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			var ce *CostError
			if tt.pos[0] >= 0 {
				if !errors.As(err, &ce) || ce.Row != tt.pos[0] || ce.Col != tt.pos[1] {
					t.Fatalf("got %v, want a CostError at %v", err, tt.pos)
				}
			}
		})
	}
}

func TestSolveDense_AcceptsHugeAndWideCosts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, scale := range []float64{1e12, 1e13, 1e14, 1e15, 1e100, 1e290} {
		d := NewDense(6, 6)
		for i := range d.Data {
			d.Data[i] = scale * (rng.Float64()*2 - 1)
		}
		a, err := SolveDense(d)
		if err != nil {
			t.Fatalf("scale %g: %v", scale, err)
		}
		want := bruteDP(d, nil)
		if a.Assigned != 6 || !equalTotals(a.Total, want.total, 1e-12*6*scale) {
			t.Fatalf("scale %g: got %d costing %v, want 6 costing %v", scale, a.Assigned, a.Total, want.total)
		}
	}
}

func TestSolveDense_VeryRectangular(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, shape := range [][2]int{{1, 1000}, {1000, 1}, {3, 1000}, {1000, 3}, {40, 1000}} {
		for _, forbid := range []float64{0, 0.5, 0.99} {
			d := randomDense(rng, shape[0], shape[1], costKinds[0], forbid)
			var a Assignment
			within(t, 10*time.Second, func() {
				var err error
				if a, err = SolveDense(d); err != nil {
					t.Errorf("%v: %v", shape, err)
				}
			})
			checkAssignment(t, d, a)
			// The references are out of reach at this size; compare both orientations instead,
			// and the greedy bound for a single row or column.
			tr := Dense{Rows: d.Cols, Cols: d.Rows, Data: transpose(d.Data, d.Rows, d.Cols)}
			b, err := SolveDense(tr)
			if err != nil {
				t.Fatal(err)
			}
			if a.Assigned != b.Assigned || !equalTotals(a.Total, b.Total, 1e-9) {
				t.Fatalf("%v forbid %.2f: %d costing %v, transposed %d costing %v", shape, forbid, a.Assigned, a.Total, b.Assigned, b.Total)
			}
			if shape[0] == 1 || shape[1] == 1 {
				least := math.Inf(1)
				for _, x := range d.Data {
					least = min(least, x)
				}
				if least < math.Inf(1) && (a.Assigned != 1 || a.Total != least) {
					t.Fatalf("%v: got %d costing %v, want 1 costing %v", shape, a.Assigned, a.Total, least)
				}
			}
		}
	}
}

func TestSolveDense_IsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, k := range []costKind{costKinds[0], costKinds[1], costKinds[2]} {
		for _, forbid := range []float64{0, 0.3} {
			d := randomDense(rng, 120, 150, k, forbid)
			for _, m := range []Dense{d, {Rows: d.Cols, Cols: d.Rows, Data: transpose(d.Data, d.Rows, d.Cols)}} {
				first, err := SolveDense(m)
				if err != nil {
					t.Fatal(err)
				}
				for range 3 {
					again, err := SolveDense(m)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(first.RowToCol, again.RowToCol) {
						t.Fatalf("%s forbid %.1f: two solves of the same input differ", k.name, forbid)
					}
				}
			}
		}
	}
}

func TestSolveDense_DoesNotModifyInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, shape := range [][2]int{{30, 30}, {20, 35}, {35, 20}} {
		d := randomDense(rng, shape[0], shape[1], costKinds[0], 0.3)
		before := slices.Clone(d.Data)
		if _, err := SolveDense(d); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, d.Data) {
			t.Fatalf("%v: SolveDense changed its input", shape)
		}
	}
}

// A medium problem where the cardinality split matters: many rows share few columns.
func TestSolveDense_SurplusRowsAgreeWithSparse(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for rep := range 20 {
		rows, cols := 60+rng.IntN(40), 60+rng.IntN(40)
		d := NewDense(rows, cols)
		for r := range rows {
			for c := range cols {
				// Half the rows only reach the first ten columns.
				if (r%2 == 0 && c >= 10) || rng.IntN(4) == 0 {
					d.Set(r, c, math.Inf(1))
				} else {
					d.Set(r, c, float64(rng.IntN(50)))
				}
			}
		}
		a, err := SolveDense(d)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, d, a)
		s, err := SolveSparse(denseToSparse(rng, d, false))
		if err != nil {
			t.Fatal(err)
		}
		if a.Assigned != s.Assigned || a.Total != s.Total {
			t.Fatalf("rep %d: dense %d costing %v, sparse %d costing %v", rep, a.Assigned, a.Total, s.Assigned, s.Total)
		}
		_, _, k := maxMatching(denseGraph{d})
		if a.Assigned != k {
			t.Fatalf("rep %d: %d pairs, maximum is %d", rep, a.Assigned, k)
		}
	}
}

func FuzzSolveDense(f *testing.F) {
	f.Add([]byte{3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{4, 2, 255, 0, 255, 255, 3, 3, 128, 200})
	f.Add([]byte{2, 5, 250, 251, 252, 253, 254, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		rows, cols := int(data[0]%9), int(data[1]%9)
		data = data[2:]
		d := NewDense(rows, cols)
		for i := range d.Data {
			var b byte
			if i < len(data) {
				b = data[i]
			}
			switch {
			case b == 255:
				d.Data[i] = math.Inf(1)
			case b >= 250:
				d.Data[i] = float64(b-249) * 1e14 // huge
			default:
				d.Data[i] = float64(int(b) - 100) // negative and repeated
			}
		}
		want := bruteDP(d, nil)
		a, err := SolveDense(d)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, d, a)
		if a.Assigned != want.assigned || a.Total != want.total {
			t.Fatalf("dense: got %d costing %v, want %d costing %v for %v", a.Assigned, a.Total, want.assigned, want.total, d)
		}
		s, err := SolveSparse(denseToSparse(newRand(uint64(len(data))), d, true))
		if err != nil {
			t.Fatal(err)
		}
		checkAssignment(t, d, s)
		if s.Assigned != want.assigned || s.Total != want.total {
			t.Fatalf("sparse: got %d costing %v, want %d costing %v for %v", s.Assigned, s.Total, want.assigned, want.total, d)
		}
	})
}

// Sizes beyond the brute force, checked by an optimality certificate instead.
func TestSolvers_CertifiedOptimalOnMediumProblems(t *testing.T) {
	rng := newRand(31337)
	count := 600
	if testing.Short() {
		count = 100
	}
	for i := range count {
		k := costKinds[i%len(costKinds)]
		rows, cols := 5+rng.IntN(120), 5+rng.IntN(120)
		if i%3 == 0 {
			cols = rows
		}
		forbid := []float64{0, 0, 0.3, 0.7, 0.93}[rng.IntN(5)]
		d := randomDense(rng, rows, cols, k, forbid)
		eps := 0.0
		if !k.integer {
			eps = 1e-9 * (1 + maxAbs(d))
		}
		name := fmt.Sprintf("#%d %d×%d %s forbid=%.2f", i, rows, cols, k.name, forbid)
		a, err := SolveDense(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkAssignment(t, d, a)
		if err := certify(d, a, eps); err != nil {
			t.Fatalf("%s: dense: %v", name, err)
		}
		s, err := SolveSparse(denseToSparse(rng, d, false))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkAssignment(t, d, s)
		if err := certify(d, s, eps); err != nil {
			t.Fatalf("%s: sparse: %v", name, err)
		}
	}
}

// maxAbs is the largest finite cost of d in absolute value.
func maxAbs(d Dense) float64 {
	m := 0.0
	for _, x := range d.Data {
		if !math.IsInf(x, 1) {
			m = max(m, math.Abs(x))
		}
	}
	return m
}
