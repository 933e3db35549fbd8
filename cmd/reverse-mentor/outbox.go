package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// runOutbox is `reverse-mentor outbox retry [--all|ID…]`: put failed outbox messages
// back in the queue, each once. A running bot sends them at its next look at the queue;
// one not running sends them when it starts.
func runOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "retry" {
		if len(args) > 0 && isHelpFlag(args[0]) {
			args = []string{"retry", args[0]}
		} else {
			fmt.Fprintln(stderr, "usage: reverse-mentor outbox retry [--config FILE] [--all | ID…]")
			return exitUsage
		}
	}
	fs := flag.NewFlagSet("outbox", flag.ContinueOnError)
	path := configFlag(fs)
	all := fs.Bool("all", false, "retry every failed message")
	fs.SetOutput(stderr)
	if err := fs.Parse(reorderArgs(args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil || id <= 0 {
			fmt.Fprintf(stderr, "outbox retry: %q is not a message ID (the number HR's admin view shows after #)\n", a)
			return exitUsage
		}
		ids = append(ids, id)
	}
	if *all == (len(ids) > 0) {
		fmt.Fprintln(stderr, "outbox retry: give --all or the IDs of the failed messages to retry, not both")
		return exitUsage
	}
	cfg, err := LoadConfig(*path, environ(), RequireDatabase)
	if err != nil {
		fmt.Fprintln(stderr, bot.Redact(err.Error()))
		return exitUsage
	}
	db, err := store.Open(ctx, cfg.Database.Path)
	if err != nil {
		fmt.Fprintln(stderr, "outbox retry:", err)
		return exitFailed
	}
	defer db.Close()
	done, err := db.RetryFailedOutbox(ctx, ids, *all)
	if err != nil {
		fmt.Fprintln(stderr, "outbox retry:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "queued again: %d message(s)%s\n", len(done), idList(done))
	var left []int64
	for _, id := range ids {
		if !slices.Contains(done, id) {
			left = append(left, id)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(stdout, "left alone, not failed (sent, queued or retried already, or no such message):%s\n", idList(left))
	}
	return exitOK
}

// idList writes IDs as " #1 #2", or "" for none.
func idList(ids []int64) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, " #%d", id)
	}
	return b.String()
}
