package mentoring

import (
	"strings"
	"testing"
)

func validProfile() Profile {
	return Profile{Role: RoleMentor, Department: "Sales", Topics: []string{"genai"}, Languages: []Lang{LangJA},
		Cadence: CadenceWeekly, Capacity: 1, Consent: true}
}

func TestProfile_Validate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Profile)
		field  string // "" = valid
	}{
		{"valid", func(*Profile) {}, ""},
		{"free text instead of topics", func(p *Profile) { p.Topics = nil; p.FreeTopics = "動画編集" }, ""},
		{"no role", func(p *Profile) { p.Role = "" }, "role"},
		{"department blank", func(p *Profile) { p.Department = " \u3000\t" }, "department"},
		{"department too long", func(p *Profile) { p.Department = strings.Repeat("部", MaxDepartmentLen+1) }, "department"},
		{"department at the limit", func(p *Profile) { p.Department = strings.Repeat("部", MaxDepartmentLen) }, ""},
		{"manager is self", func(p *Profile) { p.ManagerID = "U0SELF" }, "manager"},
		{"manager not an ID", func(p *Profile) { p.ManagerID = "<!here>" }, "manager"},
		{"unknown topic", func(p *Profile) { p.Topics = []string{"astrology"} }, "topics"},
		{"no topic at all", func(p *Profile) { p.Topics = nil }, "topics"},
		{"free text too long", func(p *Profile) { p.FreeTopics = strings.Repeat("a", MaxFreeTopicsLen+1) }, "free_topics"},
		{"no language", func(p *Profile) { p.Languages = nil }, "languages"},
		{"bad cadence", func(p *Profile) { p.Cadence = "hourly" }, "cadence"},
		{"mentor capacity zero", func(p *Profile) { p.Capacity = 0 }, "capacity"},
		{"mentor capacity four", func(p *Profile) { p.Capacity = 4 }, "capacity"},
		{"mentee capacity ignored", func(p *Profile) { p.Role = RoleMentee; p.Capacity = 9 }, ""},
		{"no consent", func(p *Profile) { p.Consent = false }, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProfile()
			tt.change(&p)
			errs := p.Normalize().Validate("U0SELF", DefaultCatalogue())
			if tt.field == "" {
				if errs != nil {
					t.Fatalf("unexpected errors %v", errs)
				}
				return
			}
			if _, ok := errs[tt.field]; !ok {
				t.Fatalf("want an error on %s, got %v", tt.field, errs)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := map[string]string{
		"  Sales  ":         "Sales",
		"Ｓａｌｅｓ":             "Sales",
		"a\u3000\t b":       "a b",
		"x\u200by\u202ez":   "xyz",
		"line1\nline2":      "line1\nline2",
		"\xff\xfebad":       "\uFFFDbad",
		"👩\u200d💻 engineer": "👩\u200d💻 engineer",
		"ｶﾀｶﾅ":              "カタカナ",
		"\x00\x01ctrl\x7f":  "ctrl",
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDepartmentKey_TreatsVariantsAsOne(t *testing.T) {
	for _, d := range []string{"Sales", " sales ", "ＳＡＬＥＳ", "SALES"} {
		if DepartmentKey(d) != DepartmentKey("Sales") {
			t.Errorf("%q differs", d)
		}
	}
	if DepartmentKey("Sales") == DepartmentKey("Marketing") {
		t.Error("different departments compare equal")
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"ja": LangJA, "ja-JP": LangJA, "en-US": LangEN, "EN": LangEN, "fr-FR": "", "": "", "j": ""} {
		got, ok := ParseLang(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseLang(%q) = %q, %v", in, got, ok)
		}
	}
}
