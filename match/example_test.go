package match_test

import (
	"fmt"
	"math"

	"github.com/reverse-mentor/reverse-mentor/match"
)

func ExampleSolveDense() {
	inf := math.Inf(1)
	// Three mentors (rows), three mentees (columns). Mentor 2 may only take mentee 0,
	// which mentor 0 would also like best.
	costs, _ := match.DenseFromRows([][]float64{
		{1, 4, 6},
		{5, 2, 7},
		{3, inf, inf},
	})
	a, _ := match.SolveDense(costs)
	fmt.Println(a.RowToCol, a.Assigned, a.Total)
	// Output: [2 1 0] 3 11
}

func ExampleSolveSparseCapacity() {
	// Mentor 0 has room for two mentees, mentor 1 for one; each lists its candidates.
	var g match.Sparse
	g.Cols = 3
	g.AddRow([]int{0, 1, 2}, []float64{1, 1, 5})
	g.AddRow([]int{2}, []float64{2})
	p, _ := match.SolveSparseCapacity(g, []int{2, 1})
	fmt.Println(p.Pairs, p.Total)
	// Output: [{0 0} {0 1} {1 2}] 4
}
