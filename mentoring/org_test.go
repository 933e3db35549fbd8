package mentoring

import "testing"

func TestCheckOrg(t *testing.T) {
	tests := []struct {
		name   string
		people []OrgPerson
		kinds  []string
	}{
		{"clean", []OrgPerson{{"UCEO", "Exec", ""}, {"UA", "Sales", "UCEO"}, {"UB", "Sales", "UA"}}, nil},
		{"unknown manager", []OrgPerson{{"UA", "Sales", "UGHOST"}}, []string{OrgUnknownManager}},
		{"self", []OrgPerson{{"UA", "Sales", "UA"}}, []string{OrgSelfManager}},
		{"cycle of three", []OrgPerson{{"UA", "S", "UB"}, {"UB", "S", "UC"}, {"UC", "S", "UA"}}, []string{OrgCycle}},
		{"duplicate", []OrgPerson{{"UA", "S", ""}, {"UA", "T", ""}}, []string{OrgDuplicate}},
		{"no department", []OrgPerson{{"UA", "", ""}}, []string{OrgNoDepartment}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckOrg(tt.people, nil)
			if len(got) != len(tt.kinds) {
				t.Fatalf("problems %v, want kinds %v", got, tt.kinds)
			}
			for i, p := range got {
				if p.Kind != tt.kinds[i] {
					t.Fatalf("problem %d = %v, want %s", i, p, tt.kinds[i])
				}
			}
		})
	}
}
