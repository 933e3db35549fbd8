package main

import (
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
)

// DefaultConfigPath is the configuration file read when --config is not given.
// Unlike a file named with --config, it may be missing.
const DefaultConfigPath = "config.yaml"

// EnvPrefix starts the environment variable of every configuration key: the key
// in upper case with dots as underscores follows it, e.g.
// REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE for program.min_group_size.
const EnvPrefix = "REVERSE_MENTOR_"

// setting is one configuration key with its default. The default's Go type is
// the type of the app.Config field the key fills (a test checks that they
// agree), and decides how file and environment values for the key are read.
type setting struct {
	key string
	def any
	// secret values are never repeated in problems.
	secret bool
	// fallbackEnv are further environment variables read, in order, when the
	// key's own is unset.
	fallbackEnv []string
}

// settings is every configuration key, in the order problems are reported.
// config.example.yaml lists the same keys with the same defaults; a test keeps
// the two in step.
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
	{key: "outbox.max_age", def: 24 * time.Hour},
	{key: "outbox.method_rate_per_minute", def: 50.0},
	{key: "log.level", def: "info"},
	{key: "log.format", def: "text"},
}

// EnvName returns the environment variable that sets key, e.g.
// REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE for program.min_group_size.
func EnvName(key string) string {
	return EnvPrefix + envForm(key)
}

// envForm writes a key, or a part of one, as it appears in an environment
// variable after EnvPrefix: upper case, with dots as underscores.
func envForm(key string) string {
	return strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// envNames returns the environment variables that set s, the first set winning.
func (s setting) envNames() []string {
	return append([]string{EnvName(s.key)}, s.fallbackEnv...)
}

// ConfigKeys returns every configuration key in a stable order.
func ConfigKeys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
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
