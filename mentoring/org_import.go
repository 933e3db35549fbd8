package mentoring

import (
	"context"
	"fmt"
	"slices"
)

// OrgImport is what an org chart import stored.
type OrgImport struct {
	People, Departments, Managers int
}

// OrgStore is what the org chart use cases need of persistence.
type OrgStore interface {
	ReplaceOrg(ctx context.Context, people []OrgPerson) error
}

// ImportOrg replaces the imported org chart with people: rows already resolved to Slack
// user IDs, as HR's export or the demo's organisation gives them (the command line
// import parses its CSV file and resolves e-mail addresses itself). lines gives each
// row's line in the file, for the problems; it may be nil. Rows with problems (see
// CheckOrg) are refused all together with an EINVALID error whose Data["Problems"]
// lists them ([]OrgProblem); nothing is stored then. Only HR admins may import.
func (s *Service) ImportOrg(ctx context.Context, by string, people []OrgPerson, lines []int) (OrgImport, error) {
	if err := s.requireAdmin(by); err != nil {
		return OrgImport{}, err
	}
	if problems := CheckOrg(people, lines); len(problems) > 0 {
		return OrgImport{}, &Error{Code: EINVALID, MessageKey: "org_refused",
			Data: map[string]any{"Problems": problems, "N": len(problems)}}
	}
	if err := s.orgs.ReplaceOrg(ctx, people); err != nil {
		return OrgImport{}, fmt.Errorf("import org: %w", err)
	}
	depts, managers := map[string]bool{}, map[string]bool{}
	for _, p := range people {
		depts[DepartmentKey(p.Department)] = true
		if p.ManagerID != "" {
			managers[p.ManagerID] = true
		}
	}
	return OrgImport{People: len(people), Departments: len(depts), Managers: len(managers)}, nil
}

// OrgGaps is where reporting lines are known only in part: managers whom participants
// named but who have neither joined nor a row in the imported org chart, so that nobody
// knows who is above them.
type OrgGaps struct {
	People   int      // participants taking part whose reporting line stops at such a manager
	Managers []string // those managers, sorted
}

// OrgGaps finds where participants' reporting lines are known only in part. While there
// are any, HR is asked to import the org chart: a pair could otherwise put someone with
// their manager's manager.
func (s *Service) OrgGaps(ctx context.Context) (OrgGaps, error) {
	w, err := s.rounds.RoundWorld(ctx, 0)
	if err != nil {
		return OrgGaps{}, fmt.Errorf("org gaps: %w", err)
	}
	in := pairingInputOf(w, s.clock.Now())
	var g OrgGaps
	for _, p := range w.Participants {
		if p.Status == StatusLeft {
			continue
		}
		above := in.UnknownAbove(p.UserID)
		if len(above) == 0 {
			continue
		}
		g.People++
		for _, m := range above {
			if !slices.Contains(g.Managers, m) {
				g.Managers = append(g.Managers, m)
			}
		}
	}
	slices.Sort(g.Managers)
	return g, nil
}
