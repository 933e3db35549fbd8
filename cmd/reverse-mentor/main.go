// Command reverse-mentor runs a reverse mentoring programme in Slack: `run` serves a
// workspace over Socket Mode, `demo` plays a whole programme against a built-in fake
// Slack, `import-org` loads reporting lines, `export` writes the data as CSV, `backup`
// copies the database, `outbox retry` re-queues failed messages, `bench` measures the
// matching engine and `version` prints build information. `reverse-mentor help` lists them, from the table
// in commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the command ran and failed
	exitUsage  = 2 // the command line or the configuration is wrong
)

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// tuneGC makes the collector run less often. The bot's live heap is a few megabytes, so
// by default it collects every few megabytes allocated, and during a burst of Socket Mode
// envelopes that takes the CPU from acknowledging them. A soft memory limit keeps the
// process small all the same. GOGC and GOMEMLIMIT in the environment still decide.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// command is one subcommand of reverse-mentor: the table below drives both the
// dispatch and the help.
type command struct {
	name string
	// summary says in a line what the command does.
	summary string
	// usage is the synopsis of its flags and arguments, after its name.
	usage string
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands returns every subcommand in the order the help lists them. It is a
// function rather than a variable because the commands' own flag sets read it back
// for their help.
func commands() []command {
	return []command{
		{
			name:    "run",
			summary: "serve the Slack workspace over Socket Mode (the default command)",
			usage:   "[--config FILE] [--dry-run]",
			run:     runServe,
		},
		{
			name:    "demo",
			summary: "play a whole programme against a built-in fake Slack, no account needed",
			usage:   "[--people N] [--weeks N] [--seed N] [--lang ja|en] [--out DIR] [-v]",
			run:     runDemo,
		},
		{
			name:    "import-org",
			summary: "load departments and reporting lines from an HR export (CSV)",
			usage:   "[--config FILE] [--dry-run] FILE.csv",
			run:     runImportOrg,
		},
		{
			name:    "export",
			summary: "write the programme's data as CSV files (never the private notes)",
			usage:   "--out DIR [--config FILE]",
			run:     runExport,
		},
		{
			name:    "backup",
			summary: "write a consistent copy of the database, also while the bot runs",
			usage:   "[--config FILE] --out FILE",
			run:     runBackup,
		},
		{
			name:    "outbox",
			summary: "put failed outbox messages back in the queue, each once",
			usage:   "retry [--config FILE] [--all | ID…]",
			run:     runOutbox,
		},
		{
			name:    "bench",
			summary: "measure the matching engine on a dense cost matrix",
			usage:   "match --costs FILE [--json]",
			run: func(_ context.Context, args []string, stdout, stderr io.Writer) int {
				return runBench(args, stdout, stderr)
			},
		},
		{
			name:    "version",
			summary: "print version and build information",
			run:     runVersion,
		},
	}
}

// lookupCommand returns the command called name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run dispatches to a subcommand; with none, or with only flags, it serves (`run`).
// `help`, -h and --help list the commands; `help CMD` and `CMD -h` show one.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !isHelpFlag(args[0])) {
		args = append([]string{"run"}, args...)
	}
	name, rest := args[0], args[1:]
	if name == "help" || isHelpFlag(name) {
		if len(rest) == 0 {
			usage(stdout)
			return exitOK
		}
		c, ok := lookupCommand(rest[0])
		if !ok {
			return unknownCommand(rest[0], stderr)
		}
		return c.run(ctx, []string{"-h"}, stdout, stdout)
	}
	c, ok := lookupCommand(name)
	if !ok {
		return unknownCommand(name, stderr)
	}
	if len(rest) > 0 && isHelpFlag(rest[0]) {
		// Help asked for is the output, not a diagnostic.
		stderr = stdout
	}
	return c.run(ctx, rest, stdout, stderr)
}

// isHelpFlag reports whether arg asks for help the way the flag package reads it.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "--h", "-help", "--help":
		return true
	}
	return false
}

// unknownCommand reports a command that is not in the table, lists the commands,
// and returns the exit code for a wrong command line.
func unknownCommand(name string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "reverse-mentor: unknown command %q\n\n", name)
	usage(stderr)
	return exitUsage
}

// usage lists the commands.
func usage(w io.Writer) {
	cmds := commands()
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	fmt.Fprint(w, "reverse-mentor runs a reverse mentoring programme in Slack.\n\n")
	fmt.Fprint(w, "Usage: reverse-mentor [COMMAND] [flags]\n\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprint(w, `
Without a command, reverse-mentor runs. "reverse-mentor help COMMAND" or
"reverse-mentor COMMAND -h" shows what a command takes.

Configuration: a YAML file (--config, default ./config.yaml, which may be missing) and
REVERSE_MENTOR_* environment variables; see config.example.yaml.
`)
}

// commandHelp gives fs, the flag set of a command in the table, a help that says
// what the command does and its synopsis above its flags. A flag set of another
// name (such as bench's "bench match") keeps its own.
func commandHelp(fs *flag.FlagSet) {
	c, ok := lookupCommand(fs.Name())
	if !ok {
		return
	}
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "reverse-mentor %s: %s\n\n", c.name, c.summary)
		fmt.Fprintf(w, "Usage: %s\n", strings.TrimSpace("reverse-mentor "+c.name+" "+c.usage))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
}

// runVersion is `reverse-mentor version`.
func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	fmt.Fprintln(stdout, versionString())
	return exitOK
}

// versionString describes this build from the module and VCS information Go embeds.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "reverse-mentor (unknown build)"
	}
	version, revision, modified, when := info.Main.Version, "", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		case "vcs.time":
			when = s.Value
		}
	}
	if len(revision) > 12 {
		revision = revision[:12]
	}
	out := "reverse-mentor " + version
	if revision != "" {
		out += " (" + revision + modified
		if when != "" {
			out += ", " + when
		}
		out += ")"
	}
	return out + " " + info.GoVersion
}

// configFlag registers --config on the flag set of a command, and gives the flag
// set its command's help (see commandHelp).
func configFlag(fs *flag.FlagSet) *string {
	commandHelp(fs)
	return fs.String("config", "", "YAML config file (default ./config.yaml, which may be missing)")
}

// parseFlags parses args, printing errors and help to stderr; it returns an exit code
// when the caller should stop. A command's flag set gets its help from the table of
// commands.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	commandHelp(fs)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, true
		}
		return exitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fs.Args())
		return exitUsage, true
	}
	return 0, false
}
