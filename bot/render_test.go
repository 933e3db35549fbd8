package bot

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares v, as indented JSON, with testdata/golden/name.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file; run go test ./bot -run %s -update and review the diff", path, t.Name())
	}
}

func sampleParticipant() mentoring.Participant {
	return mentoring.Participant{
		UserID: "U0MENTOR1", DisplayName: "Sato Aoi", TZ: "Asia/Tokyo", TZOffset: 32400,
		Profile: mentoring.Profile{
			Role: mentoring.RoleMentor, Department: "Marketing <team> & co", ManagerID: "U0MGR0001",
			Topics: []string{"genai", "social"}, FreeTopics: "TikTok for B2B",
			Languages: []mentoring.Lang{mentoring.LangJA, mentoring.LangEN},
			Cadence:   mentoring.CadenceBiweekly, Capacity: 2, Consent: true,
		},
		Status:   mentoring.StatusActive,
		JoinedAt: time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC),
	}
}

func TestRender_Golden(t *testing.T) {
	cat, err := NewCatalog(mentoring.LangJA)
	if err != nil {
		t.Fatal(err)
	}
	catalogue := mentoring.DefaultCatalogue()
	p := sampleParticipant()
	now := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)
	for _, l := range mentoring.Langs {
		lang := string(l)
		t.Run(lang, func(t *testing.T) {
			golden(t, "help."+lang, renderHelp(cat, l, false))
			golden(t, "help_admin."+lang, renderHelp(cat, l, true))
			golden(t, "join_modal_new."+lang, renderJoinModal(cat, joinForm{
				Lang: l, Draft: mentoring.Profile{Cadence: mentoring.CadenceBiweekly, Capacity: 1, Languages: []mentoring.Lang{l}},
				Catalogue: catalogue,
			}))
			golden(t, "join_modal_edit."+lang, renderJoinModal(cat, joinForm{
				Lang: l, Draft: p.Profile, Editing: true, Catalogue: catalogue,
				Departments: []string{"Sales", "Marketing <team> & co", "Engineering"},
			}))
			golden(t, "status."+lang, renderStatus(cat, l, p, catalogue, now))
			golden(t, "joined."+lang, renderJoined(cat, l, mentoring.JoinResult{Participant: p, Created: true}, catalogue))
			golden(t, "home_newcomer."+lang, renderHome(cat, homeData{Lang: l, Now: now}, catalogue))
			golden(t, "home_admin."+lang, renderHome(cat, homeData{Lang: l, Participant: &p, Admin: true, Now: now,
				Counts: mentoring.Counts{Active: 40, Paused: 3, Left: 2, Mentors: 22, Mentees: 21}}, catalogue))
		})
	}
}
