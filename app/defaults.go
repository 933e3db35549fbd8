package app

import "time"

// Defaults returns the configuration every key defaults to: the one source of the
// defaults that the configuration loader, config.example.yaml (a test keeps it in step),
// the demo and the tests start from. Slack tokens, the HR channel and the admins have no
// default.
func Defaults() Config {
	return Config{
		Slack:    SlackConfig{APIURL: "https://slack.com/api/"},
		Database: DatabaseConfig{Path: "reverse-mentor.db"},
		Program: ProgramConfig{
			Language:           "ja",
			Timezone:           "Asia/Tokyo",
			MinGroupSize:       5,
			RepeatWindowRounds: 6,
			DefaultCadence:     "biweekly",
			NudgeAfterDays:     3,
			WorkingHours:       "09:00-18:00",
			WorkingDays:        []string{"mon", "tue", "wed", "thu", "fri"},
		},
		Schedule: ScheduleConfig{
			Sweep:         "*/15 * * * *",
			Pulse:         "0 10 * * MON",
			WeeklySummary: "0 9 * * FRI",
			CatchUpWindow: 24 * time.Hour,
		},
		Bot: BotConfig{Workers: 16, QueueSize: 1024},
		Outbox: OutboxConfig{RatePerSecond: 10, Burst: 10, Lease: 2 * time.Minute, RequestTimeout: 15 * time.Second,
			MaxAge: 24 * time.Hour, MethodRatePerMinute: 50},
		Log: LogConfig{Level: "info", Format: "text"},
	}
}
