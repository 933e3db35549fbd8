package mentoring

import (
	"fmt"
	"slices"
)

// Kinds of problem found in imported org data.
const (
	OrgUnknownManager = "unknown_manager" // the manager has no row of their own
	OrgSelfManager    = "self_manager"    // a person is their own manager
	OrgCycle          = "cycle"           // following managers leads back to the start
	OrgDuplicate      = "duplicate"       // the same person appears twice
	OrgNoDepartment   = "no_department"   // a row without a department
)

// OrgProblem is one thing wrong with imported org data.
type OrgProblem struct {
	Line   int // 1-based line of the row in the file, 0 when not tied to one row
	UserID string
	Kind   string
	Detail string
}

// String describes the problem for an operator.
func (p OrgProblem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", p.Line, p.UserID, p.Detail)
	}
	return fmt.Sprintf("%s: %s", p.UserID, p.Detail)
}

// CheckOrg finds what is wrong with org data before it is used for reporting lines:
// unknown managers, people who manage themselves, cycles, duplicates and missing
// departments. lines gives each row's line number (same order as people); it may be nil.
func CheckOrg(people []OrgPerson, lines []int) []OrgProblem {
	var out []OrgProblem
	line := func(i int) int {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	byID := map[string]int{}
	for i, p := range people {
		if j, dup := byID[p.UserID]; dup {
			out = append(out, OrgProblem{Line: line(i), UserID: p.UserID, Kind: OrgDuplicate,
				Detail: fmt.Sprintf("appears again (first on line %d)", line(j))})
			continue
		}
		byID[p.UserID] = i
	}
	for i, p := range people {
		switch {
		case p.Department == "":
			out = append(out, OrgProblem{Line: line(i), UserID: p.UserID, Kind: OrgNoDepartment, Detail: "has no department"})
		}
		switch _, known := byID[p.ManagerID]; {
		case p.ManagerID == "":
		case p.ManagerID == p.UserID:
			out = append(out, OrgProblem{Line: line(i), UserID: p.UserID, Kind: OrgSelfManager, Detail: "is their own manager"})
		case !known:
			out = append(out, OrgProblem{Line: line(i), UserID: p.UserID, Kind: OrgUnknownManager,
				Detail: fmt.Sprintf("manager %s has no row of their own", p.ManagerID)})
		}
	}
	// Cycles: walk up from each person; report each cycle once, by its smallest member.
	reported := map[string]bool{}
	for _, p := range people {
		path := []string{p.UserID}
		seen := map[string]bool{p.UserID: true}
		for cur := p.UserID; ; {
			i, ok := byID[cur]
			if !ok {
				break
			}
			next := people[i].ManagerID
			if next == "" || next == cur {
				break
			}
			if seen[next] {
				start := slices.Index(path, next)
				cycle := slices.Clone(path[start:])
				first := slices.Min(cycle)
				if !reported[first] {
					reported[first] = true
					out = append(out, OrgProblem{UserID: first, Kind: OrgCycle,
						Detail: fmt.Sprintf("reporting lines go round in a circle: %v", append(cycle, next))})
				}
				break
			}
			seen[next] = true
			path = append(path, next)
			cur = next
		}
	}
	return out
}
