package demo

import (
	"context"
	"fmt"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// importOrg has HR import the org chart from the HR system's export, as they would with
// `reverse-mentor import-org`, before anyone joins: departments and reporting lines, so
// no one is paired inside their own reporting line. The export lacks one team (a recent
// reorganisation), so a few reporting lines stay known only in part, and the pairing
// preview will say so.
func (s *script) importOrg(ctx context.Context) error {
	missing := s.missingTeam()
	s.heading("scene_org", missing)
	var rows []mentoring.OrgPerson
	for _, m := range s.org.Members {
		if m.Department == missing {
			continue
		}
		rows = append(rows, mentoring.OrgPerson{UserID: m.ID, Department: m.Department, ManagerID: m.ManagerID})
	}
	res, err := s.svc.ImportOrg(ctx, s.org.AdminID, rows, nil)
	if err != nil {
		return fmt.Errorf("demo: import the org chart: %w", err)
	}
	s.outcome("note_org", res.People, res.Departments, res.Managers)
	return s.step(ctx)
}

// missingTeam is the department left out of the HR system's export: one with a manager
// who does not take part but has a junior who does, so that junior's reporting line is
// known only up to that manager.
func (s *script) missingTeam() string {
	joins := s.joiners()
	taking := map[string]bool{}
	for _, m := range joins {
		taking[m.ID] = true
	}
	for _, m := range joins {
		boss, ok := s.members[m.ManagerID]
		if !m.Senior && ok && !taking[boss.ID] && boss.Department == m.Department {
			return m.Department
		}
	}
	return s.org.Members[len(s.org.Members)-1].Department
}
