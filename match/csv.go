package match

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
)

// ParseError reports a line or cell of a costs CSV that ReadCostsCSV cannot use.
type ParseError struct {
	Line  int // 1-based line of the input
	Field int // 1-based field of the record; 0 when the whole record is at fault
	Err   error
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Field == 0 {
		return fmt.Sprintf("match: costs CSV line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("match: costs CSV line %d, field %d: %v", e.Line, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// ReadCostsCSV reads a dense cost matrix from CSV: one record per row (mentors), one field
// per column (mentees), no header. A field is a number, or empty or "inf" (any case, with
// an optional "+") for a forbidden pair; spaces around it are ignored. Every record must
// have the same number of fields. NaN and -Inf are rejected like text that is not a
// number, with the line and field in the error.
//
// encoding/csv skips blank lines, so in a one-column matrix a forbidden cell must be
// written "inf" rather than left empty.
func ReadCostsCSV(r io.Reader) (Dense, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<20))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // checked below, to report it our way
	var d Dense
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return d, nil
		}
		if err != nil {
			return Dense{}, fmt.Errorf("match: costs CSV: %w", err)
		}
		if d.Rows == 0 {
			d.Cols = len(rec)
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
			d.Data = make([]float64, 0, estimateCells(r, cr.InputOffset(), d.Cols))
		} else if len(rec) != d.Cols {
			line, _ := cr.FieldPos(0)
			return Dense{}, &ParseError{Line: line, Err: fmt.Errorf("%d fields, want %d like the first line: %w", len(rec), d.Cols, ErrMalformed)}
		}
		for f, s := range rec {
			c, err := parseCost(s)
			if err != nil {
				line, _ := cr.FieldPos(f)
				return Dense{}, &ParseError{Line: line, Field: f + 1, Err: err}
			}
			d.Data = append(d.Data, c)
		}
		d.Rows++
	}
}

// estimateCells guesses the size of the matrix from the length of its first line when r
// is a file, so that a large matrix is read into one allocation instead of a growing one.
func estimateCells(r io.Reader, firstLine int64, cols int) int {
	f, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok || firstLine <= 0 {
		return cols
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return cols
	}
	rows := info.Size()/firstLine + 1
	cells := rows * int64(cols)
	cells += cells / 16                  // lines vary in length
	if cells > info.Size()+int64(cols) { // every cell takes at least one byte
		cells = info.Size() + int64(cols)
	}
	return int(cells)
}

// parseCost reads one CSV field as a cost.
func parseCost(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.Inf(1), nil
	}
	c, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("%q is out of the range of float64: %w", s, ErrInvalidCost)
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if c != c || math.IsInf(c, -1) {
		return 0, fmt.Errorf("%q: %w", s, ErrInvalidCost)
	}
	return c, nil
}
