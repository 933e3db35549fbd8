package match

import (
	"math/rand/v2"
	"testing"
)

// The benchmarks mirror the targets in DESIGN.md. Uniform random costs are what scipy's
// own benchmarks of linear_sum_assignment use; integer costs in [0, 1000) have many ties,
// which is closer to scores built from a few weighted criteria.

func uniformDense(n int, seed uint64) Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	d := NewDense(n, n)
	for i := range d.Data {
		d.Data[i] = rng.Float64()
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
		if a.Assigned != d.Rows {
			b.Fatalf("assigned %d of %d", a.Assigned, d.Rows)
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
