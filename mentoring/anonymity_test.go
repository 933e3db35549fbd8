package mentoring_test

import (
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestAnonymity_CountsAndMeansOfFewerThanKAreHidden(t *testing.T) {
	a := mentoring.Anonymity{K: 5}
	for _, tt := range []struct {
		n      int
		hidden bool
	}{{0, false}, {1, true}, {4, true}, {5, false}, {120, false}} {
		if got := a.Count(tt.n); got.Hidden != tt.hidden {
			t.Errorf("Count(%d).Hidden = %v", tt.n, got.Hidden)
		}
	}
	if !a.Mean(3.2, 4).Hidden || a.Mean(3.2, 5).Hidden || !a.Mean(0, 0).Hidden {
		t.Error("means of fewer than 5 people must be hidden, of 5 shown, of nobody hidden")
	}
}

func hiddenNames(gs []mentoring.GroupShown) []string {
	var out []string
	for _, g := range gs {
		if g.Hidden {
			out = append(out, g.Name)
		}
	}
	return out
}

func TestAnonymity_BreakdownNeverLetsSubtractionRevealAGroup(t *testing.T) {
	a := mentoring.Anonymity{K: 5}
	for _, tt := range []struct {
		name   string
		groups []mentoring.Group
		hidden []string
		ok     bool
	}{
		{"every group large enough", []mentoring.Group{{Name: "Sales", People: 5}, {Name: "Eng", People: 9}}, nil, true},
		// A department of 4 among departments of 5: hiding it alone, total 14 less 5 and 5
		// would give 4 away, so a second group is hidden with it.
		{"a department of 4 among departments of 5",
			[]mentoring.Group{{Name: "Sales", People: 5}, {Name: "Eng", People: 5}, {Name: "Finance", People: 4}},
			[]string{"Sales", "Finance"}, true},
		// Two small groups hidden together still hold fewer than 5 people: their sum
		// would be a figure over 3 people, so a third is hidden.
		{"two small groups", []mentoring.Group{{Name: "A", People: 1}, {Name: "B", People: 2}, {Name: "C", People: 8}, {Name: "D", People: 9}},
			[]string{"A", "B", "C"}, true},
		{"mentors and mentees, one too small", []mentoring.Group{{Name: "mentor", People: 12}, {Name: "mentee", People: 3}},
			[]string{"mentor", "mentee"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			shown, ok := a.Breakdown(tt.groups)
			if ok != tt.ok || !equalStrings(hiddenNames(shown), tt.hidden) {
				t.Fatalf("hidden %v ok=%v, want %v ok=%v", hiddenNames(shown), ok, tt.hidden, tt.ok)
			}
			// Whatever is shown, the total less the shown groups is a figure over at
			// least K people, or over nobody.
			total, visible := 0, 0
			for _, g := range shown {
				total += g.People
				if !g.Hidden {
					visible += g.People
				}
			}
			if rest := total - visible; rest > 0 && rest < a.K {
				t.Fatalf("subtraction reveals a figure over %d people", rest)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
