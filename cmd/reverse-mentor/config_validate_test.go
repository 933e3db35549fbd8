package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/app"
)

func TestLoadConfig_ValueProblems(t *testing.T) {
	tests := []struct {
		name        string
		file        string
		env         []string
		wantProblem string
	}{
		{name: "api url without slash", env: []string{"REVERSE_MENTOR_SLACK_API_URL=https://slack.com/api"}, wantProblem: `slack.api_url must end with "/"`},
		{name: "api url not http", env: []string{"REVERSE_MENTOR_SLACK_API_URL=ftp://slack.com/api/"}, wantProblem: "slack.api_url must be an http or https URL"},
		{name: "channel name instead of ID", env: []string{"REVERSE_MENTOR_PROGRAM_HR_CHANNEL=#hr"}, wantProblem: "program.hr_channel must be a channel ID"},
		{name: "admin not a user ID", env: []string{"REVERSE_MENTOR_PROGRAM_ADMINS=U0OK,alice@example.com"}, wantProblem: `program.admins: "alice@example.com" is not a user ID`},
		{name: "bad time zone", env: []string{"REVERSE_MENTOR_PROGRAM_TIMEZONE=Asia/Tokio"}, wantProblem: `program.timezone "Asia/Tokio" is not a known time zone`},
		{name: "bad cron", env: []string{"REVERSE_MENTOR_SCHEDULE_PULSE=0 10 * MON"}, wantProblem: `schedule.pulse "0 10 * MON" is not a cron expression`},
		{name: "cron with six fields", file: "schedule:\n  sweep: \"0 */15 * * * *\"\n", wantProblem: "schedule.sweep"},
		{name: "cron with its own zone", env: []string{"REVERSE_MENTOR_SCHEDULE_WEEKLY_SUMMARY=CRON_TZ=UTC"}, wantProblem: "schedule.weekly_summary \"CRON_TZ=UTC\" must not set a time zone"},
		{name: "not a number from env", env: []string{"REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE=five"}, wantProblem: `program.min_group_size must be a whole number (got "five") (from REVERSE_MENTOR_PROGRAM_MIN_GROUP_SIZE)`},
		{name: "fraction for an int", file: "program:\n  nudge_after_days: 1.5\n", wantProblem: "program.nudge_after_days must be a whole number"},
		{name: "duration without unit", file: "schedule:\n  catch_up_window: 24\n", wantProblem: "schedule.catch_up_window must be a duration with a unit"},
		{name: "negative duration", env: []string{"REVERSE_MENTOR_SCHEDULE_CATCH_UP_WINDOW=-1h"}, wantProblem: "schedule.catch_up_window must not be negative"},
		{name: "bad bool", env: []string{"REVERSE_MENTOR_PROGRAM_ALLOW_SAME_DEPARTMENT=sometimes"}, wantProblem: "program.allow_same_department must be true or false"},
		{name: "zero rate", env: []string{"REVERSE_MENTOR_OUTBOX_RATE_PER_SECOND=0"}, wantProblem: "outbox.rate_per_second must be a number above 0"},
		{name: "short max age", env: []string{"REVERSE_MENTOR_OUTBOX_MAX_AGE=30s"}, wantProblem: "outbox.max_age must be at least 1m (got 30s)"},
		{name: "zero method rate", env: []string{"REVERSE_MENTOR_OUTBOX_METHOD_RATE_PER_MINUTE=0"}, wantProblem: "outbox.method_rate_per_minute must be a number above 0"},
		{name: "huge queue", env: []string{"REVERSE_MENTOR_BOT_QUEUE_SIZE=99999999"}, wantProblem: "bot.queue_size must be between 1 and"},
		{name: "bad log format", env: []string{"REVERSE_MENTOR_LOG_FORMAT=xml"}, wantProblem: "log.format must be text or json"},
		{name: "list where a value belongs", file: "log:\n  level: [info]\n", wantProblem: "log.level must be a single value"},
		{name: "duplicate department", file: "program:\n  departments: [Sales, Sales]\n", wantProblem: `program.departments lists "Sales" twice`},
		{name: "unknown env variable", env: []string{"REVERSE_MENTOR_PROGRAM_HR_CHANEL=C0HR"}, wantProblem: "environment variable REVERSE_MENTOR_PROGRAM_HR_CHANEL is not a known setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.file)
			_, err := LoadConfig(path, tt.env, 0)
			problems := problemsOf(t, err)
			if !containsProblem(problems, tt.wantProblem) {
				t.Errorf("problems %q lack %q", problems, tt.wantProblem)
			}
			if len(problems) != 1 {
				t.Errorf("want exactly 1 problem, got %q", problems)
			}
		})
	}
}

func TestLoadConfig_TokenProblemsNeverShowTheToken(t *testing.T) {
	const (
		userToken = "xoxp-9999-supersecretuservalue"
		appToken  = "xapp-1-A0-supersecretapp"
		botToken  = "xoxb-2-supersecretbot"
	)
	tests := []struct {
		name        string
		env         []string
		wantProblem string
	}{
		{
			name:        "user token as bot token",
			env:         []string{"SLACK_APP_TOKEN=" + appToken, "SLACK_BOT_TOKEN=" + userToken},
			wantProblem: "slack.bot_token must start with xoxb-",
		},
		{
			name:        "tokens swapped",
			env:         []string{"SLACK_APP_TOKEN=" + botToken, "SLACK_BOT_TOKEN=" + appToken},
			wantProblem: "slack.app_token must start with xapp- (it looks like the other token",
		},
		{
			name:        "placeholder left in",
			env:         []string{"SLACK_APP_TOKEN=xapp-...", "SLACK_BOT_TOKEN=" + botToken},
			wantProblem: "slack.app_token is still the placeholder",
		},
		{
			name:        "token in a file with a space inside",
			env:         []string{"SLACK_APP_TOKEN=" + appToken, "REVERSE_MENTOR_SLACK_BOT_TOKEN=xoxb-2 supersecretbot"},
			wantProblem: "slack.bot_token contains spaces",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, "")
			env := append([]string{"REVERSE_MENTOR_PROGRAM_HR_CHANNEL=C0HR"}, tt.env...)
			_, err := LoadConfig(path, env, RequireSlack)
			problems := problemsOf(t, err)
			if !containsProblem(problems, tt.wantProblem) {
				t.Errorf("problems %q lack %q", problems, tt.wantProblem)
			}
			if msg := err.Error(); strings.Contains(msg, "supersecret") {
				t.Errorf("error shows a token:\n%s", msg)
			}
		})
	}
	t.Run("type problem on a token", func(t *testing.T) {
		path := writeConfig(t, "slack:\n  bot_token: [xoxb-supersecret]\n")
		_, err := LoadConfig(path, nil, 0)
		if !containsProblem(problemsOf(t, err), "slack.bot_token must be a single value") || strings.Contains(err.Error(), "supersecret") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestConfig_Redacted(t *testing.T) {
	c := app.Config{Slack: app.SlackConfig{AppToken: testAppToken, BotToken: "bad-secretbotvalue", APIURL: "https://slack.com/api/"}}
	r := c.Redacted()
	if r.Slack.AppToken != "xapp-…redacted" || r.Slack.BotToken != "…redacted" || r.Slack.APIURL != c.Slack.APIURL {
		t.Errorf("Redacted().Slack = %+v", r.Slack)
	}
	if c.Slack.AppToken != testAppToken {
		t.Error("Redacted changed its receiver")
	}
	if (app.Config{}).Redacted().Slack.BotToken != "" {
		t.Error("an unset token should stay empty")
	}
}

func TestLoadConfig_DatabasePath(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path  string
		req         Requirement
		wantProblem string // "" for none
		needsNoRoot bool
	}{
		{name: "missing directory", path: filepath.Join(t.TempDir(), "missing", "rm.db"), req: RequireDatabase, wantProblem: "no such file or directory"},
		{name: "parent is a file", path: filepath.Join(notADir, "rm.db"), req: RequireDatabase, wantProblem: "is not a directory"},
		{name: "path is a directory", path: t.TempDir(), req: RequireDatabase, wantProblem: "is not a regular file"},
		{name: "unwritable directory", path: filepath.Join(readOnly, "rm.db"), req: RequireDatabase, wantProblem: "is not writable", needsNoRoot: true},
		{name: "missing directory not checked without RequireDatabase", path: filepath.Join(t.TempDir(), "missing", "rm.db")},
		{name: "writable directory", path: filepath.Join(t.TempDir(), "rm.db"), req: RequireDatabase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needsNoRoot {
				probe, err := os.CreateTemp(readOnly, "probe")
				if err == nil {
					probe.Close()
					os.Remove(probe.Name())
					t.Skip("directory permissions are not enforced for this user")
				}
			}
			_, err := LoadConfig(writeConfig(t, ""), []string{"REVERSE_MENTOR_DATABASE_PATH=" + tt.path}, tt.req)
			if tt.wantProblem == "" {
				if err != nil {
					t.Fatal(err)
				}
				if entries, _ := os.ReadDir(filepath.Dir(tt.path)); len(entries) != 0 {
					t.Errorf("the check left files behind: %v", entries)
				}
				return
			}
			problems := problemsOf(t, err)
			if !containsProblem(problems, "database.path") || !containsProblem(problems, tt.wantProblem) {
				t.Errorf("problems %q lack %q", problems, tt.wantProblem)
			}
		})
	}
}

func TestLoadConfig_SchedulesAcceptEveryCronForm(t *testing.T) {
	keys := []string{"schedule.sweep", "schedule.pulse", "schedule.weekly_summary"}
	accepted := []string{
		"@every 30s", "@every 1m30s", "@every 2h",
		"@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
		"*/15 * * * *", "0 9 * * MON-FRI", "30 8 1,15 * *", "0 0 * JAN,JUL SUN", "0 10 * * 1",
		"  @weekly  ",
	}
	for _, key := range keys {
		for _, spec := range accepted {
			t.Run(key+" "+spec, func(t *testing.T) {
				c, err := LoadConfig(writeConfig(t, ""), []string{EnvName(key) + "=" + spec}, 0)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{
					"schedule.sweep": c.Schedule.Sweep, "schedule.pulse": c.Schedule.Pulse,
					"schedule.weekly_summary": c.Schedule.WeeklySummary,
				}[key]
				if got != strings.TrimSpace(spec) {
					t.Errorf("%s = %q, want %q", key, got, spec)
				}
			})
		}
	}

	refused := []struct{ spec, wantProblem string }{
		{"TZ=Asia/Tokyo 0 9 * * *", "must not set a time zone"},
		{"CRON_TZ=UTC 0 9 * * *", "must not set a time zone"},
		{"CRON_TZ=UTC @daily", "must not set a time zone"},
		{"every day", "is not a cron expression"},
		{"@fortnightly", "is not a cron expression"},
		{"@every soon", "is not a cron expression"},
		{"@every 500ms", "must be at least @every 1s"},
		{"61 * * * *", "is not a cron expression"},
		{"0 0 9 * * *", "is not a cron expression"},
		{"0 9 * *", "is not a cron expression"},
	}
	for _, key := range keys {
		for _, tt := range refused {
			t.Run(key+" refuses "+tt.spec, func(t *testing.T) {
				_, err := LoadConfig(writeConfig(t, ""), []string{EnvName(key) + "=" + tt.spec}, 0)
				problems := problemsOf(t, err)
				want := key + " " + strconv.Quote(tt.spec) + " " + tt.wantProblem
				if len(problems) != 1 || !strings.Contains(problems[0], want) {
					t.Errorf("problems %q, want one containing %q", problems, want)
				}
			})
		}
	}
}

func TestLoadConfig_APIURLIsHTTPSUnlessLoopback(t *testing.T) {
	tests := []struct {
		url         string
		wantProblem string // "" when accepted
	}{
		{url: "https://slack.com/api/"},
		{url: "https://slack.example.com:8443/api/"},
		{url: "https://10.0.0.1/api/"},
		{url: "http://127.0.0.1:43117/"},
		{url: "http://127.0.0.1:9999/api/"},
		{url: "http://127.1.2.3/api/"},
		{url: "http://localhost:8080/api/"},
		{url: "http://LocalHost/api/"},
		{url: "http://[::1]:8080/api/"},
		{url: "http://slack.com/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://10.0.0.1/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://128.0.0.1/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://127.0.0.1.example.com/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://localhost.example.com/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://[::2]/api/", wantProblem: "slack.api_url must be https"},
		{url: "http://0.0.0.0/api/", wantProblem: "slack.api_url must be https"},
		{url: "https://127.0.0.1/api", wantProblem: `slack.api_url must end with "/"`},
		{url: "file:///tmp/api/", wantProblem: "slack.api_url must be an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := LoadConfig(writeConfig(t, ""), []string{"REVERSE_MENTOR_SLACK_API_URL=" + tt.url}, 0)
			if tt.wantProblem == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Slack.APIURL != tt.url {
					t.Errorf("api_url = %q, want %q", c.Slack.APIURL, tt.url)
				}
				return
			}
			if problems := problemsOf(t, err); len(problems) != 1 || !strings.Contains(problems[0], tt.wantProblem) {
				t.Errorf("problems %q, want one containing %q", problems, tt.wantProblem)
			}
		})
	}
	t.Run("a password in the URL is not repeated", func(t *testing.T) {
		_, err := LoadConfig(writeConfig(t, ""), []string{"REVERSE_MENTOR_SLACK_API_URL=http://user:supersecret@slack.com/api/"}, 0)
		if problems := problemsOf(t, err); !containsProblem(problems, "must be https") || strings.Contains(err.Error(), "supersecret") {
			t.Errorf("err = %v", err)
		}
	})
}
