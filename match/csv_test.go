package match

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadCostsCSV_Reads(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name string
		in   string
		want Dense
	}{
		{"empty", "", Dense{}},
		{"one cell", "3\n", Dense{Rows: 1, Cols: 1, Data: []float64{3}}},
		{"no final newline", "1,2\n3,4", Dense{Rows: 2, Cols: 2, Data: []float64{1, 2, 3, 4}}},
		{"CRLF", "1,2\r\n3,4\r\n", Dense{Rows: 2, Cols: 2, Data: []float64{1, 2, 3, 4}}},
		{"forbidden cells", "1,,inf\nINF,+Inf, +inf \n", Dense{Rows: 2, Cols: 3, Data: []float64{1, inf, inf, inf, inf, inf}}},
		{"numbers", " -1.5 ,2e3,0x1p4,  7\n", Dense{Rows: 1, Cols: 4, Data: []float64{-1.5, 2000, 16, 7}}},
		{"quoted", "\"1\",\" 2 \"\n", Dense{Rows: 1, Cols: 2, Data: []float64{1, 2}}},
		{"byte order mark", "\ufeff1,2\n", Dense{Rows: 1, Cols: 2, Data: []float64{1, 2}}},
		{"one column with inf", "1\ninf\n2\n", Dense{Rows: 3, Cols: 1, Data: []float64{1, inf, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCostsCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got.Rows != tt.want.Rows || got.Cols != tt.want.Cols || !slices.Equal(got.Data, tt.want.Data) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadCostsCSV_RejectsWithPosition(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		line, field int
		is          error
	}{
		{"ragged", "1,2,3\n4,5,6\n7,8\n", 3, 0, ErrMalformed},
		{"too long", "1,2\n3,4,5\n", 2, 0, ErrMalformed},
		{"not a number", "1,2\n3,abc\n", 2, 2, nil},
		{"NaN", "1,NaN\n", 1, 2, ErrInvalidCost},
		{"minus inf", "1,2\n-inf,4\n", 2, 1, ErrInvalidCost},
		{"out of range", "1e400\n", 1, 1, ErrInvalidCost},
		{"after a blank line", "1,2\n\n3,x\n", 3, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCostsCSV(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Field != tt.field {
				t.Fatalf("got line %d field %d (%v), want line %d field %d", pe.Line, pe.Field, err, tt.line, tt.field)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("got %v, want it to match %v", err, tt.is)
			}
		})
	}
}

func TestReadCostsCSV_BadQuoting(t *testing.T) {
	if _, err := ReadCostsCSV(strings.NewReader("1,\"2\n")); err == nil {
		t.Fatal("want an error for an unterminated quote")
	}
}

func TestReadCostsCSV_FileRoundTrip(t *testing.T) {
	// A file, so the size estimate is used; the result must not depend on it.
	d := randomDense(newRand(8), 37, 23, costKinds[3], 0.2)
	var b strings.Builder
	for r := range d.Rows {
		for c, x := range d.Row(r) {
			if c > 0 {
				b.WriteByte(',')
			}
			if !math.IsInf(x, 1) {
				b.WriteString(formatCost(x))
			}
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "costs.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadCostsCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Rows != d.Rows || got.Cols != d.Cols || !slices.Equal(got.Data, d.Data) {
		t.Fatalf("read back a different matrix")
	}
}
