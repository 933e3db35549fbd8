package bot

import "regexp"

var tokenPattern = regexp.MustCompile(`\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+`)

// Redact hides Slack tokens in s, so that no log line or error carries one.
func Redact(s string) string {
	return tokenPattern.ReplaceAllStringFunc(s, func(t string) string {
		if len(t) > 5 {
			return t[:5] + "…redacted"
		}
		return "…redacted"
	})
}

func redact(s string) string { return Redact(s) }
