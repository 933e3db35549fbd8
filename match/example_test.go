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
	// Mentor 0 has room for two mentees and fits all three best; mentor 1 has room for
	// one. Each lists its candidates. Mentor 1 still gets a mentee: a second slot is
	// used only when no first slot can serve.
	var g match.Sparse
	g.Cols = 3
	g.AddRow([]int{0, 1, 2}, []float64{1, 1, 2})
	g.AddRow([]int{1, 2}, []float64{5, 7})
	p, _ := match.SolveSparseCapacity(g, []int{2, 1})
	fmt.Println(p.Pairs, p.Total)
	// Output: [{0 0} {0 2} {1 1}] 8
}
