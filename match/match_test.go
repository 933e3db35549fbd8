package match

import (
	"slices"
	"testing"
)

func TestAssignment_ColToRow(t *testing.T) {
	a := Assignment{RowToCol: []int{2, -1, 0}, Assigned: 2}
	if got, want := a.ColToRow(4), []int{2, -1, 0, -1}; !slices.Equal(got, want) {
		t.Fatalf("ColToRow = %v, want %v", got, want)
	}
}
