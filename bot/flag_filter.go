package bot

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// flagAllWords ask for handled follow-ups too: `admin flags all`.
var flagAllWords = []string{"all", "handled", "すべて", "全て", "全部", "対応済み"}

// flagCauseWords are the words, English and Japanese, that name each cause in
// `admin flags <cause>`.
var flagCauseWords = map[mentoring.FlagCause][]string{
	mentoring.FlagBurden:  {"burden", "負担", "負担感"},
	mentoring.FlagMood:    {"mood", "気分"},
	mentoring.FlagSafety:  {"safety", "安全", "安全性", "心理的安全性"},
	mentoring.FlagContact: {"contact", "連絡", "連絡希望", "相談"},
	mentoring.FlagStalled: {"stalled", "stall", "停滞"},
	mentoring.FlagQuiet:   {"quiet", "無回答", "未回答"},
}

// mentionPattern finds a user mention as command text carries it once unescaped:
// <@U123|name> (the name may hold spaces) or <@U123>.
var mentionPattern = regexp.MustCompile(`<@([UW][A-Z0-9]{2,19})(?:\|[^>]*)?>`)

// parseFlagFilter reads the words after `admin flags`: "all", a cause, and a person
// (a mention or a user ID), in any order. ok is false when a word names none of them.
func parseFlagFilter(args []string) (f mentoring.FlagFilter, ok bool) {
	text := strings.Join(args, " ")
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		f.UserID = m[1]
	}
	text = mentionPattern.ReplaceAllString(text, " ")
	for w := range strings.FieldsSeq(text) {
		switch {
		case slicesContainsFold(flagAllWords, w):
			f.All = true
		case mentoring.LooksLikeUserID(w):
			f.UserID = w
		default:
			cause, found := flagCauseOf(w)
			if !found {
				return f, false
			}
			f.Cause = cause
		}
	}
	return f, true
}

// flagCauseOf returns the cause a word names.
func flagCauseOf(w string) (mentoring.FlagCause, bool) {
	for _, c := range mentoring.FlagCauses {
		if slicesContainsFold(flagCauseWords[c], w) {
			return c, true
		}
	}
	return "", false
}

// encodeFlagFilter writes a filter into a button's value: "all", the cause and
// "@" + the user, joined by commas; "" for the open flags of everyone.
func encodeFlagFilter(f mentoring.FlagFilter) string {
	var parts []string
	if f.All {
		parts = append(parts, "all")
	}
	if f.Cause != "" {
		parts = append(parts, string(f.Cause))
	}
	if f.UserID != "" {
		parts = append(parts, "@"+f.UserID)
	}
	return strings.Join(parts, ",")
}

// decodeFlagFilter reads encodeFlagFilter's value; what it does not know is dropped.
func decodeFlagFilter(s string) mentoring.FlagFilter {
	var f mentoring.FlagFilter
	for p := range strings.SplitSeq(s, ",") {
		switch {
		case p == "all":
			f.All = true
		case strings.HasPrefix(p, "@") && mentoring.LooksLikeUserID(p[1:]):
			f.UserID = p[1:]
		default:
			if c, ok := flagCauseOf(p); ok {
				f.Cause = c
			}
		}
	}
	return f
}

// flagPageValue is what a page button of the list carries: the page and the filter.
func flagPageValue(page int, f mentoring.FlagFilter) string {
	if enc := encodeFlagFilter(f); enc != "" {
		return strconv.Itoa(page) + "|" + enc
	}
	return strconv.Itoa(page)
}

// parseFlagPageValue reads flagPageValue's value; a bad page is the first.
func parseFlagPageValue(s string) (int, mentoring.FlagFilter) {
	p, enc, _ := strings.Cut(s, "|")
	page, err := strconv.Atoi(p)
	if err != nil || page < 0 {
		page = 0
	}
	return page, decodeFlagFilter(enc)
}

// flagHandleValue is what a "handled" button of the list carries: the page, the filter
// and the flag's key (keys hold no "|").
func flagHandleValue(page int, f mentoring.FlagFilter, key string) string {
	return strconv.Itoa(page) + "|" + encodeFlagFilter(f) + "|" + key
}

// parseFlagHandleValue reads flagHandleValue's value, and the "page|key" of lists
// sent before lists had filters.
func parseFlagHandleValue(s string) (page int, f mentoring.FlagFilter, key string, ok bool) {
	parts := strings.SplitN(s, "|", 3)
	if len(parts) < 2 {
		return 0, f, "", false
	}
	page, err := strconv.Atoi(parts[0])
	if err != nil || page < 0 {
		return 0, f, "", false
	}
	key = parts[len(parts)-1]
	if len(parts) == 3 {
		f = decodeFlagFilter(parts[1])
	}
	return page, f, key, key != ""
}

// describeFlagFilter says in words which follow-ups a list shows.
func describeFlagFilter(cat *Catalog, lang mentoring.Lang, f mentoring.FlagFilter) string {
	what := cat.T(lang, "flags_filter_open", nil)
	if f.All {
		what = cat.T(lang, "flags_filter_all", nil)
	}
	if f.Cause != "" {
		what += cat.T(lang, "list_separator", nil) + cat.T(lang, "flag_kind_"+string(f.Cause), nil)
	}
	if f.UserID != "" {
		what += cat.T(lang, "list_separator", nil) + cat.T(lang, "flags_filter_person", map[string]any{"User": f.UserID})
	}
	return cat.T(lang, "flags_filter", map[string]any{"What": what})
}
