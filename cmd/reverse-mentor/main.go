// Command reverse-mentor runs a reverse mentoring programme in Slack: `run` serves a
// workspace over Socket Mode, `demo` plays a whole programme against a built-in fake
// Slack, `bench` measures the matching engine and `version` prints build information.
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

// run dispatches to a subcommand; with none it serves (`run`).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	name := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	switch name {
	case "run":
		return runServe(ctx, args, stdout, stderr)
	case "demo":
		return runDemo(ctx, args, stdout, stderr)
	case "import-org":
		return runImportOrg(ctx, args, stdout, stderr)
	case "bench":
		return runBench(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return exitOK
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "reverse-mentor: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: reverse-mentor [command] [flags]

Commands:
  run       serve the Slack workspace over Socket Mode (the default)
            flags: --config FILE (default ./config.yaml), --dry-run (jobs list what they
            would send; nothing is sent)
  demo      play a whole programme against a built-in fake Slack, no account needed
            flags: --people N --weeks N --seed N --lang ja|en --out DIR
  bench     bench match --costs FILE [--json]: solve a dense cost matrix, print the figures
  import-org FILE.csv  load departments and reporting lines (user ID or email, department,
            manager ID or email); flags: --config FILE --dry-run
  version   print version and build information

Configuration: a YAML file (--config) and REVERSE_MENTOR_* environment variables;
see config.example.yaml.
`)
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

// configFlag registers --config; explicit reports whether it was given.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "YAML config file (default ./config.yaml, which may be missing)")
}

// parseFlags parses args, printing errors to stderr; it returns an exit code when the
// caller should stop.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
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
