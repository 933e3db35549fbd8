package bot

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxCommandRunes bounds the command text the bot reads; longer input is answered with a
// short message instead of being parsed.
const maxCommandRunes = 500

// command is the text of a `/reverse-mentor …` line, read but not yet looked up in the
// command table.
type command struct {
	words   []string // the words as typed (unescaped, NFKC-normalized); none for empty input
	raw     string   // the whole text, unescaped and normalized
	tooLong bool     // longer than maxCommandRunes: not read at all
}

// parseCommand reads slash-command text as Slack delivers it (with &, <, > escaped):
// it unescapes, normalizes full-width letters and odd spaces (NFKC), and splits into words.
func parseCommand(text string) command {
	text = strings.ToValidUTF8(text, "\uFFFD")
	if utf8.RuneCountInString(text) > maxCommandRunes {
		return command{raw: truncate(text, 80), tooLong: true}
	}
	text = unescapeSlack(text)
	text = norm.NFKC.String(text)
	words := strings.Fields(text)
	return command{words: words, raw: strings.Join(words, " ")}
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
