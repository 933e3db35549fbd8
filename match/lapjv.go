package match

import "math"

// This file is the dense solver proper: the shortest augmenting path method of Jonker and
// Volgenant (LAPJV), "A shortest augmenting path algorithm for dense and sparse linear
// assignment problems", Computing 38 (1987). It keeps a price v[j] on every column;
// the reduced cost of a pair is c[i][j] - v[j] - u[i], where u[i] is implied by the
// column row i holds. The cheap initialisation (column reduction, reduction transfer,
// augmenting row reduction) assigns most rows before the Dijkstra-like augmenting phase
// handles the rest, one row at a time. Large problems that column reduction leaves
// unsettled first try a shortcut through the sparse solver (candidates.go).
//
// Rectangular problems (n rows < m columns) need one extra invariant for the result to be
// optimal: every column that ends unassigned must carry the highest price. Starting
// from v = 0 and only ever lowering the price of a column as it becomes assigned keeps
// it, so rectangular problems skip column reduction and reduction transfer, which would
// break it, and begin with augmenting row reduction from v = 0.

// lapjv assigns every row of the n×m row-major matrix c (n ≤ m) to its own column at the
// least total cost, and returns the column of each row. Every row must be assignable:
// the allowed pairs must admit a matching that covers all rows.
func lapjv(c []float64, n, m int) ([]int, error) {
	x := filled(n, -1) // column of each row
	y := filled(m, -1) // row of each column
	v := make([]float64, m)
	var free []int
	if n == m {
		free = columnReduction(c, n, x, y, v)
	} else {
		free = make([]int, n)
		for i := range free {
			free[i] = i
		}
	}
	if len(free) > 0 && n >= candidateMinRows && m > candidatesPerRow {
		// A large problem that column reduction does not settle: try the candidate graph
		// (see candidates.go) before the full augmenting phase.
		if xs, ok := solveByCandidates(c, n, m, candidatesPerRow); ok {
			return xs, nil
		}
	}
	for pass := 0; pass < 2 && len(free) > 0; pass++ {
		free = augmentingRowReduction(c, m, x, y, v, free)
	}
	if len(free) > 0 {
		if err := augmentRows(c, m, x, y, v, free); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// columnReduction gives each column of the square matrix c the price of its cheapest
// row, assigns each row at most one of the columns where it is cheapest, then transfers
// as much of the reduction as possible to rows holding exactly one such column. It
// returns the rows left unassigned.
func columnReduction(c []float64, n int, x, y []int, v []float64) []int {
	// Column minima, scanned row by row so the matrix is read in memory order; the first
	// (lowest) row wins ties.
	argmin := make([]int, n)
	copy(v, c[:n])
	for i := 1; i < n; i++ {
		row := c[i*n : i*n+n]
		for j, h := range row {
			if h < v[j] {
				v[j] = h
				argmin[j] = i
			}
		}
	}
	matches := make([]int32, n)
	for j := n - 1; j >= 0; j-- {
		i := argmin[j]
		matches[i]++
		switch {
		case matches[i] == 1:
			x[i], y[j] = j, i
		case v[j] < v[x[i]]:
			y[x[i]] = -1
			x[i], y[j] = j, i
		}
	}

	// Reduction transfer.
	free := make([]int, 0, n)
	for i := range n {
		switch matches[i] {
		case 0:
			free = append(free, i)
		case 1:
			j1 := x[i]
			row := c[i*n : i*n+n]
			u := math.Inf(1)
			for j, h := range row {
				if j != j1 {
					if h -= v[j]; h < u {
						u = h
					}
				}
			}
			if u <= math.MaxFloat64 { // a row with a single allowed column keeps its price
				v[j1] -= u
			}
		}
	}
	return free
}

// augmentingRowReduction runs one pass of augmenting row reduction over the free rows:
// each takes the column where its reduced cost is least, lowering that column's price
// until the row is indifferent between it and its second best, and the row it displaces
// tries again at once. Like an auction, a pass can run long on near ties, so after a
// bounded number of steps it stops and leaves the remaining rows to augmentRows. It
// returns the rows still free.
func augmentingRowReduction(c []float64, m int, x, y []int, v []float64, free []int) []int {
	limit := 4*len(free) + 64
	steps := 0
	k, prev, nfree := 0, len(free), 0
	for k < prev {
		if steps++; steps > limit {
			nfree += copy(free[nfree:], free[k:prev])
			break
		}
		i := free[k]
		k++
		row := c[i*m : i*m+m]
		row = row[:len(v)]
		u1, u2 := row[0]-v[0], math.Inf(1)
		j1, j2 := 0, -1
		for j := 1; j < len(row); j++ {
			h := row[j] - v[j]
			if h < u2 {
				if h >= u1 {
					u2, j2 = h, j
				} else {
					u2, j2 = u1, j1
					u1, j1 = h, j
				}
			}
		}
		if u1 > math.MaxFloat64 {
			// No allowed column at all: leave it to augmentRows, which reports it.
			free[nfree] = i
			nfree++
			continue
		}
		i0 := y[j1]
		strict := u1 < u2 && u2 <= math.MaxFloat64
		switch {
		case strict:
			v[j1] -= u2 - u1
		case u1 == u2 && i0 >= 0:
			j1 = j2
			i0 = y[j2]
		}
		x[i], y[j1] = j1, i
		if i0 >= 0 {
			x[i0] = -1
			if strict {
				k--
				free[k] = i0
			} else {
				free[nfree] = i0
				nfree++
			}
		}
	}
	return free[:nfree]
}

// augmentRows assigns each free row along a shortest augmenting path in reduced costs,
// found with Dijkstra's method over the columns, and updates the prices of the columns
// scanned on the way so that reduced costs stay non-negative.
func augmentRows(c []float64, m int, x, y []int, v []float64, free []int) error {
	d := make([]float64, m)  // distance of each column from the free row
	pred := make([]int, m)   // row before each column on its shortest path
	cols := make([]int32, m) // columns: [0,low) scanned, [low,up) at distance minv, [up,m) the rest
	v = v[:len(d)]
	for _, f := range free {
		row := c[f*m : f*m+m]
		row = row[:len(d)]
		for j := range d {
			d[j] = row[j] - v[j]
			pred[j] = f
			cols[j] = int32(j)
		}
		low, up, scanned := 0, 0, 0
		minv := 0.0
		end := -1
		for end < 0 {
			if up == low {
				// Gather the columns at the next least distance.
				if up == len(cols) {
					return errNoPath // every column scanned and none free
				}
				scanned = low
				minv = d[cols[up]]
				up++
				for k := up; k < len(cols); k++ {
					j := cols[k]
					if h := d[j]; h <= minv {
						if h < minv {
							up = low
							minv = h
						}
						cols[k] = cols[up]
						cols[up] = j
						up++
					}
				}
				if minv > math.MaxFloat64 {
					return errNoPath
				}
				for k := low; k < up; k++ {
					if j := cols[k]; y[j] < 0 {
						end = int(j)
						break
					}
				}
				if end >= 0 {
					break
				}
			}
			// Scan the row holding the next column at distance minv.
			j1 := cols[low]
			low++
			i := y[j1]
			ri := c[i*m : i*m+m]
			ri = ri[:len(d)]
			h := ri[j1] - v[j1] - minv
			start := up
			for k, j := range cols[start:] {
				if dj := ri[j] - v[j] - h; dj < d[j] {
					pred[j] = i
					if dj == minv {
						if y[j] < 0 {
							end = int(j)
							break
						}
						cols[start+k] = cols[up]
						cols[up] = j
						up++
					}
					d[j] = dj
				}
			}
		}

		// Lower the prices of the scanned columns, then flip the path.
		for _, j := range cols[:scanned] {
			v[j] += d[j] - minv
		}
		for {
			i := pred[end]
			y[end] = i
			end, x[i] = x[i], end
			if i == f {
				break
			}
		}
	}
	return nil
}
