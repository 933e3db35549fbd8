package mentoring_test

import (
	"context"
	"slices"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// The case from the demo: a junior's manager never joined and no org chart was imported,
// so nothing says the CEO is above that manager. The pair is proposed, but flagged with
// the manager above whom the line is unknown, and HR is asked for the org chart; once it
// is imported the pair is forbidden and nothing is flagged.
func TestProposeRound_FlagsReportingLinesKnownOnlyInPartUntilTheOrgChartIsImported(t *testing.T) {
	svc, _ := newRoundService(t)
	ctx := context.Background()
	join(t, svc, "UCEO", mentoring.RoleMentee, "Board", "")
	join(t, svc, "UJUN", mentoring.RoleMentor, "Sales", "UMGR") // UMGR never joins
	r, err := svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r.Proposal.Pairs) != 1 {
		t.Fatalf("%+v %v", r.Proposal, err)
	}
	if got := r.Proposal.Pairs[0].UnknownAbove; !slices.Equal(got, []string{"UMGR"}) {
		t.Fatalf("unknown above %v, want UMGR", got)
	}
	gaps, err := svc.OrgGaps(ctx)
	if err != nil || gaps.People != 1 || !slices.Equal(gaps.Managers, []string{"UMGR"}) {
		t.Fatalf("gaps %+v %v", gaps, err)
	}

	// A chart with a problem is refused whole, naming the problem.
	bad := []mentoring.OrgPerson{{UserID: "UJUN", Department: "Sales", ManagerID: "UNOBODY"}}
	if _, err := svc.ImportOrg(ctx, "UHR", bad, nil); mentoring.ErrorCode(err) != mentoring.EINVALID {
		t.Fatalf("a chart with an unknown manager: %v", err)
	}
	if _, err := svc.ImportOrg(ctx, "UJUN", nil, nil); mentoring.ErrorCode(err) != mentoring.EFORBIDDEN {
		t.Fatalf("a non-admin imported the org chart: %v", err)
	}
	chart := []mentoring.OrgPerson{
		{UserID: "UCEO", Department: "Board"},
		{UserID: "UMGR", Department: "Sales", ManagerID: "UCEO"},
		{UserID: "UJUN", Department: "Sales", ManagerID: "UMGR"},
	}
	got, err := svc.ImportOrg(ctx, "UHR", chart, nil)
	if err != nil || got != (mentoring.OrgImport{People: 3, Departments: 2, Managers: 2}) {
		t.Fatalf("import %+v %v", got, err)
	}
	r, err = svc.ProposeRound(ctx, "UHR")
	if err != nil || len(r.Proposal.Pairs) != 0 {
		t.Fatalf("the CEO is still paired with a junior three levels below: %+v %v", r.Proposal, err)
	}
	if gaps, _ := svc.OrgGaps(ctx); gaps.People != 0 {
		t.Fatalf("gaps after the import %+v", gaps)
	}
}
