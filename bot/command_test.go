package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand_SplitsNormalizedWords(t *testing.T) {
	tests := []struct {
		text  string
		words []string
	}{
		{"", nil},
		{"   ", nil},
		{"ｊｏｉｎ", []string{"join"}}, // full-width letters
		{"\u3000status\u3000", []string{"status"}},           // ideographic spaces
		{"lang    ja ", []string{"lang", "ja"}},              // runs of spaces
		{"dance &amp; sing", []string{"dance", "&", "sing"}}, // Slack's escapes undone
		{"&lt;script&gt;", []string{"<script>"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			c := parseCommand(tt.text)
			if strings.Join(c.words, "|") != strings.Join(tt.words, "|") || c.tooLong {
				t.Fatalf("words = %q (too long %v), want %q", c.words, c.tooLong, tt.words)
			}
		})
	}
}

func TestCommandTable_FindsEveryForm(t *testing.T) {
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		path string // "" when nothing is found
		args []string
	}{
		{"help", "help", nil},
		{"HELP", "help", nil},
		{"ヘルプ", "help", nil},
		{"ｊｏｉｎ", "join", nil},
		{"参加", "join", nil},
		{"登録", "join", nil},
		{"Edit", "join", nil},
		{"\u3000status\u3000", "status", nil},
		{"状況", "status", nil},
		{"lang en", "lang", []string{"en"}},
		{"言語 ja", "lang", []string{"ja"}},
		{"admin", "admin", nil},
		{"管理", "admin", nil},
		{"admin round", "admin round", nil},
		{"admin ROUND now", "admin round", []string{"now"}},
		{"管理 マッチング", "admin round", nil},
		{"admin ペア", "admin pairs", nil},
		{"管理 pairs", "admin pairs", nil},
		{"admin summary", "admin summary", nil},
		{"管理 サマリー", "admin summary", nil},
		{"admin プログラム new", "admin program", []string{"new"}},
		{"管理 期", "admin program", nil},
		{"admin エクスポート", "admin export", nil},
		{"admin flags all burden", "admin flags", []string{"all", "burden"}},
		{"admin dance", "admin", []string{"dance"}}, // not a sub-command: bare admin with a note
		{"round", "", nil},                          // sub-commands only under their parent
		{"マッチング", "", nil},
		{"dance &amp; sing", "", nil},
		{"🙂", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			e, args, ok := cmds.find(parseCommand(tt.text).words)
			path := ""
			if ok {
				path = cmds.path(e)
			}
			if path != tt.path {
				t.Fatalf("found %q, want %q", path, tt.path)
			}
			if strings.Join(args, "|") != strings.Join(tt.args, "|") {
				t.Fatalf("args = %q, want %q", args, tt.args)
			}
		})
	}
}

func TestCommandTable_RefusesAmbiguousOrIncompleteTables(t *testing.T) {
	run := (*Bot).commandHelp
	tests := []struct {
		name    string
		entries []slashCommand
	}{
		{"word names two entries", []slashCommand{
			{name: "join", ja: []string{"参加"}, helpKey: "k", run: run},
			{name: "enter", ja: []string{"参加"}, helpKey: "k", run: run}}},
		{"alias folds onto a name", []slashCommand{
			{name: "join", helpKey: "k", run: run},
			{name: "enter", en: []string{"ＪＯＩＮ"}, helpKey: "k", run: run}}},
		{"sub-command before its parent", []slashCommand{
			{parent: "admin", name: "round", admin: true, helpKey: "k", run: run},
			{name: "admin", admin: true, helpKey: "k", run: run}}},
		{"ordinary sub-command of an admin command", []slashCommand{
			{name: "admin", admin: true, helpKey: "k", run: run},
			{parent: "admin", name: "round", helpKey: "k", run: run}}},
		{"no handler", []slashCommand{{name: "join", helpKey: "k"}}},
		{"no help key", []slashCommand{{name: "join", run: run}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := newCommandTable(tt.entries); err == nil {
				t.Fatal("accepted")
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
	if !c.tooLong || len(c.words) != 0 {
		t.Fatalf("got %+v", c)
	}
	if n := utf8.RuneCountInString(c.raw); n > 80 {
		t.Fatalf("raw kept %d runes", n)
	}
}

func FuzzParseCommand(f *testing.F) {
	cmds, err := newCommandTable(slashCommands())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "join", "lang en", "&amp;&lt;&gt;", "ｊｏｉｎ", "\xff\xfe", strings.Repeat("x", 600), "admin  round  now", "管理 ペア"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := parseCommand(s)
		if !utf8.ValidString(c.raw) {
			t.Fatalf("raw not valid UTF-8: %q", c.raw)
		}
		for _, w := range c.words {
			if w == "" || strings.ContainsAny(w, " \t\n") {
				t.Fatalf("bad word %q", w)
			}
		}
		if c.tooLong && len(c.words) > 0 {
			t.Fatalf("too long but read: %q", c.words)
		}
		if !c.tooLong && len(strings.Fields(c.raw)) != len(c.words) {
			t.Fatalf("raw %q and words %q disagree", c.raw, c.words)
		}
		if e, args, ok := cmds.find(c.words); ok {
			if e.run == nil || len(args) >= len(c.words) {
				t.Fatalf("%q found %q with args %q", s, e.name, args)
			}
		}
	})
}
