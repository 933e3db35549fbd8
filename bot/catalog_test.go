package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestCatalog_BothLanguagesHaveEveryKey(t *testing.T) {
	ja, err := catalogKeys(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	en, err := catalogKeys(mentoring.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range en {
		if !slices.Contains(ja, k) {
			t.Errorf("ja.yaml lacks %q", k)
		}
	}
	for _, k := range ja {
		if !slices.Contains(en, k) {
			t.Errorf("en.yaml lacks %q", k)
		}
	}
}

// TestCatalog_EveryKeyUsedInCodeExists finds message keys in the Go sources of this
// package and of the domain (which names keys in its errors) and checks each is defined.
func TestCatalog_EveryKeyUsedInCodeExists(t *testing.T) {
	keys, err := catalogKeys(mentoring.LangEN)
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`"((?:join|error|help|command|lang|status|home|admin|button|guidelines|joined|profile|role|cadence|modal)_[a-z0-9_]+)"`)
	var files []string
	for _, dir := range []string{".", "../mentoring"} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], "_") && !slices.Contains(keys, m[1]) {
				t.Errorf("%s uses undefined message %q", f, m[1])
			}
		}
	}
}

func TestCatalog_TemplatesRenderWithoutGaps(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := catalogKeys(mentoring.LangEN)
	data := map[string]any{"Name": "Aiko", "Text": "x", "Max": 80, "MaxCap": 3, "MaxTopN": 10, "N": 2,
		"Since": "2026-04-01", "Until": "2026-05-01", "Role": "r", "Department": "d", "Manager": "m",
		"Topics": "t", "Languages": "l", "Cadence": "c", "Capacity": 1, "Mentor": true,
		"Joined": 1, "Active": 1, "Paused": 0, "Left": 0, "Mentors": 1, "Mentees": 0}
	for _, l := range mentoring.Langs {
		for _, k := range keys {
			s := cat.T(l, k, data)
			if s == "" || strings.HasPrefix(s, "[") || strings.Contains(s, "<no value>") {
				t.Errorf("%s %s renders %q", l, k, s)
			}
		}
	}
}
