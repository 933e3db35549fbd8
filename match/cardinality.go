package match

// When the smaller side of a problem cannot be assigned in full, shortest augmenting
// paths alone would settle on whichever rows they happened to reach first, not on the
// cheapest set of rows. The cure used here is exact and needs no artificial "big M"
// costs: find the maximum number of pairs from the structure alone, then split the problem
// along the Dulmage–Mendelsohn decomposition into two independent parts, each of which
// can be assigned in full on its smaller side and so solved optimally by the ordinary
// method.

// graph is the structure of allowed pairs of a problem.
type graph interface {
	size() (rows, cols int)
	// next returns the first allowed column of row r at position p or later, and the
	// position just after it; the column is -1 when row r has no more.
	next(r, p int) (col, after int)
}

// maxMatching returns a maximum-cardinality matching of the allowed pairs of g
// (Hopcroft–Karp): the mate of each row and of each column, -1 for none, and its size.
func maxMatching[G graph](g G) (rowMate, colMate []int, k int) {
	n, m := g.size()
	rowMate = filled(n, -1)
	colMate = filled(m, -1)
	for r := range n {
		for c, p := g.next(r, 0); c >= 0; c, p = g.next(r, p) {
			if colMate[c] < 0 {
				rowMate[r], colMate[c] = c, r
				k++
				break
			}
		}
	}

	dist := make([]int, n)
	it := make([]int, n)
	queue := make([]int, 0, n)
	var augment func(r int) bool
	augment = func(r int) bool {
		for {
			c, p := g.next(r, it[r])
			if c < 0 {
				dist[r] = -1
				return false
			}
			it[r] = p
			r2 := colMate[c]
			if r2 < 0 || (dist[r2] == dist[r]+1 && augment(r2)) {
				rowMate[r], colMate[c] = c, r
				return true
			}
		}
	}
	for k < min(n, m) {
		// Layer the rows by alternating distance from the free rows.
		queue = queue[:0]
		for r := range n {
			dist[r] = -1
			if rowMate[r] < 0 {
				dist[r] = 0
				queue = append(queue, r)
			}
		}
		found := false
		for h := 0; h < len(queue); h++ {
			r := queue[h]
			for c, p := g.next(r, 0); c >= 0; c, p = g.next(r, p) {
				switch r2 := colMate[c]; {
				case r2 < 0:
					found = true
				case dist[r2] < 0:
					dist[r2] = dist[r] + 1
					queue = append(queue, r2)
				}
			}
		}
		if !found {
			break
		}
		clear(it)
		grown := 0
		for r := range n {
			if rowMate[r] < 0 && dist[r] == 0 && augment(r) {
				grown++
			}
		}
		if grown == 0 {
			break // cannot happen when found is true; never loop on it
		}
		k += grown
	}
	return rowMate, colMate, k
}

// partition is the split of a problem whose rows cannot all be assigned, with rows and
// columns listed in increasing order.
//
// surplusRows are the rows that some maximum matching leaves unassigned: those reachable
// from an unassigned row by an alternating path. surplusCols are every column they have
// an allowed pair with. Every maximum matching assigns each surplus column to a surplus
// row, assigns every other row to an other column, and uses no other pairs. So an optimal
// maximum assignment is an optimal assignment of surplusCols into surplusRows together
// with an optimal assignment of otherRows into otherCols, and both are full on their
// smaller side.
type partition struct {
	surplusRows, surplusCols []int
	otherRows, otherCols     []int
}

// decompose splits g given a maximum matching of it.
func decompose[G graph](g G, rowMate, colMate []int) partition {
	n, m := g.size()
	inRows := make([]bool, n)
	inCols := make([]bool, m)
	queue := make([]int, 0, n)
	for r := range n {
		if rowMate[r] < 0 {
			inRows[r] = true
			queue = append(queue, r)
		}
	}
	for h := 0; h < len(queue); h++ {
		for c, p := g.next(queue[h], 0); c >= 0; c, p = g.next(queue[h], p) {
			if inCols[c] {
				continue
			}
			inCols[c] = true
			if r2 := colMate[c]; r2 >= 0 && !inRows[r2] {
				inRows[r2] = true
				queue = append(queue, r2)
			}
		}
	}
	var p partition
	for r, in := range inRows {
		if in {
			p.surplusRows = append(p.surplusRows, r)
		} else {
			p.otherRows = append(p.otherRows, r)
		}
	}
	for c, in := range inCols {
		if in {
			p.surplusCols = append(p.surplusCols, c)
		} else {
			p.otherCols = append(p.otherCols, c)
		}
	}
	return p
}

// filled returns a slice of n copies of v.
func filled(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}
