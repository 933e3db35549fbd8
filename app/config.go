// Package app assembles reverse-mentor: one constructor of the whole application (the
// database, the domain service, the Slack bot, the scheduler and the outbox sender) from
// one Config, used by the run command, the demo and the end-to-end tests alike.
package app

import (
	"log/slog"
	"strings"
	"time"
)

// Config is the whole validated configuration of one reverse-mentor process.
// Its mapstructure tags are the configuration keys, a public interface: renaming
// one breaks existing config files and deployments.
type Config struct {
	Slack    SlackConfig    `mapstructure:"slack"`
	Database DatabaseConfig `mapstructure:"database"`
	Program  ProgramConfig  `mapstructure:"program"`
	Schedule ScheduleConfig `mapstructure:"schedule"`
	Bot      BotConfig      `mapstructure:"bot"`
	Outbox   OutboxConfig   `mapstructure:"outbox"`
	Log      LogConfig      `mapstructure:"log"`
}

// SlackConfig is how the bot reaches Slack. The tokens are secrets: never log
// them (use Config.Redacted) and never put them in an error.
type SlackConfig struct {
	// AppToken is the app-level token (xapp-…) used to open Socket Mode connections.
	AppToken string `mapstructure:"app_token"`
	// BotToken is the bot token (xoxb-…) used for Web API calls.
	BotToken string `mapstructure:"bot_token"`
	// APIURL is the Web API base URL, ending in "/"; tests and the demo point it at a fake.
	APIURL string `mapstructure:"api_url"`
}

// DatabaseConfig locates the SQLite database.
type DatabaseConfig struct {
	// Path is the SQLite file; it is created (0600) if missing.
	Path string `mapstructure:"path"`
}

// ProgramConfig holds the rules of the mentoring programme itself.
type ProgramConfig struct {
	// HRChannel is the channel ID (C…/G…) where weekly summaries are posted.
	HRChannel string `mapstructure:"hr_channel"`
	// Admins are the user IDs (U…/W…) of the HR admins.
	Admins []string `mapstructure:"admins"`
	// Language is the default message language, "ja" or "en".
	Language string `mapstructure:"language"`
	// Timezone is the IANA name of the programme's time zone; schedules run in it.
	Timezone string `mapstructure:"timezone"`
	// Location is Timezone resolved by LoadConfig; it is not a key of its own.
	Location *time.Location `mapstructure:"-"`
	// MinGroupSize is the anonymity threshold k: no aggregate over fewer people is shown outside admins.
	MinGroupSize int `mapstructure:"min_group_size"`
	// Departments are offered in the opt-in modal; empty means free text.
	Departments []string `mapstructure:"departments"`
	// Topics is the catalogue offered in the opt-in modal; empty means the
	// caller's built-in catalogue (LoadConfig does not fill it in).
	Topics []Topic `mapstructure:"topics"`
	// AllowSameDepartment lets a mentor and a mentee of the same department be paired.
	AllowSameDepartment bool `mapstructure:"allow_same_department"`
	// RepeatWindowRounds is how many past rounds a pair may not be repeated in.
	RepeatWindowRounds int `mapstructure:"repeat_window_rounds"`
	// DefaultCadence is the session cadence proposed in the opt-in modal: weekly, biweekly or monthly.
	DefaultCadence string `mapstructure:"default_cadence"`
	// NudgeAfterDays is how long an unanswered check-in waits before its one nudge.
	NudgeAfterDays int `mapstructure:"nudge_after_days"`
	// WorkingHours is when prompts, nudges and pulse surveys may reach people, in each
	// person's own time zone, e.g. "09:00-18:00"; messages due outside are held.
	WorkingHours string `mapstructure:"working_hours"`
	// WorkingDays are the days WorkingHours apply on, e.g. [mon, tue, wed, thu, fri].
	WorkingDays []string `mapstructure:"working_days"`
}

// Topic is one entry of the topic catalogue: a stable ID (stored with the
// participants' choices) and its label in each language.
type Topic struct {
	ID string `mapstructure:"id" json:"id"`
	EN string `mapstructure:"en" json:"en"`
	JA string `mapstructure:"ja" json:"ja"`
}

// ScheduleConfig holds the cron expressions of the scheduled jobs, read in the
// programme's time zone, and the bound on catching up missed slots.
type ScheduleConfig struct {
	// Sweep finds check-ins due, nudges and stalled pairs.
	Sweep string `mapstructure:"sweep"`
	// Pulse sends the pulse surveys.
	Pulse string `mapstructure:"pulse"`
	// WeeklySummary posts the HR summary.
	WeeklySummary string `mapstructure:"weekly_summary"`
	// CatchUpWindow is how far back missed slots are still run after a restart; older ones are skipped.
	CatchUpWindow time.Duration `mapstructure:"catch_up_window"`
}

// BotConfig sizes the pool that handles Slack envelopes after they are acked.
type BotConfig struct {
	// Workers is the number of handler goroutines.
	Workers int `mapstructure:"workers"`
	// QueueSize is how many acked envelopes may wait for a worker.
	QueueSize int `mapstructure:"queue_size"`
}

// OutboxConfig limits the rate at which the outbox sends messages to Slack.
type OutboxConfig struct {
	// RatePerSecond is the global steady send rate.
	RatePerSecond float64 `mapstructure:"rate_per_second"`
	// Burst is how many sends may go at once above the steady rate.
	Burst int `mapstructure:"burst"`
	// Lease is how long a message being sent is reserved; after a crash, a message
	// still marked as sending is reconciled once its lease has run out.
	Lease time.Duration `mapstructure:"lease"`
	// RequestTimeout bounds each Slack call of the sender; at most a quarter of Lease.
	RequestTimeout time.Duration `mapstructure:"request_timeout"`
	// MaxAge is how long a message is retried against transient errors (network, 5xx,
	// timeouts) before it fails and HR is shown why; 0 means the sender's default, 24h.
	MaxAge time.Duration `mapstructure:"max_age"`
	// MethodRatePerMinute paces each of conversations.open, conversations.history and
	// chat.update (Slack's Tier 3, about 50 a minute). 0 leaves them paced by Slack's
	// Retry-After alone, and so does a run on a simulated Clock.
	MethodRatePerMinute float64 `mapstructure:"method_rate_per_minute"`
}

// LogConfig chooses what the process logs and how.
type LogConfig struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is text or json.
	Format string `mapstructure:"format"`
}

// SlogLevel returns Level as a slog.Level (info for anything unknown, which
// validation rejects anyway).
func (l LogConfig) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Redacted returns a copy of c that is safe to log: the tokens are replaced by
// their prefix and "…redacted". Slices are shared with c.
func (c Config) Redacted() Config {
	c.Slack.AppToken = redactToken(c.Slack.AppToken, AppTokenPrefix)
	c.Slack.BotToken = redactToken(c.Slack.BotToken, BotTokenPrefix)
	return c
}

// Prefixes of Slack's app-level and bot tokens.
const (
	AppTokenPrefix = "xapp-"
	BotTokenPrefix = "xoxb-"
)

// redactToken hides a token, keeping only its expected prefix when it has it.
func redactToken(token, prefix string) string {
	switch {
	case token == "":
		return ""
	case strings.HasPrefix(token, prefix):
		return prefix + "…redacted"
	default:
		return "…redacted"
	}
}
