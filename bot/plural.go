package bot

import (
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// N returns message key in lang in the plural form for count ("1 pair", "2 pairs"; one
// form in Japanese), filled from data with Count set to count. Counts shown in a
// sentence go through N, never through T with a bare number.
func (c *Catalog) N(lang mentoring.Lang, key string, count int, data map[string]any) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[c.fallback]
	}
	filled := map[string]any{"Count": count}
	for k, v := range data {
		filled[k] = v
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: filled, PluralCount: count})
	if err != nil && s == "" {
		return "[" + key + "]"
	}
	return s
}

// nameList lists people as Slack mentions, each with the honorific the language gives a
// name (さん in Japanese), joined with the language's list separator.
func nameList(cat *Catalog, lang mentoring.Lang, userIDs []string) string {
	out := make([]string, len(userIDs))
	for i, id := range userIDs {
		out[i] = cat.T(lang, "name_honorific", map[string]any{"User": id})
	}
	return strings.Join(out, cat.T(lang, "list_separator", nil))
}
