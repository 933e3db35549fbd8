package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/bot"
)

// runServe is `reverse-mentor run`: it loads the configuration, assembles the app and
// serves until ctx ends (SIGINT or SIGTERM).
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	path := configFlag(fs)
	dryRun := fs.Bool("dry-run", false, "scheduled jobs log what they would send instead of sending it; the outbox is not drained")
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	cfg, err := LoadConfig(*path, environ(), RequireSlack|RequireDatabase)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	log := newLogger(cfg.Log, stderr)
	m := &app.Main{Config: cfg, Log: log, DryRun: *dryRun}
	closeApp := func() {
		if err := m.Close(); err != nil {
			log.Error("close", "err", err)
		}
	}
	if err := m.Open(ctx); err != nil {
		log.Error("start failed", "err", bot.Redact(err.Error()))
		closeApp()
		return exitFailed
	}
	err = m.Run(ctx)
	closeApp()
	if err != nil {
		log.Error("stopped with an error", "err", bot.Redact(err.Error()))
		return exitFailed
	}
	log.Info("stopped")
	return exitOK
}

// newLogger builds the process logger from the log settings.
func newLogger(c app.LogConfig, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// environ is the process environment, read once at load.
func environ() []string { return os.Environ() }
