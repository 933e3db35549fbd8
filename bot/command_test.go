package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand_RecognisesEveryForm(t *testing.T) {
	tests := []struct {
		text string
		name string
		args []string
	}{
		{"", "", nil},
		{"   ", "", nil},
		{"help", "help", nil},
		{"HELP", "help", nil},
		{"ｊｏｉｎ", "join", nil},                 // full-width letters
		{"\u3000status\u3000", "status", nil}, // ideographic spaces
		{"参加", "join", nil},
		{"lang en", "lang", []string{"en"}},
		{"lang    ja ", "lang", []string{"ja"}},
		{"言語 ja", "lang", []string{"ja"}},
		{"admin round", "admin", []string{"round"}},
		{"dance &amp; sing", "unknown", []string{"&", "sing"}},
		{"&lt;script&gt;", "unknown", nil},
		{"🙂", "unknown", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c := parseCommand(tt.text)
			if c.name != tt.name {
				t.Fatalf("name = %q, want %q", c.name, tt.name)
			}
			if strings.Join(c.args, "|") != strings.Join(tt.args, "|") {
				t.Fatalf("args = %q, want %q", c.args, tt.args)
			}
		})
	}
}

func TestParseCommand_UnescapesSlackEntities(t *testing.T) {
	c := parseCommand("x &lt;b&gt; &amp;amp;")
	if c.raw != "x <b> &amp;" {
		t.Fatalf("raw = %q", c.raw)
	}
}

func TestParseCommand_OverLongTextIsFlagged(t *testing.T) {
	c := parseCommand(strings.Repeat("あ", 5000))
	if !c.tooLong || c.name != "" {
		t.Fatalf("got %+v", c)
	}
	if n := utf8.RuneCountInString(c.raw); n > 80 {
		t.Fatalf("raw kept %d runes", n)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"", "join", "lang en", "&amp;&lt;&gt;", "ｊｏｉｎ", "\xff\xfe", strings.Repeat("x", 600), "admin  round  now"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := parseCommand(s)
		if !utf8.ValidString(c.raw) {
			t.Fatalf("raw not valid UTF-8: %q", c.raw)
		}
		for _, a := range c.args {
			if a == "" || strings.ContainsAny(a, " \t\n") {
				t.Fatalf("bad arg %q", a)
			}
		}
		if c.tooLong && c.name != "" {
			t.Fatalf("too long but named %q", c.name)
		}
		if !c.tooLong && len(strings.Fields(c.raw)) > 0 && c.name == "" {
			t.Fatalf("words but no name: %q", s)
		}
	})
}
