package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
)

const (
	testAppToken = "xapp-1-A0TEST-1234-secretappvalue"
	testBotToken = "xoxb-1234-5678-secretbotvalue"
)

// slackEnv is the least environment with which run may start.
var slackEnv = []string{
	"SLACK_APP_TOKEN=" + testAppToken,
	"SLACK_BOT_TOKEN=" + testBotToken,
	"REVERSE_MENTOR_PROGRAM_HR_CHANNEL=C0HRCHANNEL",
}

// writeConfig writes a YAML config file in a fresh temp dir and returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dbEnv points database.path into a fresh temp dir.
func dbEnv(t *testing.T) string {
	return "REVERSE_MENTOR_DATABASE_PATH=" + filepath.Join(t.TempDir(), "rm.db")
}

// problemsOf returns the problems of a *ConfigError, failing the test for any other error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConfigError, got %v", err)
	}
	return ce.Problems
}

// containsProblem reports whether some problem contains want.
func containsProblem(problems []string, want string) bool {
	return slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) })
}

func TestLoadConfig_DefaultsWithEnvOnly(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./config.yaml here
	dbPath := filepath.Join(t.TempDir(), "rm.db")
	env := append(slices.Clone(slackEnv), "REVERSE_MENTOR_DATABASE_PATH="+dbPath, "HOME=/nowhere", "PATH=/bin")

	got, err := LoadConfig("", env, RequireSlack|RequireDatabase)
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	want := app.Config{
		Slack:    app.SlackConfig{AppToken: testAppToken, BotToken: testBotToken, APIURL: "https://slack.com/api/"},
		Database: app.DatabaseConfig{Path: dbPath},
		Program: app.ProgramConfig{
			HRChannel: "C0HRCHANNEL", Language: "ja", Timezone: "Asia/Tokyo", Location: tokyo,
			MinGroupSize: 5, RepeatWindowRounds: 6, DefaultCadence: "biweekly", NudgeAfterDays: 3,
			WorkingHours: "09:00-18:00", WorkingDays: []string{"mon", "tue", "wed", "thu", "fri"},
		},
		Schedule: app.ScheduleConfig{Sweep: "*/15 * * * *", Pulse: "0 10 * * MON", WeeklySummary: "0 9 * * FRI", CatchUpWindow: 24 * time.Hour},
		Bot:      app.BotConfig{Workers: 16, QueueSize: 1024},
		Outbox: app.OutboxConfig{RatePerSecond: 10, Burst: 10, Lease: 2 * time.Minute, RequestTimeout: 15 * time.Second,
			MaxAge: 24 * time.Hour, MethodRatePerMinute: 50},
		Log: app.LogConfig{Level: "info", Format: "text"},
	}
	if got.Program.Location == nil || got.Program.Location.String() != "Asia/Tokyo" {
		t.Errorf("Location = %v, want Asia/Tokyo", got.Program.Location)
	}
	got.Program.Location = tokyo
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadConfig =\n%+v\nwant\n%+v", got.Redacted(), want.Redacted())
	}
}

func TestLoadConfig_WithoutSlackRequirementNeedsNoTokens(t *testing.T) {
	t.Chdir(t.TempDir())
	if _, err := LoadConfig("", nil, 0); err != nil {
		t.Fatalf("demo-style load with empty environment: %v", err)
	}
	_, err := LoadConfig("", nil, RequireSlack)
	problems := problemsOf(t, err)
	for _, want := range []string{
		"slack.app_token is missing (set REVERSE_MENTOR_SLACK_APP_TOKEN or SLACK_APP_TOKEN)",
		"slack.bot_token is missing (set REVERSE_MENTOR_SLACK_BOT_TOKEN or SLACK_BOT_TOKEN)",
		"program.hr_channel is missing",
	} {
		if !containsProblem(problems, want) {
			t.Errorf("problems %q lack %q", problems, want)
		}
	}
	if len(problems) != 3 {
		t.Errorf("want 3 problems, got %d: %q", len(problems), problems)
	}
}

func TestLoadConfig_FileThenEnv(t *testing.T) {
	const file = `
slack:
  api_url: "http://127.0.0.1:9999/api/"
program:
  hr_channel: C0FROMFILE
  admins: [U0AAA, W0BBB]
  language: en
  timezone: Europe/Paris
  min_group_size: 7
  departments: [Sales, Engineering]
  topics:
    - {id: ai, en: AI tools, ja: AIツール}
  allow_same_department: true
  default_cadence: monthly
schedule:
  sweep: "@hourly"
  catch_up_window: 90m
outbox:
  rate_per_second: 0.5
log:
  format: json
`
	tests := []struct {
		name  string
		env   []string
		check func(t *testing.T, c app.Config)
	}{
		{
			name: "file values",
			check: func(t *testing.T, c app.Config) {
				if c.Slack.APIURL != "http://127.0.0.1:9999/api/" || c.Program.HRChannel != "C0FROMFILE" ||
					!slices.Equal(c.Program.Admins, []string{"U0AAA", "W0BBB"}) || c.Program.Language != "en" ||
					c.Program.Location.String() != "Europe/Paris" || c.Program.MinGroupSize != 7 ||
					!slices.Equal(c.Program.Departments, []string{"Sales", "Engineering"}) ||
					!slices.Equal(c.Program.Topics, []app.Topic{{ID: "ai", EN: "AI tools", JA: "AIツール"}}) ||
					!c.Program.AllowSameDepartment || c.Program.DefaultCadence != "monthly" ||
					c.Schedule.Sweep != "@hourly" || c.Schedule.CatchUpWindow != 90*time.Minute ||
					c.Outbox.RatePerSecond != 0.5 || c.Log.Format != "json" {
					t.Errorf("file values not loaded: %+v", c.Redacted())
				}
				if c.Schedule.Pulse != "0 10 * * MON" || c.Bot.Workers != 16 || c.Log.Level != "info" {
					t.Errorf("defaults for keys absent from the file lost: %+v", c.Redacted())
				}
			},
		},
		{
			name: "env overrides file",
			env: []string{
				"REVERSE_MENTOR_PROGRAM_HR_CHANNEL=G0FROMENV",
				"REVERSE_MENTOR_PROGRAM_LANGUAGE=ja",
				"REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE=3",
				"REVERSE_MENTOR_PROGRAM_ALLOW_SAME_DEPARTMENT=false",
				"REVERSE_MENTOR_SCHEDULE_CATCH_UP_WINDOW=2h30m",
				"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=2.5",
				"REVERSE_MENTOR_BOT_WORKERS=4",
				"REVERSE_MENTOR_LOG_LEVEL=debug",
			},
			check: func(t *testing.T, c app.Config) {
				if c.Program.HRChannel != "G0FROMENV" || c.Program.Language != "ja" || c.Program.MinGroupSize != 3 ||
					c.Program.AllowSameDepartment || c.Schedule.CatchUpWindow != 150*time.Minute ||
					c.Outbox.RatePerSecond != 2.5 || c.Bot.Workers != 4 || c.Log.Level != "debug" {
					t.Errorf("env did not override: %+v", c.Redacted())
				}
				if c.Program.Timezone != "Europe/Paris" {
					t.Errorf("file value lost: timezone = %q", c.Program.Timezone)
				}
			},
		},
		{
			name: "empty env value counts as unset",
			env:  []string{"REVERSE_MENTOR_PROGRAM_LANGUAGE="},
			check: func(t *testing.T, c app.Config) {
				if c.Program.Language != "en" {
					t.Errorf("language = %q, want the file's en", c.Program.Language)
				}
			},
		},
	}
	path := writeConfig(t, file)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := append([]string{"SLACK_APP_TOKEN=" + testAppToken, "SLACK_BOT_TOKEN=" + testBotToken, dbEnv(t)}, tt.env...)
			c, err := LoadConfig(path, env, RequireSlack|RequireDatabase)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLoadConfig_SlackTokenEnvFallbackAndPrecedence(t *testing.T) {
	const (
		ownApp = "xapp-own"
		ownBot = "xoxb-own"
	)
	tests := []struct {
		name             string
		file             string
		env              []string
		wantApp, wantBot string
	}{
		{
			name:    "SLACK_ variables alone",
			env:     []string{"SLACK_APP_TOKEN=" + testAppToken, "SLACK_BOT_TOKEN=" + testBotToken},
			wantApp: testAppToken, wantBot: testBotToken,
		},
		{
			name:    "REVERSE_MENTOR_ variables alone",
			env:     []string{"REVERSE_MENTOR_SLACK_APP_TOKEN=" + ownApp, "REVERSE_MENTOR_SLACK_BOT_TOKEN=" + ownBot},
			wantApp: ownApp, wantBot: ownBot,
		},
		{
			name: "REVERSE_MENTOR_ wins over SLACK_",
			env: []string{
				"SLACK_APP_TOKEN=" + testAppToken, "REVERSE_MENTOR_SLACK_APP_TOKEN=" + ownApp,
				"REVERSE_MENTOR_SLACK_BOT_TOKEN=" + ownBot, "SLACK_BOT_TOKEN=" + testBotToken,
			},
			wantApp: ownApp, wantBot: ownBot,
		},
		{
			name:    "SLACK_ wins over the file",
			file:    "slack:\n  app_token: xapp-file\n  bot_token: xoxb-file\n",
			env:     []string{"SLACK_APP_TOKEN=" + testAppToken},
			wantApp: testAppToken, wantBot: "xoxb-file",
		},
		{
			name:    "empty REVERSE_MENTOR_ falls back to SLACK_",
			env:     []string{"REVERSE_MENTOR_SLACK_APP_TOKEN=", "SLACK_APP_TOKEN=" + testAppToken, "SLACK_BOT_TOKEN=" + testBotToken},
			wantApp: testAppToken, wantBot: testBotToken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file)
			env := append([]string{"REVERSE_MENTOR_PROGRAM_HR_CHANNEL=C0HR"}, tt.env...)
			c, err := LoadConfig(path, env, RequireSlack)
			if err != nil {
				t.Fatal(err)
			}
			if c.Slack.AppToken != tt.wantApp || c.Slack.BotToken != tt.wantBot {
				t.Errorf("tokens = %q, %q; want %q, %q", c.Slack.AppToken, c.Slack.BotToken, tt.wantApp, tt.wantBot)
			}
		})
	}
}

func TestLoadConfig_CommaSeparatedListsFromEnv(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
	}{
		{"one", "U0AAA", []string{"U0AAA"}},
		{"several", "U0AAA,W0BBB,U0CCC", []string{"U0AAA", "W0BBB", "U0CCC"}},
		{"spaces and empty items", " U0AAA , ,W0BBB, ", []string{"U0AAA", "W0BBB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, "program:\n  admins: [U0FILE]\n  departments: [File]\n")
			env := []string{
				"REVERSE_MENTOR_PROGRAM_ADMINS=" + tt.value,
				"REVERSE_MENTOR_PROGRAM_DEPARTMENTS=" + strings.ReplaceAll(tt.value, "U0", "Dept "),
			}
			c, err := LoadConfig(path, env, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Program.Admins, tt.want) {
				t.Errorf("admins = %q, want %q", c.Program.Admins, tt.want)
			}
			var wantDepts []string
			for _, w := range tt.want {
				wantDepts = append(wantDepts, strings.ReplaceAll(w, "U0", "Dept "))
			}
			if !slices.Equal(c.Program.Departments, wantDepts) {
				t.Errorf("departments = %q, want %q", c.Program.Departments, wantDepts)
			}
		})
	}
}

func TestLoadConfig_TopicsFromEnvJSON(t *testing.T) {
	tests := []struct {
		name, value string
		want        []app.Topic
		wantProblem string
	}{
		{
			name:  "array of objects",
			value: `[{"id":"ai","en":"AI tools","ja":"AIツール"},{"id":"sns","en":"Social media","ja":"SNS"}]`,
			want:  []app.Topic{{ID: "ai", EN: "AI tools", JA: "AIツール"}, {ID: "sns", EN: "Social media", JA: "SNS"}},
		},
		{name: "not JSON", value: `ai,sns`, wantProblem: "program.topics must be a JSON array"},
		{name: "not an array", value: `{"id":"ai"}`, wantProblem: "program.topics must be a list"},
		{name: "unknown field", value: `[{"id":"ai","en":"AI","ja":"AI","label":"x"}]`, wantProblem: `unknown field "label"`},
		{name: "missing label", value: `[{"id":"ai","en":"AI"}]`, wantProblem: "program.topics[0] has no ja label"},
		{name: "duplicate id", value: `[{"id":"ai","en":"A","ja":"A"},{"id":"ai","en":"B","ja":"B"}]`, wantProblem: `program.topics[1]: id "ai" is used twice`},
		{name: "empty id", value: `[{"id":" ","en":"A","ja":"A"}]`, wantProblem: "program.topics[0] has no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, "")
			c, err := LoadConfig(path, []string{"REVERSE_MENTOR_PROGRAM_TOPICS=" + tt.value}, 0)
			if tt.wantProblem != "" {
				if problems := problemsOf(t, err); !containsProblem(problems, tt.wantProblem) {
					t.Errorf("problems %q lack %q", problems, tt.wantProblem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Program.Topics, tt.want) {
				t.Errorf("topics = %+v, want %+v", c.Program.Topics, tt.want)
			}
		})
	}
}

func TestLoadConfig_ConfigFilePresence(t *testing.T) {
	t.Run("missing default file is fine", func(t *testing.T) {
		t.Chdir(t.TempDir())
		if _, err := LoadConfig("", nil, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("default file is read when present", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		if err := os.WriteFile(filepath.Join(dir, DefaultConfigPath), []byte("log:\n  level: warn\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig("", nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.Log.Level != "warn" {
			t.Errorf("log.level = %q, want warn from ./config.yaml", c.Log.Level)
		}
	})
	t.Run("missing explicit file is an error naming it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := LoadConfig(path, slackEnv, 0)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v, want not-exist naming %s", err, path)
		}
	})
	t.Run("YAML syntax error names the file", func(t *testing.T) {
		path := writeConfig(t, "program:\n  admins: [U0AAA\n")
		_, err := LoadConfig(path, nil, 0)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("err = %v, want a parse error naming %s", err, path)
		}
	})
}

func TestLoadConfig_ListsEveryProblemAtOnce(t *testing.T) {
	path := writeConfig(t, `
program:
  language: fr
  min_group_size: 1
  default_cadence: daily
log:
  level: verbose
bot:
  workers: 0
`)
	_, err := LoadConfig(path, nil, 0)
	problems := problemsOf(t, err)
	want := []string{
		"program.language must be ja or en",
		"program.min_group_size must be at least 2",
		"program.default_cadence must be weekly, biweekly or monthly",
		"bot.workers must be between 1 and 1024",
		"log.level must be debug, info, warn or error",
	}
	if len(problems) != len(want) {
		t.Fatalf("want %d problems, got %d:\n%s", len(want), len(problems), err)
	}
	for i, w := range want {
		if !strings.Contains(problems[i], w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, problems[i], w)
		}
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 1+len(want) || lines[0] != "invalid configuration:" {
		t.Errorf("Error() =\n%s\nwant a heading and %d lines", err, len(want))
	}
}

func TestLoadConfig_UnknownKeysInFile(t *testing.T) {
	tests := []struct {
		name, file  string
		wantProblem string
	}{
		{name: "typo", file: "program:\n  hr_chanel: C0HR\n", wantProblem: "program.hr_chanel in "},
		{name: "typo suggestion", file: "program:\n  hr_chanel: C0HR\n", wantProblem: "(did you mean program.hr_channel?)"},
		{name: "wrong section", file: "slack:\n  workers: 3\n", wantProblem: "slack.workers in"},
		{name: "wrong section suggestion", file: "slack:\n  workers: 3\n", wantProblem: "(did you mean bot.workers?)"},
		{name: "unknown section", file: "metrics:\n  port: 9090\n", wantProblem: "metrics.port in"},
		{name: "section given a value", file: "log: debug\n", wantProblem: "log in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file)
			_, err := LoadConfig(path, nil, 0)
			problems := problemsOf(t, err)
			if !containsProblem(problems, tt.wantProblem) {
				t.Errorf("problems %q lack %q", problems, tt.wantProblem)
			}
		})
	}
	t.Run("empty sections are fine", func(t *testing.T) {
		if _, err := LoadConfig(writeConfig(t, "slack:\nprogram:\n  admins:\n"), nil, 0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoadConfig_EnvironmentDoesNotLeakBetweenCalls(t *testing.T) {
	path := writeConfig(t, "")
	if _, err := LoadConfig(path, []string{"REVERSE_MENTOR_LOG_LEVEL=debug"}, 0); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Log.Level != "info" {
		t.Errorf("log.level = %q after a call with another environment, want info", c.Log.Level)
	}
}

func TestLoadConfig_ConvertsFileAndEnvValues(t *testing.T) {
	path := writeConfig(t, `
program:
  nudge_after_days: 2.0
  admins: U0ONE
  departments: [" Sales ", "", Engineering]
schedule:
  catch_up_window: 0
outbox:
  rate_per_second: 3
  lease: 10m
log:
  level: " debug "
`)
	env := []string{
		"REVERSE_MENTOR_BOT_WORKERS= 8 ",
		"REVERSE_MENTOR_PROGRAM_ALLOW_SAME_DEPARTMENT=1",
		"REVERSE_MENTOR_OUTBOX_REQUEST_TIMEOUT=0.5s",
	}
	c, err := LoadConfig(path, env, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Program.NudgeAfterDays != 2 || c.Schedule.CatchUpWindow != 0 || c.Outbox.RatePerSecond != 3 ||
		c.Outbox.Lease != 10*time.Minute || c.Log.Level != "debug" || c.Bot.Workers != 8 ||
		!c.Program.AllowSameDepartment || c.Outbox.RequestTimeout != 500*time.Millisecond {
		t.Errorf("values not converted: %+v", c.Redacted())
	}
	if !slices.Equal(c.Program.Admins, []string{"U0ONE"}) {
		t.Errorf("admins = %q, want a single value read as a list of one", c.Program.Admins)
	}
	if !slices.Equal(c.Program.Departments, []string{"Sales", "Engineering"}) {
		t.Errorf("departments = %q, want items trimmed and empty ones dropped", c.Program.Departments)
	}
}

func TestLoadConfig_WrongTypesNameTheKeyAndTheRestIsStillChecked(t *testing.T) {
	path := writeConfig(t, `
program:
  language: fr
  allow_same_department: 1
bot:
  workers: true
outbox:
  rate_per_second: fast
`)
	env := []string{"REVERSE_MENTOR_OUTBOX_LEASE=2", "REVERSE_MENTOR_BOT_QUEUE_SIZE=1.5"}
	_, err := LoadConfig(path, env, 0)
	problems := problemsOf(t, err)
	want := []string{
		`program.allow_same_department must be true or false (got "1")`,
		`bot.workers must be a whole number (got "true")`,
		`bot.queue_size must be a whole number (got "1.5") (from REVERSE_MENTOR_BOT_QUEUE_SIZE)`,
		`outbox.rate_per_second must be a number (got "fast")`,
		`outbox.lease must be a duration with a unit, like 24h or 90m (got "2") (from REVERSE_MENTOR_OUTBOX_LEASE)`,
		// Validation still runs on the keys that decoded.
		`program.language must be ja or en (got "fr")`,
	}
	for _, w := range want {
		if !slices.Contains(problems, w) {
			t.Errorf("problems lack %q", w)
		}
	}
	if len(problems) != len(want) {
		t.Errorf("want %d problems, got %d:\n%s", len(want), len(problems), err)
	}
}

func TestLoadConfig_UnknownEnvironmentVariables(t *testing.T) {
	tests := []struct {
		name, variable, wantProblem string
	}{
		{"typo", "REVERSE_MENTOR_PROGRAM_HR_CHANEL", "(did you mean REVERSE_MENTOR_PROGRAM_HR_CHANNEL?)"},
		{"wrong section", "REVERSE_MENTOR_SLACK_WORKERS", "(did you mean REVERSE_MENTOR_BOT_WORKERS?)"},
		{"no section", "REVERSE_MENTOR_HR_CHANNEL", "(did you mean REVERSE_MENTOR_PROGRAM_HR_CHANNEL?)"},
		{"lower case", "REVERSE_MENTOR_log_level", "(did you mean REVERSE_MENTOR_LOG_LEVEL?)"},
		{"nothing close", "REVERSE_MENTOR_METRICS_PORT", "environment variable REVERSE_MENTOR_METRICS_PORT is not a known setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(writeConfig(t, ""), []string{tt.variable + "=x"}, 0)
			problems := problemsOf(t, err)
			if len(problems) != 1 || !strings.Contains(problems[0], tt.wantProblem) {
				t.Errorf("problems %q, want one containing %q", problems, tt.wantProblem)
			}
		})
	}
	t.Run("other variables are left alone", func(t *testing.T) {
		if _, err := LoadConfig(writeConfig(t, ""), []string{"SLACK_SIGNING_SECRET=x", "REVERSE_MENTORSHIP=1"}, 0); err != nil {
			t.Fatal(err)
		}
	})
}
