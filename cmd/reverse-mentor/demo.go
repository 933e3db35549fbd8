package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/reverse-mentor/reverse-mentor/demo"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// runDemo is `reverse-mentor demo`: the whole programme against the built-in fake Slack.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	people := fs.Int("people", 60, "size of the simulated organisation")
	weeks := fs.Int("weeks", 12, "simulated weeks")
	seed := fs.Uint64("seed", 1, "random seed: the same seed plays the same demo")
	lang := fs.String("lang", "ja", "the programme's language (HR's messages and the story's headings): ja or en; each person keeps their own Slack locale")
	out := fs.String("out", "demo-out", "folder for the timeline, each person's transcript, the demo database and the charts and CSV files the app uploaded")
	verbose := fs.Bool("v", false, "print the bot's logs to stderr")
	if code, stop := parseFlags(fs, args, stderr); stop {
		return code
	}
	l, ok := mentoring.ParseLang(*lang)
	if !ok || len(*lang) != 2 {
		fmt.Fprintf(stderr, "demo: --lang must be ja or en, not %q\n", *lang)
		return exitUsage
	}
	if *people < 12 || *people > 5000 {
		fmt.Fprintln(stderr, "demo: --people must be between 12 and 5000")
		return exitUsage
	}
	if *weeks < 1 || *weeks > 104 {
		fmt.Fprintln(stderr, "demo: --weeks must be between 1 and 104")
		return exitUsage
	}
	log := slog.New(slog.DiscardHandler)
	if *verbose {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	res, err := demo.Run(ctx, demo.Options{
		People: *people, Weeks: *weeks, Seed: *seed, Lang: l, Out: *out, Stdout: stdout, Log: log,
	})
	if err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return exitFailed
	}
	// The timing goes to stderr: the same seed prints the same stdout, byte for byte.
	fmt.Fprintf(stderr, "demo played in %.1fs\n", res.Elapsed.Seconds())
	return exitOK
}
