package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/robfig/cron/v3"
	"github.com/spf13/viper"
)

// DefaultConfigPath is the configuration file read when --config is not given.
// Unlike a file named with --config, it may be missing.
const DefaultConfigPath = "config.yaml"

// EnvPrefix starts the environment variable of every configuration key: the key
// in upper case with dots as underscores follows it, e.g.
// REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE for program.min_group_size.
const EnvPrefix = "REVERSE_MENTOR_"

// Requirement says which optional parts of the configuration a command needs
// checked at load. Keys that are set are always validated; a Requirement only
// makes some keys mandatory or checks the world outside the process.
type Requirement uint

const (
	// RequireSlack makes slack.app_token, slack.bot_token and program.hr_channel
	// mandatory. run needs it; demo, bench, version, export and import-org do not.
	RequireSlack Requirement = 1 << iota
	// RequireDatabase checks that database.path can be created or opened: its
	// directory exists and is writable. Commands that open database.path need it.
	RequireDatabase
)

// ConfigError lists every problem found in a configuration, so that one start
// shows them all. Problems never contain a token.
type ConfigError struct {
	Problems []string
}

// Error returns the problems one a line, under a heading.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("invalid configuration:")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p)
	}
	return b.String()
}

// setting is one configuration key with its default. The default's Go type
// decides how file and environment values for the key are read.
type setting struct {
	key string
	def any
	// secret values are never repeated in problems.
	secret bool
	// fallbackEnv are further environment variables read when the key's own
	// is unset.
	fallbackEnv []string
}

// settings is every configuration key, in the order problems are reported.
// config.example.yaml lists the same keys; a test keeps the two in step.
var settings = []setting{
	{key: "slack.app_token", def: "", secret: true, fallbackEnv: []string{"SLACK_APP_TOKEN"}},
	{key: "slack.bot_token", def: "", secret: true, fallbackEnv: []string{"SLACK_BOT_TOKEN"}},
	{key: "slack.api_url", def: "https://slack.com/api/"},
	{key: "database.path", def: "reverse-mentor.db"},
	{key: "program.hr_channel", def: ""},
	{key: "program.admins", def: []string(nil)},
	{key: "program.language", def: "ja"},
	{key: "program.timezone", def: "Asia/Tokyo"},
	{key: "program.min_group_size", def: 5},
	{key: "program.departments", def: []string(nil)},
	{key: "program.topics", def: []app.Topic(nil)},
	{key: "program.allow_same_department", def: false},
	{key: "program.repeat_window_rounds", def: 6},
	{key: "program.default_cadence", def: "biweekly"},
	{key: "program.nudge_after_days", def: 3},
	{key: "schedule.sweep", def: "*/15 * * * *"},
	{key: "schedule.pulse", def: "0 10 * * MON"},
	{key: "schedule.weekly_summary", def: "0 9 * * FRI"},
	{key: "schedule.catch_up_window", def: 24 * time.Hour},
	{key: "bot.workers", def: 16},
	{key: "bot.queue_size", def: 1024},
	{key: "outbox.rate_per_second", def: 10.0},
	{key: "outbox.burst", def: 10},
	{key: "outbox.lease", def: 2 * time.Minute},
	{key: "outbox.request_timeout", def: 15 * time.Second},
	{key: "log.level", def: "info"},
	{key: "log.format", def: "text"},
}

// EnvName returns the environment variable that sets key, e.g.
// REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE for program.min_group_size.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// ConfigKeys returns every configuration key in a stable order.
func ConfigKeys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
}

// LoadConfig reads the YAML file at path, puts the environment on top and
// validates the result for req, listing every problem in one *ConfigError.
//
// An empty path means DefaultConfigPath, which may be missing; a path given
// (from --config) must exist. environ is the environment as os.Environ returns
// it; LoadConfig reads no other. An empty environment variable counts as unset.
// Lists (program.admins, program.departments) are comma-separated in the
// environment, program.topics is a JSON array of {"id","en","ja"} objects, and
// durations are written like "24h" or "90m". SLACK_APP_TOKEN and
// SLACK_BOT_TOKEN set the tokens when their REVERSE_MENTOR_ variables do not.
//
// A file that cannot be read or parsed is an error of its own, returned before
// any validation.
func LoadConfig(path string, environ []string, req Requirement) (app.Config, error) {
	v := viper.New()
	var problems []string

	fileProblems, err := readConfigFile(v, path)
	if err != nil {
		return app.Config{}, err
	}
	problems = append(problems, fileProblems...)

	for _, s := range settings {
		v.SetDefault(s.key, s.def)
	}

	env := parseEnviron(environ)
	problems = append(problems, unknownEnv(env)...)
	fromEnv := make(map[string]string) // key -> variable that set it
	for _, s := range settings {
		for _, name := range append([]string{EnvName(s.key)}, s.fallbackEnv...) {
			if val := env[name]; val != "" {
				v.Set(s.key, val)
				fromEnv[s.key] = name
				break
			}
		}
	}

	// Read every key into its typed value, replacing values of the wrong type
	// by the default so that the rest can still be checked. Only known keys
	// reach the decoder.
	typed := viper.New()
	for _, s := range settings {
		val, err := convert(s, v.Get(s.key))
		if err != nil {
			problem := s.key + " " + err.Error()
			if name, ok := fromEnv[s.key]; ok {
				problem += " (from " + name + ")"
			}
			problems = append(problems, problem)
			val = s.def
		}
		typed.Set(s.key, val)
	}

	var c app.Config
	if err := typed.Unmarshal(&c); err != nil {
		// Every value was converted above; this is a bug, not a user mistake.
		return app.Config{}, fmt.Errorf("decode configuration: %w", err)
	}
	if loc, err := time.LoadLocation(c.Program.Timezone); err == nil && c.Program.Timezone != "" {
		c.Program.Location = loc
	}

	problems = append(problems, configProblems(c, req)...)
	if len(problems) > 0 {
		return app.Config{}, &ConfigError{Problems: problems}
	}
	return c, nil
}

// Validate checks c for req and returns a *ConfigError listing every problem,
// or nil. LoadConfig already calls it; call it again after changing a loaded
// Config (the demo, for one, points Slack at its fake).
func Validate(c app.Config, req Requirement) error {
	if problems := configProblems(c, req); len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

// readConfigFile reads the YAML file into v and reports its unknown keys.
func readConfigFile(v *viper.Viper, path string) ([]string, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultConfigPath
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return unknownKeys(v, path), nil
}

// unknownKeys reports the keys of the file just read into v that are not
// configuration keys, with a suggestion when one is close.
func unknownKeys(v *viper.Viper, path string) []string {
	known := make(map[string]bool, len(settings))
	sections := make(map[string]bool)
	for _, s := range settings {
		known[s.key] = true
		sections[strings.SplitN(s.key, ".", 2)[0]] = true
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
		if s := suggestKey(k); s != "" {
			p += " (did you mean " + s + "?)"
		}
		problems = append(problems, p)
	}
	return problems
}

// suggestKey returns the known key closest to an unknown one, or "".
func suggestKey(unknown string) string {
	best, bestDist := "", 3 // suggest only within two edits
	for _, s := range settings {
		if d := editDistance(unknown, s.key); d < bestDist {
			best, bestDist = s.key, d
		}
	}
	if best != "" {
		return best
	}
	// The right name in the wrong section, e.g. slack.workers.
	leaf := unknown[strings.LastIndex(unknown, ".")+1:]
	for _, s := range settings {
		if strings.HasSuffix(s.key, "."+leaf) {
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

// parseEnviron turns KEY=VALUE entries into a map; a later entry wins.
func parseEnviron(environ []string) map[string]string {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok {
			env[k] = val
		}
	}
	return env
}

// unknownEnv reports REVERSE_MENTOR_ variables that set no key: a typo there
// would otherwise be silently ignored.
func unknownEnv(env map[string]string) []string {
	known := make(map[string]bool, len(settings))
	for _, s := range settings {
		known[EnvName(s.key)] = true
	}
	var problems []string
	for name := range env {
		if strings.HasPrefix(name, EnvPrefix) && !known[name] {
			problems = append(problems, fmt.Sprintf("environment variable %s is not a known setting", name))
		}
	}
	slices.Sort(problems)
	return problems
}

// convert reads a raw file, environment or default value into the Go type of
// the setting's default. Its error completes a sentence starting with the key.
func convert(s setting, raw any) (any, error) {
	got := func() string {
		if s.secret {
			return ""
		}
		return fmt.Sprintf(" (got %s)", describe(raw))
	}
	switch s.def.(type) {
	case string:
		str, ok := scalarString(raw)
		if !ok {
			return nil, errors.New("must be a single value" + got())
		}
		return str, nil
	case int:
		n, ok := toInt(raw)
		if !ok {
			return nil, errors.New("must be a whole number" + got())
		}
		return n, nil
	case bool:
		b, ok := toBool(raw)
		if !ok {
			return nil, errors.New("must be true or false" + got())
		}
		return b, nil
	case float64:
		f, ok := toFloat(raw)
		if !ok {
			return nil, errors.New("must be a number" + got())
		}
		return f, nil
	case time.Duration:
		d, ok := toDuration(raw)
		if !ok {
			return nil, errors.New("must be a duration with a unit, like 24h or 90m" + got())
		}
		return d, nil
	case []string:
		list, ok := toStringList(raw)
		if !ok {
			return nil, errors.New("must be a list of values (comma-separated in the environment)" + got())
		}
		return list, nil
	case []app.Topic:
		return toTopics(raw)
	}
	return nil, fmt.Errorf("has a default of unsupported type %T", s.def)
}

// describe renders a rejected value briefly for a problem message.
func describe(raw any) string {
	s := fmt.Sprintf("%v", raw)
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return strconv.Quote(s)
}

// scalarString reads a single YAML or environment value as a trimmed string.
func scalarString(raw any) (string, bool) {
	switch x := raw.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(x), true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// toInt reads an integer from YAML, the environment or a default.
func toInt(raw any) (int, bool) {
	switch x := raw.(type) {
	case int:
		return x, true
	case int64:
		return int(x), x == int64(int(x))
	case uint64:
		return int(x), x <= math.MaxInt
	case float64:
		return int(x), x == math.Trunc(x) && math.Abs(x) < 1<<53
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil
	}
	return 0, false
}

// toBool reads a boolean; strings follow strconv.ParseBool.
func toBool(raw any) (bool, bool) {
	switch x := raw.(type) {
	case bool:
		return x, true
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		return b, err == nil
	}
	return false, false
}

// toFloat reads a number.
func toFloat(raw any) (float64, bool) {
	switch x := raw.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// toDuration reads a duration written with a unit; a bare 0 is accepted too.
func toDuration(raw any) (time.Duration, bool) {
	switch x := raw.(type) {
	case time.Duration:
		return x, true
	case int:
		return 0, x == 0
	case string:
		s := strings.TrimSpace(x)
		if s == "0" {
			return 0, true
		}
		d, err := time.ParseDuration(s)
		return d, err == nil
	}
	return 0, false
}

// toStringList reads a YAML list or a comma-separated string, trimming items
// and dropping empty ones.
func toStringList(raw any) ([]string, bool) {
	var items []string
	switch x := raw.(type) {
	case nil:
		return nil, true
	case []string:
		items = x
	case string:
		items = strings.Split(x, ",")
	case []any:
		for _, e := range x {
			s, ok := scalarString(e)
			if !ok {
				return nil, false
			}
			items = append(items, s)
		}
	default:
		return nil, false
	}
	var list []string
	for _, item := range items {
		if item = strings.TrimSpace(item); item != "" {
			list = append(list, item)
		}
	}
	return list, true
}

// toTopics reads the topic catalogue from a YAML list of maps or, from the
// environment, a JSON array of objects. Its error reports every bad entry.
func toTopics(raw any) ([]app.Topic, error) {
	switch x := raw.(type) {
	case nil:
		return nil, nil
	case []app.Topic:
		return x, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		var decoded any
		if err := json.Unmarshal([]byte(x), &decoded); err != nil {
			return nil, fmt.Errorf("must be a JSON array of {\"id\",\"en\",\"ja\"} objects: %v", err)
		}
		raw = decoded
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.New(`must be a list of {id, en, ja} entries`)
	}
	topics := make([]app.Topic, 0, len(list))
	var bad []string
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			bad = append(bad, fmt.Sprintf("entry %d is not an {id, en, ja} map", i))
			continue
		}
		var t app.Topic
		fields := slices.Sorted(func(yield func(string) bool) {
			for k := range m {
				if !yield(k) {
					return
				}
			}
		})
		for _, k := range fields {
			s, ok := scalarString(m[k])
			if !ok {
				bad = append(bad, fmt.Sprintf("entry %d: %s must be a single value", i, k))
				continue
			}
			switch strings.ToLower(k) {
			case "id":
				t.ID = s
			case "en":
				t.EN = s
			case "ja":
				t.JA = s
			default:
				bad = append(bad, fmt.Sprintf("entry %d: unknown field %q (want id, en, ja)", i, k))
			}
		}
		topics = append(topics, t)
	}
	if len(bad) > 0 {
		return nil, errors.New("has bad entries: " + strings.Join(bad, "; "))
	}
	return topics, nil
}

// Slack IDs: a letter for the kind, then upper-case letters and digits.
var (
	channelIDPattern = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	userIDPattern    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// problems lists what is wrong with c for req, in key order.
func configProblems(c app.Config, req Requirement) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	// slack
	checkToken := func(key, token, prefix, other string) {
		switch {
		case token == "":
			if req&RequireSlack != 0 {
				add("%s is missing (set %s or %s)", key, EnvName(key), settingByKey(key).fallbackEnv[0])
			}
		case strings.HasPrefix(token, other):
			add("%s must start with %s (it looks like the other token: are the two swapped?)", key, prefix)
		case !strings.HasPrefix(token, prefix):
			add("%s must start with %s", key, prefix)
		case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			add("%s contains spaces or control characters", key)
		case strings.Contains(token, "...") || strings.Contains(token, "…"):
			add("%s is still the placeholder from the example", key)
		}
	}
	checkToken("slack.app_token", c.Slack.AppToken, app.AppTokenPrefix, app.BotTokenPrefix)
	checkToken("slack.bot_token", c.Slack.BotToken, app.BotTokenPrefix, app.AppTokenPrefix)
	if u, err := url.Parse(c.Slack.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("slack.api_url must be an http or https URL (got %q)", c.Slack.APIURL)
	} else if !strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "" {
		add("slack.api_url must end with \"/\" (got %q)", c.Slack.APIURL)
	}

	// database
	if c.Database.Path == "" {
		add("database.path is empty")
	} else if req&RequireDatabase != 0 {
		if err := checkDatabasePath(c.Database.Path); err != nil {
			add("database.path %q: %v", c.Database.Path, err)
		}
	}

	// program
	switch {
	case c.Program.HRChannel == "":
		if req&RequireSlack != 0 {
			add("program.hr_channel is missing (set it to the ID of the HR channel, e.g. C0123456789; env %s)", EnvName("program.hr_channel"))
		}
	case !channelIDPattern.MatchString(c.Program.HRChannel):
		add("program.hr_channel must be a channel ID like C0123456789, not a name (got %q)", c.Program.HRChannel)
	}
	for _, id := range c.Program.Admins {
		if !userIDPattern.MatchString(id) {
			add("program.admins: %q is not a user ID like U0123456789", id)
		}
	}
	if c.Program.Language != "ja" && c.Program.Language != "en" {
		add("program.language must be ja or en (got %q)", c.Program.Language)
	}
	if c.Program.Timezone == "" {
		add("program.timezone is empty (an IANA name such as Asia/Tokyo)")
	} else if _, err := time.LoadLocation(c.Program.Timezone); err != nil {
		add("program.timezone %q is not a known time zone (an IANA name such as Asia/Tokyo)", c.Program.Timezone)
	}
	if c.Program.MinGroupSize < 2 {
		add("program.min_group_size must be at least 2 (got %d)", c.Program.MinGroupSize)
	}
	p = append(p, departmentProblems(c.Program.Departments)...)
	p = append(p, topicProblems(c.Program.Topics)...)
	if c.Program.RepeatWindowRounds < 0 {
		add("program.repeat_window_rounds must be 0 or more (got %d)", c.Program.RepeatWindowRounds)
	}
	switch c.Program.DefaultCadence {
	case "weekly", "biweekly", "monthly":
	default:
		add("program.default_cadence must be weekly, biweekly or monthly (got %q)", c.Program.DefaultCadence)
	}
	if c.Program.NudgeAfterDays < 1 {
		add("program.nudge_after_days must be at least 1 (got %d)", c.Program.NudgeAfterDays)
	}

	// schedule
	for _, s := range []struct{ key, spec string }{
		{"schedule.sweep", c.Schedule.Sweep},
		{"schedule.pulse", c.Schedule.Pulse},
		{"schedule.weekly_summary", c.Schedule.WeeklySummary},
	} {
		if err := checkCron(s.spec); err != nil {
			add("%s %q %v", s.key, s.spec, err)
		}
	}
	if c.Schedule.CatchUpWindow < 0 {
		add("schedule.catch_up_window must not be negative (got %s)", c.Schedule.CatchUpWindow)
	}

	// bot, outbox, log
	if c.Bot.Workers < 1 || c.Bot.Workers > 1024 {
		add("bot.workers must be between 1 and 1024 (got %d)", c.Bot.Workers)
	}
	if c.Bot.QueueSize < 1 || c.Bot.QueueSize > 1<<20 {
		add("bot.queue_size must be between 1 and %d (got %d)", 1<<20, c.Bot.QueueSize)
	}
	if !(c.Outbox.RatePerSecond > 0) || math.IsInf(c.Outbox.RatePerSecond, 0) {
		add("outbox.rate_per_second must be a number above 0 (got %v)", c.Outbox.RatePerSecond)
	}
	if c.Outbox.Lease < time.Second {
		add("outbox.lease must be at least 1s (got %s)", c.Outbox.Lease)
	}
	if c.Outbox.RequestTimeout <= 0 || c.Outbox.RequestTimeout > c.Outbox.Lease/4 {
		add("outbox.request_timeout must be above 0 and at most a quarter of outbox.lease (got %s with a lease of %s)", c.Outbox.RequestTimeout, c.Outbox.Lease)
	}
	if c.Outbox.Burst < 1 {
		add("outbox.burst must be at least 1 (got %d)", c.Outbox.Burst)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add("log.level must be debug, info, warn or error (got %q)", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		add("log.format must be text or json (got %q)", c.Log.Format)
	}
	return p
}

// settingByKey returns the setting of a known key.
func settingByKey(key string) setting {
	for _, s := range settings {
		if s.key == key {
			return s
		}
	}
	panic("unknown configuration key " + key)
}

// departmentProblems checks the departments against the limits of a select menu.
func departmentProblems(departments []string) []string {
	var p []string
	if len(departments) > bot.MaxOptions {
		p = append(p, fmt.Sprintf("program.departments has %d entries; a Slack menu shows at most %d", len(departments), bot.MaxOptions))
	}
	seen := make(map[string]bool, len(departments))
	for _, d := range departments {
		if seen[d] {
			p = append(p, fmt.Sprintf("program.departments lists %q twice", d))
		}
		seen[d] = true
		if n := len([]rune(d)); n > bot.MaxOptionText {
			p = append(p, fmt.Sprintf("program.departments: %q is %d characters long; Slack shows at most %d", d, n, bot.MaxOptionText))
		}
	}
	return p
}

// topicProblems checks the topic catalogue: unique non-empty IDs, both labels,
// and Slack's option limits.
func topicProblems(topics []app.Topic) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if len(topics) > bot.MaxOptions {
		add("program.topics has %d entries; a Slack menu shows at most %d", len(topics), bot.MaxOptions)
	}
	seen := make(map[string]bool, len(topics))
	for i, t := range topics {
		name := fmt.Sprintf("program.topics[%d]", i)
		switch {
		case t.ID == "":
			add("%s has no id", name)
		case seen[t.ID]:
			add("%s: id %q is used twice", name, t.ID)
		case len(t.ID) > bot.MaxOptionValue:
			add("%s: id %q is longer than %d bytes", name, t.ID, bot.MaxOptionValue)
		}
		seen[t.ID] = true
		for _, l := range []struct{ lang, label string }{{"en", t.EN}, {"ja", t.JA}} {
			if l.label == "" {
				add("%s has no %s label", name, l.lang)
			} else if n := len([]rune(l.label)); n > bot.MaxOptionText {
				add("%s: the %s label is %d characters long; Slack shows at most %d", name, l.lang, n, bot.MaxOptionText)
			}
		}
	}
	return p
}

// checkCron parses a 5-field cron expression or a descriptor such as @weekly.
// A spec may not choose its own time zone: schedules run in program.timezone.
func checkCron(spec string) (err error) {
	if spec == "" {
		return errors.New("is empty")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return errors.New("must not set a time zone; schedules run in program.timezone")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("is not a cron expression (%v)", r)
		}
	}()
	if _, err := cron.ParseStandard(spec); err != nil {
		return fmt.Errorf("is not a cron expression (minute hour day-of-month month day-of-week, or @daily etc.): %v", err)
	}
	return nil
}

// checkDatabasePath checks that the SQLite file can be created or opened: the
// directory exists and a file can be created in it, and an existing file is a
// regular file that can be opened for writing.
func checkDatabasePath(path string) error {
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return errors.New("is not a regular file")
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return fmt.Errorf("cannot be opened for writing: %w", unwrapPath(err))
		}
		f.Close()
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, unwrapPath(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	// SQLite also writes journal files next to the database.
	f, err := os.CreateTemp(dir, ".reverse-mentor-check-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("directory %s: %w", dir, unwrapPath(err))
	}
	return nil
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// caller's message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
