package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// runBackup is `reverse-mentor backup --out FILE`: a consistent copy of the database
// (SQLite's VACUUM INTO), safe while the bot runs. Restore: stop the bot, replace the
// database file with the copy, start it.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	path := configFlag(fs)
	out := fs.String("out", "", "the file to write (it must not exist yet)")
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "backup: --out FILE is required")
		return exitUsage
	}
	cfg, err := LoadConfig(*path, environ(), RequireDatabase)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	db, err := store.Open(ctx, cfg.Database.Path)
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return exitFailed
	}
	defer db.Close()
	size, err := db.Backup(ctx, *out)
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes): a consistent copy of %s\n", *out, size, cfg.Database.Path)
	return exitOK
}
