// Package demo plays a reverse mentoring programme end to end against the built-in fake
// Slack: a simulated organisation opts in through the real modals, HR runs a pairing
// round, and the weeks of the programme go by on a simulated clock while the app,
// assembled as in production, answers everyone. It prints a dated timeline of who saw
// what, writes each person's full transcript, and needs no Slack account. The same seed
// plays the same demo, byte for byte.
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// Options configure a demo run.
type Options struct {
	People int            // size of the simulated organisation (about 60)
	Weeks  int            // simulated weeks the programme runs
	Seed   uint64         // makes the organisation and answers reproducible
	Lang   mentoring.Lang // the programme's language: HR's messages and the story's headings
	Out    string         // folder for the database, the timeline and the transcripts
	Stdout io.Writer      // where the timeline and the summary are printed
	Log    *slog.Logger   // the app's logs; discarded when nil
	Start  time.Time      // simulated start; Monday 6 April 2026, 09:00 in Tokyo, when zero
}

// Result sums up a demo run.
type Result struct {
	People, Joined, Mentors, Mentees, Pairs int
	Timeline                                string // path of the timeline file
	Transcript                              string // path of the per-person transcript
	Database                                string
	Files                                   []string // the charts and exports the app uploaded, saved
	Elapsed                                 time.Duration
}

// programmeZone is the programme's time zone in the demo: the company is in Tokyo.
const programmeZone = "Asia/Tokyo"

// hrChannel is the HR channel's ID in the demo's workspace.
const hrChannel = "C0HRDEMO01"

// Run plays the demo: the timeline and summary go to Stdout, and the timeline, the
// transcript and the database to Out.
func Run(ctx context.Context, o Options) (Result, error) {
	began := time.Now()
	o = o.withDefaults()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	res := Result{Database: filepath.Join(o.Out, "demo.db"), Timeline: filepath.Join(o.Out, "timeline.txt"),
		Transcript: filepath.Join(o.Out, "transcript.txt")}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(res.Database + suffix); err != nil && !os.IsNotExist(err) {
			return Result{}, fmt.Errorf("demo: clear old database: %w", err)
		}
	}
	loc, err := time.LoadLocation(programmeZone)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}

	org := buildOrganisation(o.People, o.Seed)
	for i := range org.Members {
		// HR runs the programme in its language; everyone else keeps their own locale.
		if org.Members[i].Admin && o.Lang == mentoring.LangEN {
			org.Members[i].Locale = "en-US"
		}
	}
	clock := simclock.New(o.Start)
	fake, err := slackfake.New(slackfake.Options{TeamName: "Example Co.", Clock: clock})
	if err != nil {
		return Result{}, fmt.Errorf("demo: start fake Slack: %w", err)
	}
	defer fake.Close()
	s := &script{fake: fake, org: org, clock: clock, lang: o.Lang, loc: loc, start: o.Start, weeks: o.Weeks,
		people: map[string]*slackfake.Person{}, members: map[string]member{},
		rng: rand.New(rand.NewPCG(o.Seed, 7)), stdout: o.Stdout, out: o.Out, seed: o.Seed,
		read: map[string]int{}, done: map[string]bool{}, ratings: map[string]int{}}
	for _, m := range org.Members {
		s.members[m.ID] = m
		s.people[m.ID] = fake.AddUser(slackfake.User{
			ID: m.ID, Name: strings.ToLower(strings.ReplaceAll(m.Name, " ", ".")), RealName: m.Name, DisplayName: m.Name,
			Email: m.Email, TZ: m.TZ, TZLabel: m.TZLabel, TZOffset: m.TZOffset, Locale: m.Locale,
		})
	}

	// HR reads the weekly summaries and the cycle report in a private channel.
	fake.AddChannel(hrChannel, "hr-reverse-mentoring", org.AdminID)
	conf := app.Defaults()
	conf.Slack = app.SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	conf.Database.Path = res.Database
	conf.Program.Admins = []string{org.AdminID}
	conf.Program.Language = string(o.Lang)
	conf.Program.Timezone = programmeZone
	conf.Program.HRChannel = hrChannel
	conf.Program.Departments = append(departments, "経営企画室 Executive Office", "人事部 HR")
	// The fake Slack sets no rate limits, so the outbox may send as fast as it likes.
	conf.Outbox.RatePerSecond, conf.Outbox.Burst = 200, 20
	m := &app.Main{Config: conf, Log: o.Log, Clock: clock}
	defer m.Close()
	if err := m.Open(ctx); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- m.Run(runCtx) }()
	defer func() { stop(); <-done }()
	select {
	case <-m.Ready():
	case err := <-done:
		return Result{}, fmt.Errorf("demo: app stopped: %w", err)
	case <-time.After(10 * time.Second):
		return Result{}, fmt.Errorf("demo: the app did not connect to the fake Slack")
	}
	s.app, s.svc = m, m.Service()

	if err := s.play(ctx); err != nil {
		return Result{}, err
	}
	if err := s.finish(ctx, &res); err != nil {
		return Result{}, err
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// withDefaults fills in what the options leave out.
func (o Options) withDefaults() Options {
	if o.People <= 0 {
		o.People = 60
	}
	if o.Weeks <= 0 {
		o.Weeks = 12
	}
	if o.Lang == "" {
		o.Lang = mentoring.LangJA
	}
	if o.Out == "" {
		o.Out = "demo-out"
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC) // Monday, 09:00 in Tokyo
	}
	return o
}

// finish writes the timeline, the transcript and the summary.
func (s *script) finish(ctx context.Context, res *Result) error {
	counts, err := s.svc.Counts(ctx)
	if err != nil {
		return err
	}
	pairs, err := s.svc.ActivePairs(ctx, s.org.AdminID)
	if err != nil {
		return err
	}
	res.People, res.Joined, res.Mentors, res.Mentees, res.Pairs = len(s.org.Members), counts.Joined(), counts.Mentors, counts.Mentees, len(pairs)

	f, err := os.Create(res.Timeline)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	w := io.MultiWriter(f, s.stdout)
	fmt.Fprintln(w, say(s.lang, "title", res.People, s.weeks, s.seed)+" · "+say(s.lang, "programme_lang", say(s.lang, "lang_name")))
	s.writeTimeline(w)
	seen, acted := 0, 0
	for _, e := range s.fake.Entries() {
		if e.Kind == "action" {
			acted++
		} else {
			seen++
		}
	}
	if res.Files, err = s.saveFiles(); err != nil {
		return err
	}
	s.writeHRChannel(w)
	fmt.Fprintf(w, "\n══ %s ══\n", say(s.lang, "summary"))
	fmt.Fprintln(w, "  "+say(s.lang, "sum_people", res.People, res.Joined, res.Mentors, res.Mentees))
	fmt.Fprintln(w, "  "+say(s.lang, "sum_pairs", res.Pairs))
	fmt.Fprintln(w, "  "+say(s.lang, "sum_messages", seen, acted))
	// Only the last line names the output folder: the rest is the same for the same seed.
	fmt.Fprintln(w, "  "+say(s.lang, "sum_files", filepath.Base(res.Timeline), filepath.Base(res.Transcript),
		filepath.Base(res.Database), filesDir, len(res.Files)))
	fmt.Fprintln(w, "  "+say(s.lang, "sum_out", s.out))
	if err := f.Close(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	tf, err := os.Create(res.Transcript)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	s.writeTranscripts(tf)
	if err := tf.Close(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// script is the simulated organisation acting through the fake Slack, and what the
// story has said so far.
type script struct {
	fake    *slackfake.Server
	people  map[string]*slackfake.Person
	members map[string]member
	org     organisation
	app     *app.Main
	svc     *mentoring.Service
	clock   *simclock.Clock
	rng     *rand.Rand
	stdout  io.Writer
	out     string
	seed    uint64

	lang  mentoring.Lang
	loc   *time.Location
	start time.Time
	weeks int
	notes []note

	// Once people are paired: who behaves how, in what order people act, how much of
	// what each person was shown they have read, and the prompts already acted on.
	personas map[string]persona
	cast     []string
	read     map[string]int
	done     map[string]bool
	// ratings are the confidence each person gave when they joined, by "user/subject".
	ratings map[string]int
	// The pair that never answers, whether HR has written to them about it, and when
	// HR first talked to the mentor who found it heavy (zero: not yet).
	silentPair [2]string
	stallSeen  bool
	eased      time.Time
}

// zone returns the time zone named tz, or the programme's.
func (s *script) zone(tz string) *time.Location {
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		return loc
	}
	return s.loc
}
