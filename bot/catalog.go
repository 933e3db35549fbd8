package bot

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

//go:embed locales/*.yaml
var localeFiles embed.FS

// Catalog holds every user-facing message in Japanese and English. Messages are
// go-i18n templates kept in locales/<area>.<lang>.yaml, one file per area of the product
// (general, profile, round, intro, session…) and language.
type Catalog struct {
	localizers map[mentoring.Lang]*i18n.Localizer
	fallback   mentoring.Lang
}

// NewCatalog loads the embedded message files. fallback is the language used for a
// message a catalog lacks (a test keeps both catalogs complete, so this is a safety net).
func NewCatalog(fallback mentoring.Lang) (*Catalog, error) {
	bundle := i18n.NewBundle(language.Japanese)
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	for _, l := range mentoring.Langs {
		paths, err := catalogFiles(l)
		if err != nil {
			return nil, err
		}
		for _, path := range paths {
			buf, err := fs.ReadFile(localeFiles, path)
			if err != nil {
				return nil, fmt.Errorf("load catalog: %w", err)
			}
			if _, err := bundle.ParseMessageFileBytes(buf, path); err != nil {
				return nil, fmt.Errorf("load catalog %s: %w", path, err)
			}
		}
	}
	c := &Catalog{localizers: map[mentoring.Lang]*i18n.Localizer{}, fallback: fallback}
	for _, l := range mentoring.Langs {
		other := mentoring.LangEN
		if l == mentoring.LangEN {
			other = mentoring.LangJA
		}
		c.localizers[l] = i18n.NewLocalizer(bundle, string(l), string(other))
	}
	return c, nil
}

// T returns message key in lang, filled from data (a map or struct; nil for none).
// A missing key yields the key itself in brackets, so a gap is visible, never a crash.
func (c *Catalog) T(lang mentoring.Lang, key string, data any) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[c.fallback]
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil && s == "" {
		return "[" + key + "]"
	}
	return s
}

// catalogFiles returns the message files of lang, sorted.
func catalogFiles(lang mentoring.Lang) ([]string, error) {
	paths, err := fs.Glob(localeFiles, "locales/*."+string(lang)+".yaml")
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("load catalog: no message files for %s (%v)", lang, err)
	}
	sort.Strings(paths)
	return paths, nil
}

// catalogKeys returns the sorted message keys of lang, across its files; a key defined
// in two files of one language is an error.
func catalogKeys(lang mentoring.Lang) ([]string, error) {
	paths, err := catalogFiles(lang)
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, path := range paths {
		buf, err := fs.ReadFile(localeFiles, path)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := yaml.Unmarshal(buf, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for k := range m {
			if other, dup := seen[k]; dup {
				return nil, fmt.Errorf("message %q is in both %s and %s", k, other, path)
			}
			seen[k] = path
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}
