package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/viper"
)

// unknownKeys reports the keys of the file just read into v that are not
// configuration keys, with a suggestion when one is close: a typo there would
// otherwise be silently ignored.
func unknownKeys(v *viper.Viper, path string) []string {
	known := make(map[string]bool, len(settings))
	sections := make(map[string]bool)
	for _, s := range settings {
		known[s.key] = true
		section, _, _ := strings.Cut(s.key, ".")
		sections[section] = true
	}
	var problems []string
	keys := v.AllKeys()
	slices.Sort(keys)
	for _, k := range keys {
		if known[k] {
			continue
		}
		if sections[k] {
			if v.Get(k) == nil {
				continue // an empty section
			}
			problems = append(problems, fmt.Sprintf("%s in %s must be a section of keys, not a value", k, path))
			continue
		}
		p := fmt.Sprintf("%s in %s is not a known key", k, path)
		if s := suggestKey(k, strings.ToLower); s != "" {
			p += " (did you mean " + s + "?)"
		}
		problems = append(problems, p)
	}
	return problems
}

// unknownEnv reports REVERSE_MENTOR_ variables that set no key, with a
// suggestion when one is close: a typo there would otherwise be silently ignored.
func unknownEnv(env map[string]string) []string {
	known := make(map[string]bool, len(settings))
	for _, s := range settings {
		known[EnvName(s.key)] = true
	}
	var problems []string
	for name := range env {
		rest, ok := strings.CutPrefix(name, EnvPrefix)
		if !ok || known[name] {
			continue
		}
		p := fmt.Sprintf("environment variable %s is not a known setting", name)
		if s := suggestKey(strings.ToUpper(rest), envForm); s != "" {
			p += " (did you mean " + EnvName(s) + "?)"
		}
		problems = append(problems, p)
	}
	slices.Sort(problems)
	return problems
}

// suggestKey returns the key closest to an unknown name, or "". form writes a
// key the way the unknown name is written (as in the file, or as in an
// environment variable after EnvPrefix).
func suggestKey(unknown string, form func(string) string) string {
	best, bestDist := "", 3 // suggest only within two edits
	for _, s := range settings {
		if d := editDistance(unknown, form(s.key)); d < bestDist {
			best, bestDist = s.key, d
		}
	}
	if best != "" {
		return best
	}
	// The right name in the wrong section or without one, e.g. slack.workers
	// or REVERSE_MENTOR_WORKERS.
	for _, s := range settings {
		_, leaf, _ := strings.Cut(s.key, ".")
		if unknown == form(leaf) || strings.HasSuffix(unknown, form("."+leaf)) {
			return s.key
		}
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
