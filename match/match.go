// Package match solves the pairing of a round as an optimal assignment: rows (mentors, or
// mentor capacity slots) against columns (mentees), each pair with a cost, some pairs
// forbidden. Among all assignments it picks one that pairs as many rows as possible and,
// among those, has the least total cost. It is pure computation on numbers: it knows
// nothing of people, rules or scores, keeps no state and imports only the standard library.
//
// There are two solvers. SolveDense takes a full cost matrix and suits rounds of up to a
// few thousand people on each side. SolveSparse takes only the candidate pairs of each row
// and suits large organisations where every mentor has a few dozen plausible mentees.
// Both give the same answer on the same candidate pairs. SolveDenseCapacity and
// SolveSparseCapacity let a row take more than one column, and spread the columns over
// the rows before any row takes a second: cost never buys a row's second slot while
// another row's first could serve.
//
// Costs are float64. math.Inf(1) marks a forbidden pair; NaN and math.Inf(-1) are rejected.
// Negative costs are allowed. Totals are exact when every cost is an integer and the sums
// stay below 2^53; otherwise they carry ordinary floating-point rounding, and two
// assignments whose totals differ by less than that rounding are treated as equal.
// Inputs are never modified, and the same input always gives the same assignment.
package match

import (
	"errors"
	"fmt"
	"math"
)

// Assignment is the result of a solve: which column each row got.
type Assignment struct {
	// RowToCol holds the column assigned to each row, or -1 when the row is unassigned.
	RowToCol []int
	// Assigned is the number of assigned rows: the largest number possible without
	// forbidden pairs.
	Assigned int
	// Total is the sum of the costs of the assigned pairs: the least possible among
	// assignments with Assigned pairs.
	Total float64
}

// ColToRow returns, for a problem with cols columns, the row assigned to each column, or -1.
func (a Assignment) ColToRow(cols int) []int {
	out := make([]int, cols)
	for c := range out {
		out[c] = -1
	}
	for r, c := range a.RowToCol {
		if c >= 0 && c < cols {
			out[c] = r
		}
	}
	return out
}

// Pair is one assigned row and column.
type Pair struct {
	Row, Col int
}

// Errors returned by the solvers and readers. Match them with errors.Is; the returned
// errors wrap them with the position or value at fault.
var (
	// ErrInvalidCost: a cost is NaN or -Inf.
	ErrInvalidCost = errors.New("invalid cost")
	// ErrCostRange: finite costs so large, or so far apart, that the solvers' sums could
	// overflow float64: four times the largest magnitude plus four times the spread
	// (greatest minus least) times the smaller side of the problem must stay below about
	// 1e307. Scores of any practical scale are far inside it.
	ErrCostRange = errors.New("costs out of range")
	// ErrMalformed: the shape of the input is inconsistent (a Dense whose Data does not
	// hold Rows×Cols values, a Sparse with bad offsets, out-of-range or repeated columns,
	// a ragged CSV row).
	ErrMalformed = errors.New("malformed input")
	// ErrInvalidCapacity: a capacity slice of the wrong length or with a negative value.
	ErrInvalidCapacity = errors.New("invalid capacity")
)

// CostError reports a cost the solvers refuse, with its position.
type CostError struct {
	Row, Col int
	Value    float64
}

// Error implements error.
func (e *CostError) Error() string {
	return fmt.Sprintf("match: cost at row %d, column %d is %v: %v", e.Row, e.Col, e.Value, ErrInvalidCost)
}

// Unwrap returns ErrInvalidCost.
func (e *CostError) Unwrap() error { return ErrInvalidCost }

// compensatedSum is a Neumaier sum: the total of thousands of pairs comes out as the
// correctly rounded sum in nearly every case, whatever the order of the pairs.
type compensatedSum struct{ sum, carry float64 }

func (t *compensatedSum) add(x float64) {
	s := t.sum + x
	if math.Abs(t.sum) >= math.Abs(x) {
		t.carry += (t.sum - s) + x
	} else {
		t.carry += (x - s) + t.sum
	}
	t.sum = s
}

func (t *compensatedSum) value() float64 { return t.sum + t.carry }

// errNoPath means the solver's own precondition broke: a row that had to be assignable
// found no augmenting path. It is a bug, reported rather than looped on.
var errNoPath = errors.New("match: internal error: no augmenting path for a row that must be assignable")
