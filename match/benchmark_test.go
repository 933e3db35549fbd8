package match

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The benchmarks mirror the targets in README.md (Measured). Uniform random costs are what scipy's
// own benchmarks of linear_sum_assignment use; integer costs in [0, 1000) have many ties,
// which is closer to scores built from a few weighted criteria.

func uniformDense(n int, seed uint64) Dense { return uniformRect(n, n, seed) }

func uniformRect(rows, cols int, seed uint64) Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := NewDense(rows, cols)
	for i := range d.Data {
		d.Data[i] = rng.Float64()
	}
	return d
}

func integerRect(rows, cols int, seed uint64) Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	d := NewDense(rows, cols)
	for i := range d.Data {
		d.Data[i] = float64(rng.IntN(1000))
	}
	return d
}

func integerDense(n int, seed uint64) Dense {
	rng := rand.New(rand.NewPCG(seed, 2))
	d := NewDense(n, n)
	for i := range d.Data {
		d.Data[i] = float64(rng.IntN(1000))
	}
	return d
}

// candidateSparse gives each of n rows k distinct random columns out of n, at uniform
// random costs.
func candidateSparse(n, k int, seed uint64) Sparse {
	rng := rand.New(rand.NewPCG(seed, 3))
	g := Sparse{Rows: n, Cols: n, Start: make([]int, 1, n+1), Col: make([]int, 0, n*k), Cost: make([]float64, 0, n*k)}
	seen := make([]int, n)
	for r := range n {
		for len(g.Col)-g.Start[r] < k {
			c := rng.IntN(n)
			if seen[c] == r+1 {
				continue
			}
			seen[c] = r + 1
			g.Col = append(g.Col, c)
			g.Cost = append(g.Cost, rng.Float64())
		}
		g.Start = append(g.Start, len(g.Col))
	}
	return g
}

func benchmarkDense(b *testing.B, d Dense) {
	b.ReportAllocs()
	for b.Loop() {
		a, err := SolveDense(d)
		if err != nil {
			b.Fatal(err)
		}
		if a.Assigned != min(d.Rows, d.Cols) {
			b.Fatalf("assigned %d of %d", a.Assigned, min(d.Rows, d.Cols))
		}
	}
}

func BenchmarkDense2000(b *testing.B)    { benchmarkDense(b, uniformDense(2000, 1)) }
func BenchmarkDense2000Int(b *testing.B) { benchmarkDense(b, integerDense(2000, 1)) }

func BenchmarkDense5000(b *testing.B) {
	if testing.Short() {
		b.Skip("5000×5000 takes seconds per solve")
	}
	benchmarkDense(b, uniformDense(5000, 1))
}

func BenchmarkDense5000Int(b *testing.B) {
	if testing.Short() {
		b.Skip("5000×5000 takes seconds per solve")
	}
	benchmarkDense(b, integerDense(5000, 1))
}

// costsDir, when set, makes BenchmarkDenseShapes write each matrix it solves to a CSV
// there, to time other solvers on the very same input:
//
//	go test ./match -run '^$' -bench DenseShapes -args -costs-dir DIR
//	reverse-mentor bench match --costs DIR/uniform-1500x2500.csv --json
var costsDir = flag.String("costs-dir", "", "write the matrices of BenchmarkDenseShapes as CSV files to this directory")

// BenchmarkDenseShapes covers square and rectangular shapes both ways round, since
// pairing rounds are rarely balanced.
func BenchmarkDenseShapes(b *testing.B) {
	shapes := [][2]int{{2000, 2000}, {3000, 3000}, {1500, 2500}, {2500, 1500}, {500, 5000}, {5000, 500}}
	for _, shape := range shapes {
		for _, kind := range []struct {
			name string
			gen  func(rows, cols int, seed uint64) Dense
		}{{"uniform", uniformRect}, {"integer", integerRect}} {
			name := fmt.Sprintf("%s-%dx%d", kind.name, shape[0], shape[1])
			b.Run(name, func(b *testing.B) {
				d := kind.gen(shape[0], shape[1], 1)
				if *costsDir != "" {
					if err := writeCostsCSV(filepath.Join(*costsDir, name+".csv"), d); err != nil {
						b.Fatal(err)
					}
				}
				benchmarkDense(b, d)
			})
		}
	}
}

// writeCostsCSV writes d in the format ReadCostsCSV reads.
func writeCostsCSV(path string, d Dense) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for r := range d.Rows {
		for c, x := range d.Row(r) {
			if c > 0 {
				w.WriteByte(',')
			}
			w.WriteString(formatCost(x))
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func BenchmarkSparse20000x50(b *testing.B) {
	g := candidateSparse(20000, 50, 1)
	b.ReportAllocs()
	for b.Loop() {
		a, err := SolveSparse(g)
		if err != nil {
			b.Fatal(err)
		}
		if a.Assigned < g.Rows*99/100 {
			b.Fatalf("assigned only %d of %d", a.Assigned, g.Rows)
		}
	}
}

// BenchmarkSparseCapacity10000x50 is a large round's matching: ten thousand mentors with
// room for one to three mentees each, fifty candidates apiece, ten thousand mentees.
func BenchmarkSparseCapacity10000x50(b *testing.B) {
	g := candidateSparse(10000, 50, 2)
	rng := rand.New(rand.NewPCG(2, 4))
	capacity := make([]int, g.Rows)
	for r := range capacity {
		capacity[r] = 1 + rng.IntN(3)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := SolveSparseCapacity(g, capacity)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Pairs) < g.Cols*99/100 {
			b.Fatalf("assigned only %d of %d", len(p.Pairs), g.Cols)
		}
	}
}
