package bot

import (
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestParseFlagFilter_WordsInBothLanguagesAndMentions(t *testing.T) {
	for _, tt := range []struct {
		text string
		want mentoring.FlagFilter
		ok   bool
	}{
		{"", mentoring.FlagFilter{}, true},
		{"all", mentoring.FlagFilter{All: true}, true},
		{"ＡＬＬ", mentoring.FlagFilter{All: true}, true},
		{"すべて 負担感", mentoring.FlagFilter{All: true, Cause: mentoring.FlagBurden}, true},
		{"停滞", mentoring.FlagFilter{Cause: mentoring.FlagStalled}, true},
		{"無回答", mentoring.FlagFilter{Cause: mentoring.FlagQuiet}, true},
		{"safety", mentoring.FlagFilter{Cause: mentoring.FlagSafety}, true},
		{"<@U0AOI0001|Sato Aoi> mood", mentoring.FlagFilter{UserID: "U0AOI0001", Cause: mentoring.FlagMood}, true},
		{"all <@W0ENT0001>", mentoring.FlagFilter{All: true, UserID: "W0ENT0001"}, true},
		{"U0AOI0001 連絡", mentoring.FlagFilter{UserID: "U0AOI0001", Cause: mentoring.FlagContact}, true},
		{"everything", mentoring.FlagFilter{}, false},
		{"<@nobody>", mentoring.FlagFilter{}, false},
	} {
		t.Run(tt.text, func(t *testing.T) {
			got, ok := parseFlagFilter(parseCommand(tt.text).words)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("parse %q = %+v %v, want %+v %v", tt.text, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFlagButtons_CarryTheFilterAndReadOldLists(t *testing.T) {
	f := mentoring.FlagFilter{All: true, Cause: mentoring.FlagContact, UserID: "U0AOI0001"}
	page, got := parseFlagPageValue(flagPageValue(3, f))
	if page != 3 || got != f {
		t.Fatalf("page button: %d %+v", page, got)
	}
	page, got, key, ok := parseFlagHandleValue(flagHandleValue(2, f, "contact:U0AOI0001:4:w2"))
	if !ok || page != 2 || got != f || key != "contact:U0AOI0001:4:w2" {
		t.Fatalf("handle button: %d %+v %q %v", page, got, key, ok)
	}
	// Lists sent before filters: "page" and "page|key".
	if page, got := parseFlagPageValue("1"); page != 1 || got != (mentoring.FlagFilter{}) {
		t.Fatalf("old page button: %d %+v", page, got)
	}
	page, got, key, ok = parseFlagHandleValue("0|burden:U1:2:w1")
	if !ok || page != 0 || got != (mentoring.FlagFilter{}) || key != "burden:U1:2:w1" {
		t.Fatalf("old handle button: %d %+v %q %v", page, got, key, ok)
	}
	for _, bad := range []string{"", "x|k", "-1|k", "1"} {
		if _, _, _, ok := parseFlagHandleValue(bad); ok {
			t.Errorf("%q read as a handle button", bad)
		}
	}
}

func FuzzParseFlagHandleValue(f *testing.F) {
	f.Add("0|all,burden,@U1|burden:U1:2:w1")
	f.Add("0|burden:U1:2:w1")
	f.Fuzz(func(t *testing.T, s string) {
		page, ff, key, ok := parseFlagHandleValue(s)
		if ok && (page < 0 || key == "") {
			t.Fatalf("%q read as page %d key %q", s, page, key)
		}
		if ff.Cause != "" && !isCause(ff.Cause) {
			t.Fatalf("%q gave cause %q", s, ff.Cause)
		}
	})
}

func isCause(c mentoring.FlagCause) bool {
	for _, x := range mentoring.FlagCauses {
		if x == c {
			return true
		}
	}
	return false
}
