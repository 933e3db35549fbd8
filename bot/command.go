package bot

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxCommandRunes bounds the command text the bot reads; longer input is answered with a
// short message instead of being parsed.
const maxCommandRunes = 500

// command is a parsed `/reverse-mentor …` line.
type command struct {
	name    string   // canonical sub-command: "help", "join", "status", "lang", "admin", … or "" for empty input
	args    []string // the words after the name, as typed (NFKC-normalized)
	raw     string   // the whole text, unescaped and normalized
	tooLong bool
}

// aliases maps what people type, in either language, to a canonical sub-command.
var aliases = map[string]string{
	"help": "help", "?": "help", "ヘルプ": "help", "使い方": "help",
	"join": "join", "edit": "join", "profile": "join", "参加": "join", "登録": "join", "編集": "join",
	"status": "status", "me": "status", "状況": "status", "ステータス": "status",
	"lang": "lang", "language": "lang", "言語": "lang",
	"admin": "admin", "管理": "admin",
}

// parseCommand reads slash-command text as Slack delivers it (with &, <, > escaped):
// it unescapes, normalizes full-width letters and odd spaces (NFKC), and splits into words.
func parseCommand(text string) command {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if utf8.RuneCountInString(text) > maxCommandRunes {
		return command{name: "", raw: truncate(text, 80), tooLong: true}
	}
	text = unescapeSlack(text)
	text = norm.NFKC.String(text)
	words := strings.Fields(text)
	c := command{raw: strings.Join(words, " ")}
	if len(words) == 0 {
		return c
	}
	first := strings.ToLower(words[0])
	if name, ok := aliases[first]; ok {
		c.name = name
	} else {
		c.name = "unknown"
	}
	c.args = words[1:]
	return c
}

// unescapeSlack undoes the three escapes Slack applies to message and command text.
func unescapeSlack(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
}

// truncate cuts s to at most n runes, ending with "…" when it was cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
