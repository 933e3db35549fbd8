package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/robfig/cron/v3"
)

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

// Validate checks c for req and returns a *ConfigError listing every problem,
// or nil. LoadConfig already calls it; call it again after changing a loaded
// Config (the demo, for one, points Slack at its fake).
func Validate(c app.Config, req Requirement) error {
	if problems := configProblems(c, req); len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

// problemList collects problems in the order they are found.
type problemList []string

// add appends one problem.
func (p *problemList) add(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// configProblems lists what is wrong with c for req, in key order.
func configProblems(c app.Config, req Requirement) []string {
	var p problemList
	slackProblems(&p, c.Slack, req)
	if c.Database.Path == "" {
		p.add("database.path is empty")
	} else if req&RequireDatabase != 0 {
		if err := checkDatabasePath(c.Database.Path); err != nil {
			p.add("database.path %q: %v", c.Database.Path, err)
		}
	}
	programProblems(&p, c.Program, req)
	scheduleProblems(&p, c.Schedule)
	runtimeProblems(&p, c)
	return p
}

// slackProblems checks the tokens (never quoting them) and the Web API URL.
func slackProblems(p *problemList, c app.SlackConfig, req Requirement) {
	checkToken := func(key, token, prefix, other string) {
		switch {
		case token == "":
			if req&RequireSlack != 0 {
				p.add("%s is missing (set %s or %s)", key, EnvName(key), settingByKey(key).fallbackEnv[0])
			}
		case strings.HasPrefix(token, other):
			p.add("%s must start with %s (it looks like the other token: are the two swapped?)", key, prefix)
		case !strings.HasPrefix(token, prefix):
			p.add("%s must start with %s", key, prefix)
		case strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }):
			p.add("%s contains spaces or control characters", key)
		case strings.Contains(token, "...") || strings.Contains(token, "…"):
			p.add("%s is still the placeholder from the example", key)
		}
	}
	checkToken("slack.app_token", c.AppToken, app.AppTokenPrefix, app.BotTokenPrefix)
	checkToken("slack.bot_token", c.BotToken, app.BotTokenPrefix, app.AppTokenPrefix)

	u, err := url.Parse(c.APIURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		p.add("slack.api_url must be an http or https URL (got %q)", c.APIURL)
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		// The bot token goes with every call: over plain http anyone on the path reads it.
		p.add("slack.api_url must be https; http is allowed only on this machine (127.0.0.1, ::1, localhost) (got %q)", u.Redacted())
	case !strings.HasSuffix(u.Path, "/") || u.RawQuery != "" || u.Fragment != "":
		p.add("slack.api_url must end with \"/\" (got %q)", u.Redacted())
	}
}

// isLoopbackHost reports whether host, as url.URL.Hostname returns it, is
// localhost or a loopback address (127.0.0.0/8 or ::1).
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Slack IDs: a letter for the kind, then upper-case letters and digits.
var (
	channelIDPattern = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	userIDPattern    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// programProblems checks the rules of the programme.
func programProblems(p *problemList, c app.ProgramConfig, req Requirement) {
	switch {
	case c.HRChannel == "":
		if req&RequireSlack != 0 {
			p.add("program.hr_channel is missing (set it to the ID of the HR channel, e.g. C0123456789; env %s)", EnvName("program.hr_channel"))
		}
	case !channelIDPattern.MatchString(c.HRChannel):
		p.add("program.hr_channel must be a channel ID like C0123456789, not a name (got %q)", c.HRChannel)
	}
	for _, id := range c.Admins {
		if !userIDPattern.MatchString(id) {
			p.add("program.admins: %q is not a user ID like U0123456789", id)
		}
	}
	if c.Language != "ja" && c.Language != "en" {
		p.add("program.language must be ja or en (got %q)", c.Language)
	}
	if c.Timezone == "" {
		p.add("program.timezone is empty (an IANA name such as Asia/Tokyo)")
	} else if _, err := time.LoadLocation(c.Timezone); err != nil {
		p.add("program.timezone %q is not a known time zone (an IANA name such as Asia/Tokyo)", c.Timezone)
	}
	if c.MinGroupSize < 2 {
		p.add("program.min_group_size must be at least 2 (got %d)", c.MinGroupSize)
	}
	departmentProblems(p, c.Departments)
	topicProblems(p, c.Topics)
	if c.RepeatWindowRounds < 0 {
		p.add("program.repeat_window_rounds must be 0 or more (got %d)", c.RepeatWindowRounds)
	}
	switch c.DefaultCadence {
	case "weekly", "biweekly", "monthly":
	default:
		p.add("program.default_cadence must be weekly, biweekly or monthly (got %q)", c.DefaultCadence)
	}
	if c.NudgeAfterDays < 1 {
		p.add("program.nudge_after_days must be at least 1 (got %d)", c.NudgeAfterDays)
	}
	if _, err := mentoring.ParseWorkingHours(c.WorkingHours, c.WorkingDays); err != nil {
		p.add("program.working_hours and program.working_days: %v (e.g. \"09:00-18:00\" and [mon, tue, wed, thu, fri])", err)
	}
}

// departmentProblems checks the departments against the limits of a select menu.
func departmentProblems(p *problemList, departments []string) {
	if len(departments) > bot.MaxOptions {
		p.add("program.departments has %d entries; a Slack menu shows at most %d", len(departments), bot.MaxOptions)
	}
	seen := make(map[string]bool, len(departments))
	for _, d := range departments {
		if seen[d] {
			p.add("program.departments lists %q twice", d)
		}
		seen[d] = true
		if n := len([]rune(d)); n > bot.MaxOptionText {
			p.add("program.departments: %q is %d characters long; Slack shows at most %d", d, n, bot.MaxOptionText)
		}
	}
}

// topicProblems checks the topic catalogue: unique non-empty IDs, both labels,
// and Slack's option limits.
func topicProblems(p *problemList, topics []app.Topic) {
	if len(topics) > bot.MaxOptions {
		p.add("program.topics has %d entries; a Slack menu shows at most %d", len(topics), bot.MaxOptions)
	}
	seen := make(map[string]bool, len(topics))
	for i, t := range topics {
		name := fmt.Sprintf("program.topics[%d]", i)
		switch {
		case t.ID == "":
			p.add("%s has no id", name)
		case seen[t.ID]:
			p.add("%s: id %q is used twice", name, t.ID)
		case len(t.ID) > bot.MaxOptionValue:
			p.add("%s: id %q is longer than %d bytes", name, t.ID, bot.MaxOptionValue)
		}
		seen[t.ID] = true
		for _, l := range []struct{ lang, label string }{{"en", t.EN}, {"ja", t.JA}} {
			if l.label == "" {
				p.add("%s has no %s label", name, l.lang)
			} else if n := len([]rune(l.label)); n > bot.MaxOptionText {
				p.add("%s: the %s label is %d characters long; Slack shows at most %d", name, l.lang, n, bot.MaxOptionText)
			}
		}
	}
}

// scheduleProblems checks the cron expressions and the catch-up window.
func scheduleProblems(p *problemList, c app.ScheduleConfig) {
	for _, s := range []struct{ key, spec string }{
		{"schedule.sweep", c.Sweep},
		{"schedule.pulse", c.Pulse},
		{"schedule.weekly_summary", c.WeeklySummary},
	} {
		if err := checkCron(s.spec); err != nil {
			p.add("%s %q %v", s.key, s.spec, err)
		}
	}
	if c.CatchUpWindow < 0 {
		p.add("schedule.catch_up_window must not be negative (got %s)", c.CatchUpWindow)
	}
}

// checkCron accepts what robfig/cron/v3's standard parser reads, as the
// scheduler does: five fields (minute hour day-of-month month day-of-week) or
// a descriptor such as @daily, @weekly or @every 30s. A spec may not choose its
// own time zone: schedules run in program.timezone.
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
		return fmt.Errorf("is not a cron expression (minute hour day-of-month month day-of-week, or @daily, @every 30s etc.): %v", err)
	}
	// robfig/cron silently runs a shorter interval once a second.
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		if d, err := time.ParseDuration(every); err == nil && d < time.Second {
			return errors.New("must be at least @every 1s")
		}
	}
	return nil
}

// runtimeProblems checks the sizes and rates of the bot, the outbox and the log.
func runtimeProblems(p *problemList, c app.Config) {
	if c.Bot.Workers < 1 || c.Bot.Workers > 1024 {
		p.add("bot.workers must be between 1 and 1024 (got %d)", c.Bot.Workers)
	}
	if c.Bot.QueueSize < 1 || c.Bot.QueueSize > 1<<20 {
		p.add("bot.queue_size must be between 1 and %d (got %d)", 1<<20, c.Bot.QueueSize)
	}
	if !(c.Outbox.RatePerSecond > 0) || math.IsInf(c.Outbox.RatePerSecond, 0) {
		p.add("outbox.rate_per_second must be a number above 0 (got %v)", c.Outbox.RatePerSecond)
	}
	if c.Outbox.Burst < 1 {
		p.add("outbox.burst must be at least 1 (got %d)", c.Outbox.Burst)
	}
	if c.Outbox.Lease < time.Second {
		p.add("outbox.lease must be at least 1s (got %s)", c.Outbox.Lease)
	}
	if c.Outbox.RequestTimeout <= 0 || c.Outbox.RequestTimeout > c.Outbox.Lease/4 {
		p.add("outbox.request_timeout must be above 0 and at most a quarter of outbox.lease (got %s with a lease of %s)", c.Outbox.RequestTimeout, c.Outbox.Lease)
	}
	if c.Outbox.MaxAge < time.Minute {
		p.add("outbox.max_age must be at least 1m (got %s)", c.Outbox.MaxAge)
	}
	if !(c.Outbox.MethodRatePerMinute > 0) || math.IsInf(c.Outbox.MethodRatePerMinute, 0) {
		p.add("outbox.method_rate_per_minute must be a number above 0 (got %v)", c.Outbox.MethodRatePerMinute)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level must be debug, info, warn or error (got %q)", c.Log.Level)
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		p.add("log.format must be text or json (got %q)", c.Log.Format)
	}
}
