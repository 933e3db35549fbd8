package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// runExport is `reverse-mentor export --out DIR`: the same CSV files as `/reverse-mentor
// admin export` (participants, pairs, sessions, check-ins, pulses; private notes never),
// written to DIR, which is created 0700 if missing. It reads the database only, so it
// runs beside the bot and needs no Slack token.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	path := configFlag(fs)
	out := fs.String("out", "", "folder to write the CSV files to (created if missing)")
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "export: --out DIR is required")
		return exitUsage
	}
	cfg, err := LoadConfig(*path, environ(), 0)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	if _, err := os.Stat(cfg.Database.Path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "export: no database at %s (database.path)\n", cfg.Database.Path)
		return exitFailed
	}
	db, err := store.Open(ctx, cfg.Database.Path)
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return exitFailed
	}
	defer db.Close()
	tables, err := mentoring.NewService(db, mentoring.WallClock{}, mentoring.Options{}).ExportAll(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return exitFailed
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		fmt.Fprintln(stderr, "export:", err)
		return exitFailed
	}
	for _, t := range tables {
		if err := writeTable(filepath.Join(*out, t.Name), t); err != nil {
			fmt.Fprintln(stderr, "export:", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "%s\t%d rows\n", filepath.Join(*out, t.Name), len(t.Rows))
	}
	return exitOK
}

// writeTable writes one table as a CSV file readable by its owner only: the export holds
// people's answers.
func writeTable(path string, t mentoring.Table) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := t.WriteCSV(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
