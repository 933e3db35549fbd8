package main

import (
	"strings"

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

// settings is every configuration key, in the order problems are reported, with
// its default from app.Defaults. config.example.yaml lists the same keys with the
// same defaults; a test keeps the two in step.
var settings = func() []setting {
	d := app.Defaults()
	return []setting{
		{key: "slack.app_token", def: d.Slack.AppToken, secret: true, fallbackEnv: []string{"SLACK_APP_TOKEN"}},
		{key: "slack.bot_token", def: d.Slack.BotToken, secret: true, fallbackEnv: []string{"SLACK_BOT_TOKEN"}},
		{key: "slack.api_url", def: d.Slack.APIURL},
		{key: "database.path", def: d.Database.Path},
		{key: "program.hr_channel", def: d.Program.HRChannel},
		{key: "program.admins", def: d.Program.Admins},
		{key: "program.language", def: d.Program.Language},
		{key: "program.timezone", def: d.Program.Timezone},
		{key: "program.min_group_size", def: d.Program.MinGroupSize},
		{key: "program.departments", def: d.Program.Departments},
		{key: "program.topics", def: d.Program.Topics},
		{key: "program.allow_same_department", def: d.Program.AllowSameDepartment},
		{key: "program.repeat_window_rounds", def: d.Program.RepeatWindowRounds},
		{key: "program.default_cadence", def: d.Program.DefaultCadence},
		{key: "program.nudge_after_days", def: d.Program.NudgeAfterDays},
		{key: "program.working_hours", def: d.Program.WorkingHours},
		{key: "program.working_days", def: d.Program.WorkingDays},
		{key: "schedule.sweep", def: d.Schedule.Sweep},
		{key: "schedule.pulse", def: d.Schedule.Pulse},
		{key: "schedule.weekly_summary", def: d.Schedule.WeeklySummary},
		{key: "schedule.catch_up_window", def: d.Schedule.CatchUpWindow},
		{key: "bot.workers", def: d.Bot.Workers},
		{key: "bot.queue_size", def: d.Bot.QueueSize},
		{key: "outbox.rate_per_second", def: d.Outbox.RatePerSecond},
		{key: "outbox.burst", def: d.Outbox.Burst},
		{key: "outbox.lease", def: d.Outbox.Lease},
		{key: "outbox.request_timeout", def: d.Outbox.RequestTimeout},
		{key: "outbox.max_age", def: d.Outbox.MaxAge},
		{key: "outbox.method_rate_per_minute", def: d.Outbox.MethodRatePerMinute},
		{key: "log.level", def: d.Log.Level},
		{key: "log.format", def: d.Log.Format},
	}
}()

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
