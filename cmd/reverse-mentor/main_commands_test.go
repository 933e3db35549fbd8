package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestHelp_ListsTheCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, context.Background(), args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if strings.Contains(stdout, "Usage of") {
				t.Errorf("help was taken for run's flags:\n%s", stdout)
			}
			last := -1
			for _, c := range commands() {
				i := strings.Index(stdout, "  "+c.name+" ")
				if i < 0 || !strings.Contains(stdout, c.summary) {
					t.Errorf("help does not list %s with its summary:\n%s", c.name, stdout)
					continue
				}
				if i < last {
					t.Errorf("help lists %s out of the table's order", c.name)
				}
				last = i
			}
		})
	}
}

func TestHelp_ListsTheCommandsThatExist(t *testing.T) {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if got, want := strings.Join(names, " "), "run demo import-org export backup outbox bench version"; got != want {
		t.Errorf("commands = %s, want %s", got, want)
	}
}

func TestCommandHelp_SaysWhatTheCommandDoesAndItsFlags(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
	}{
		{"run", []string{"-config", "-dry-run"}},
		{"demo", []string{"-people", "-weeks", "-seed", "-lang", "-out"}},
		{"import-org", []string{"-config", "-dry-run"}},
		{"backup", []string{"-config", "-out"}},
		{"outbox", []string{"-config", "-all"}},
		{"version", nil},
	}
	for _, tt := range tests {
		c, ok := lookupCommand(tt.name)
		if !ok {
			t.Fatalf("no command %s", tt.name)
		}
		for _, args := range [][]string{{tt.name, "-h"}, {tt.name, "--help"}, {"help", tt.name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, stdout, stderr := runCmd(t, context.Background(), args...)
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d, stderr %q", code, stderr)
				}
				for _, want := range append([]string{
					"reverse-mentor " + tt.name + ": " + c.summary,
					"Usage: reverse-mentor " + tt.name,
				}, tt.flags...) {
					if !strings.Contains(stdout, want) {
						t.Errorf("help lacks %q:\n%s", want, stdout)
					}
				}
			})
		}
	}
	t.Run("bench -h", func(t *testing.T) {
		code, stdout, _ := runCmd(t, context.Background(), "bench", "-h")
		if code != exitOK || !strings.Contains(stdout, "bench match --costs FILE") {
			t.Fatalf("exit %d, stdout %q", code, stdout)
		}
	})
}

func TestUnknownCommand_ListsTheCommandsAndExitsWithUsage(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"help", "frobnicate"}, {"serve"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, context.Background(), args...)
			if code != exitUsage || stdout != "" {
				t.Fatalf("exit %d, stdout %q", code, stdout)
			}
			if !strings.Contains(stderr, `unknown command "`+args[len(args)-1]+`"`) || !strings.Contains(stderr, "import-org") {
				t.Errorf("stderr does not name the command and list the others:\n%s", stderr)
			}
		})
	}
}

func TestRun_IsTheDefaultCommandAndABadConfigExitsWithUsage(t *testing.T) {
	clearEnv(t)
	t.Chdir(t.TempDir())
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	code, _, stderr := runCmd(t, context.Background(), "--config", missing)
	if code != exitUsage || !strings.Contains(stderr, "nope.yaml") {
		t.Fatalf("flags alone should go to run: exit %d, stderr %q", code, stderr)
	}

	t.Setenv("REVERSE_MENTOR_LOG_LEVEL", "loud")
	t.Setenv("SLACK_BOT_TOKEN", "xoxp-1-supersecretvalue")
	code, _, stderr = runCmd(t, context.Background())
	if code != exitUsage {
		t.Fatalf("exit %d, want %d on a bad configuration", code, exitUsage)
	}
	if strings.Count(stderr, "\n  - ") < 3 || !strings.Contains(stderr, "log.level") || !strings.Contains(stderr, "slack.bot_token must start with xoxb-") {
		t.Errorf("stderr does not list every problem:\n%s", stderr)
	}
	if strings.Contains(stderr, "supersecret") {
		t.Errorf("a token was shown:\n%s", stderr)
	}
}
