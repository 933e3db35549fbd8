package match

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// randomCandidates gives each row up to k random candidate columns; a share of the rows
// can be given none, and with popular set the candidates crowd towards low columns, so
// that many rows compete for few columns and not every row can be assigned.
func randomCandidates(seed uint64, rows, cols, k int, integer, popular bool, empty float64) Sparse {
	rng := newRand(seed)
	g := Sparse{Cols: cols}
	seen := make([]int, cols)
	for r := range rows {
		var cs []int
		var costs []float64
		if rng.Float64() >= empty {
			for range k {
				c := rng.IntN(cols)
				if popular {
					c = int(float64(cols) * rng.Float64() * rng.Float64() * rng.Float64())
				}
				if seen[c] == r+1 {
					continue
				}
				seen[c] = r + 1
				cs = append(cs, c)
				if integer {
					costs = append(costs, float64(rng.IntN(20)-5))
				} else {
					costs = append(costs, rng.Float64()*10-2)
				}
			}
		}
		g.AddRow(cs, costs)
	}
	return g
}

func TestSolveSparse_AgreesWithDense(t *testing.T) {
	shapes := [][2]int{{200, 200}, {150, 200}, {200, 150}, {1, 200}, {200, 1}}
	seed := uint64(0)
	for _, shape := range shapes {
		for _, integer := range []bool{true, false} {
			for _, popular := range []bool{false, true} {
				for _, empty := range []float64{0, 0.1} {
					seed++
					name := fmt.Sprintf("%v integer=%v popular=%v empty=%v", shape, integer, popular, empty)
					g := randomCandidates(seed, shape[0], shape[1], 10, integer, popular, empty)
					d := sparseToDense(g)
					var s, a Assignment
					var errS, errD error
					within(t, 20*time.Second, func() {
						s, errS = SolveSparse(g)
						a, errD = SolveDense(d)
					})
					if errS != nil || errD != nil {
						t.Fatalf("%s: sparse %v, dense %v", name, errS, errD)
					}
					checkAssignment(t, d, s)
					checkAssignment(t, d, a)
					tol := 0.0
					if !integer {
						tol = 1e-9
					}
					if s.Assigned != a.Assigned || !equalTotals(s.Total, a.Total, tol) {
						t.Fatalf("%s: sparse %d costing %v, dense %d costing %v", name, s.Assigned, s.Total, a.Assigned, a.Total)
					}
					if _, _, k := maxMatching(denseGraph{d}); s.Assigned != k {
						t.Fatalf("%s: %d pairs, maximum is %d", name, s.Assigned, k)
					}
				}
			}
		}
	}
}

func TestSolveSparse_RejectsBadInput(t *testing.T) {
	tests := []struct {
		name string
		g    Sparse
		want error
	}{
		{"missing offsets", Sparse{Rows: 2, Cols: 2}, ErrMalformed},
		{"offsets not from zero", Sparse{Rows: 1, Cols: 2, Start: []int{1, 1}, Col: []int{0}, Cost: []float64{1}}, ErrMalformed},
		{"offsets past the end", Sparse{Rows: 1, Cols: 2, Start: []int{0, 2}, Col: []int{0}, Cost: []float64{1}}, ErrMalformed},
		{"decreasing offsets", Sparse{Rows: 2, Cols: 2, Start: []int{0, 2, 1}, Col: []int{0, 1}, Cost: []float64{1, 2}}, ErrMalformed},
		{"costs and columns differ", Sparse{Rows: 1, Cols: 2, Start: []int{0, 1}, Col: []int{0}, Cost: []float64{1, 2}}, ErrMalformed},
		{"column out of range", Sparse{Rows: 1, Cols: 2, Start: []int{0, 1}, Col: []int{2}, Cost: []float64{1}}, ErrMalformed},
		{"negative column", Sparse{Rows: 1, Cols: 2, Start: []int{0, 1}, Col: []int{-1}, Cost: []float64{1}}, ErrMalformed},
		{"repeated column", Sparse{Rows: 1, Cols: 2, Start: []int{0, 2}, Col: []int{1, 1}, Cost: []float64{1, 2}}, ErrMalformed},
		{"NaN", Sparse{Rows: 1, Cols: 2, Start: []int{0, 1}, Col: []int{1}, Cost: []float64{math.NaN()}}, ErrInvalidCost},
		{"-Inf", Sparse{Rows: 1, Cols: 2, Start: []int{0, 1}, Col: []int{1}, Cost: []float64{math.Inf(-1)}}, ErrInvalidCost},
		{"out of range", Sparse{Rows: 1, Cols: 2, Start: []int{0, 2}, Col: []int{0, 1}, Cost: []float64{-1e308, 1e308}}, ErrCostRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := SolveSparse(tt.g); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSolveSparse_EmptyAndForbidden(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name     string
		g        Sparse
		assigned int
		total    float64
	}{
		{"zero value", Sparse{}, 0, 0},
		{"no rows", Sparse{Cols: 4}, 0, 0},
		{"no columns", Sparse{Rows: 2, Start: []int{0, 0, 0}}, 0, 0},
		{"no candidates", Sparse{Rows: 2, Cols: 3, Start: []int{0, 0, 0}}, 0, 0},
		{"only forbidden", Sparse{Rows: 1, Cols: 3, Start: []int{0, 2}, Col: []int{0, 2}, Cost: []float64{inf, inf}}, 0, 0},
		{"surplus rows prefer the cheaper", Sparse{Rows: 3, Cols: 2, Start: []int{0, 1, 2, 3}, Col: []int{0, 0, 1}, Cost: []float64{10, 1, 4}}, 2, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := SolveSparse(tt.g)
			if err != nil {
				t.Fatal(err)
			}
			if a.Assigned != tt.assigned || a.Total != tt.total || len(a.RowToCol) != tt.g.Rows {
				t.Fatalf("got %+v, want %d costing %v", a, tt.assigned, tt.total)
			}
		})
	}
}

func TestSparse_AddRow(t *testing.T) {
	var g Sparse
	g.Cols = 3
	g.AddRow([]int{2, 0}, []float64{1, 2})
	g.AddRow(nil, nil)
	g.AddRow([]int{1}, []float64{3})
	want := Sparse{Rows: 3, Cols: 3, Start: []int{0, 2, 2, 3}, Col: []int{2, 0, 1}, Cost: []float64{1, 2, 3}}
	if g.Rows != want.Rows || !slices.Equal(g.Start, want.Start) || !slices.Equal(g.Col, want.Col) || !slices.Equal(g.Cost, want.Cost) {
		t.Fatalf("got %+v, want %+v", g, want)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("AddRow with slices of different lengths did not panic")
		}
	}()
	g.AddRow([]int{0}, nil)
}

func TestSolveSparse_IsDeterministicAndLeavesInputAlone(t *testing.T) {
	for _, integer := range []bool{true, false} {
		g := randomCandidates(42, 300, 300, 8, integer, true, 0.05)
		before := Sparse{Rows: g.Rows, Cols: g.Cols, Start: slices.Clone(g.Start), Col: slices.Clone(g.Col), Cost: slices.Clone(g.Cost)}
		first, err := SolveSparse(g)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			again, err := SolveSparse(g)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(first.RowToCol, again.RowToCol) {
				t.Fatal("two solves of the same input differ")
			}
		}
		if !slices.Equal(before.Start, g.Start) || !slices.Equal(before.Col, g.Col) || !slices.Equal(before.Cost, g.Cost) {
			t.Fatal("SolveSparse changed its input")
		}
	}
}

// Thousands of rows fighting over a handful of columns, and equal costs everywhere: both
// are cheap for the cardinality split and must stay so.
func TestSolveSparse_CrowdedFinishesQuickly(t *testing.T) {
	var crowded Sparse
	crowded.Cols = 3000
	for r := range 3000 {
		crowded.AddRow([]int{0, 1, 2, 3, 4}, []float64{float64(r % 7), 1, 2, 3, 4})
	}
	equal := randomCandidates(7, 3000, 3000, 20, true, false, 0)
	for k := range equal.Cost {
		equal.Cost[k] = 1
	}
	for _, tt := range []struct {
		name     string
		g        Sparse
		assigned int
	}{{"crowded", crowded, 5}, {"equal", equal, -1}} {
		within(t, 10*time.Second, func() {
			a, err := SolveSparse(tt.g)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				return
			}
			if tt.assigned >= 0 && a.Assigned != tt.assigned {
				t.Errorf("%s: %d pairs, want %d", tt.name, a.Assigned, tt.assigned)
			}
			if a.Total != float64(a.Assigned) && tt.name == "equal" {
				t.Errorf("%s: total %v for %d pairs of cost 1", tt.name, a.Total, a.Assigned)
			}
		})
	}
}
