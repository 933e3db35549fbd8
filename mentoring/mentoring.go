// Package mentoring is the domain of a reverse mentoring programme: participants and
// their profiles, cycles, pairing rounds, pairs, sessions, check-ins and pulse surveys,
// and the use cases and rules that act on them. It knows nothing of Slack or SQL:
// adapters (bot, store, scheduler) call it and implement the small interfaces it declares.
package mentoring

import "time"

// Lang is a message language.
type Lang string

// The languages the programme speaks.
const (
	LangJA Lang = "ja"
	LangEN Lang = "en"
)

// Langs lists every supported language, in display order.
var Langs = []Lang{LangJA, LangEN}

// ParseLang returns the language named by s ("ja", "en", or a Slack locale such as
// "ja-JP" or "en-US"), and false when s names none.
func ParseLang(s string) (Lang, bool) {
	switch {
	case len(s) >= 2 && (s[:2] == "ja" || s[:2] == "JA"):
		return LangJA, true
	case len(s) >= 2 && (s[:2] == "en" || s[:2] == "EN"):
		return LangEN, true
	}
	return "", false
}

// Clock tells the time. Production uses the wall clock; tests and the demo a fake one
// that runs weeks of a programme in seconds.
type Clock interface {
	Now() time.Time
}

// WallClock is the real clock, in UTC.
type WallClock struct{}

// Now returns the current time in UTC.
func (WallClock) Now() time.Time { return time.Now().UTC() }
