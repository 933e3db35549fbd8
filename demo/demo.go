// Package demo plays a reverse mentoring programme end to end against the built-in fake
// Slack: a simulated organisation opts in through the real modals, the real bot answers,
// and the transcript shows what each person saw. It needs no Slack account.
package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/simclock"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// Options configure a demo run.
type Options struct {
	People int            // size of the simulated organisation (about 60)
	Weeks  int            // simulated weeks the opt-ins are spread over
	Seed   uint64         // makes the organisation and answers reproducible
	Lang   mentoring.Lang // the programme's default language
	Out    string         // folder for the database and the transcript
	Stdout io.Writer      // where the transcript is printed
	Log    *slog.Logger   // bot logs; discarded when nil
	Start  time.Time      // simulated start; a Monday morning in Tokyo when zero
}

// Result sums up a demo run.
type Result struct {
	People, Joined, Mentors, Mentees int
	Transcript                       string // path of the transcript file
	Database                         string
	Elapsed                          time.Duration
}

// Run plays the demo and prints the transcript.
func Run(ctx context.Context, o Options) (Result, error) {
	began := time.Now()
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
		o.Start = time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC) // 09:00 in Tokyo
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	dbPath := filepath.Join(o.Out, "demo.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !os.IsNotExist(err) {
			return Result{}, fmt.Errorf("demo: clear old database: %w", err)
		}
	}

	org := buildOrganisation(o.People, o.Seed)
	clock := simclock.New(o.Start)
	fake, err := slackfake.New(slackfake.Options{TeamName: "Example Co.", Clock: clock})
	if err != nil {
		return Result{}, fmt.Errorf("demo: start fake Slack: %w", err)
	}
	defer fake.Close()
	people := map[string]*slackfake.Person{}
	for _, m := range org.Members {
		people[m.ID] = fake.AddUser(slackfake.User{
			ID: m.ID, Name: strings.ToLower(strings.ReplaceAll(m.Name, " ", ".")), RealName: m.Name, DisplayName: m.Name,
			Email: m.Email, TZ: m.TZ, TZLabel: m.TZLabel, TZOffset: m.TZOffset, Locale: m.Locale,
		})
	}

	conf := app.Defaults()
	conf.Slack = app.SlackConfig{AppToken: fake.AppToken(), BotToken: fake.BotToken(), APIURL: fake.APIURL()}
	conf.Database.Path = dbPath
	conf.Program.Admins = []string{org.AdminID}
	conf.Program.Language = string(o.Lang)
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
	svc := m.Service()

	s := &script{fake: fake, people: people, org: org, app: m, svc: svc, clock: clock, rng: rand.New(rand.NewPCG(o.Seed, 7))}
	if err := s.play(ctx, o.Weeks); err != nil {
		return Result{}, err
	}

	counts, err := svc.Counts(ctx)
	if err != nil {
		return Result{}, err
	}
	res := Result{People: len(org.Members), Joined: counts.Joined(), Mentors: counts.Mentors, Mentees: counts.Mentees,
		Database: dbPath, Transcript: filepath.Join(o.Out, "transcript.txt")}
	f, err := os.Create(res.Transcript)
	if err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	w := io.MultiWriter(f, o.Stdout)
	s.printTranscript(w, res)
	if err := f.Close(); err != nil {
		return Result{}, fmt.Errorf("demo: %w", err)
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// script is the sequence of things people do in the demo.
type script struct {
	fake   *slackfake.Server
	people map[string]*slackfake.Person
	org    organisation
	app    *app.Main
	svc    *mentoring.Service
	clock  *simclock.Clock
	rng    *rand.Rand
	mu     sync.Mutex
	notes  []string
}

func (s *script) note(format string, args ...any) {
	s.mu.Lock()
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

// play runs the scenes: HR looks first, people ask for help, opt in (a few make
// mistakes the modal catches), edit, check their status, and HR reads the figures.
func (s *script) play(ctx context.Context, weeks int) error {
	admin := s.people[s.org.AdminID]
	if err := admin.OpenHome(ctx); err != nil {
		return err
	}
	if _, err := s.waitHome(ctx, admin); err != nil {
		return err
	}

	var joiners []member
	for i, m := range s.org.Members {
		if m.Admin {
			continue
		}
		// Most juniors and most seniors opt in; a few do not.
		if i%7 == 3 {
			continue
		}
		joiners = append(joiners, m)
	}
	// Opt-ins arrive in waves over the first weeks.
	waves := min(weeks, 3)
	per := (len(joiners) + waves - 1) / waves
	for w := range waves {
		lo, hi := w*per, min(len(joiners), (w+1)*per)
		if lo >= hi {
			break
		}
		if err := s.joinAll(ctx, joiners[lo:hi], w == 0); err != nil {
			return err
		}
		if err := s.advance(ctx, 7*24*time.Hour); err != nil {
			return err
		}
	}
	// A mentee changes their cadence; a mentor checks their status.
	if err := s.edit(ctx, joiners[0]); err != nil {
		return err
	}
	if _, err := s.command(ctx, joiners[len(joiners)-1].ID, "status"); err != nil {
		return err
	}
	// Someone asks for HR's commands; HR reads the figures.
	if _, err := s.command(ctx, joiners[1].ID, "admin round"); err != nil {
		return err
	}
	if _, err := s.command(ctx, s.org.AdminID, "admin"); err != nil {
		return err
	}
	return s.pairingRound(ctx)
}

// pairingRound has HR propose a round, look at it, swap the mentees of two pairs (the
// rules are checked again; a swap they forbid is explained), approve it, and waits for
// every intro and orientation to be delivered.
func (s *script) pairingRound(ctx context.Context) error {
	admin := s.people[s.org.AdminID]
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		return err
	}
	if _, err := admin.WaitSeen(ctx, func(seen slackfake.Seen) bool {
		return seen.Kind == "message" && (strings.Contains(seen.Text, "マッチング #") || strings.Contains(seen.Text, "Pairing round #"))
	}); err != nil {
		return err
	}
	r, err := s.svc.PendingRound(ctx, s.org.AdminID)
	if err != nil {
		return err
	}
	s.note("HR's proposal: %d pairs, %d people without a partner", len(r.Proposal.Pairs), len(r.Proposal.Unmatched))
	swapped := false
	for j := 1; j < len(r.Proposal.Pairs) && j < 12 && !swapped; j++ {
		if err := admin.Click(ctx, "round_edit"); err != nil {
			return err
		}
		if _, err := admin.WaitModal(ctx, "round_edit"); err != nil {
			return err
		}
		before := len(admin.Seen())
		if _, err := admin.Submit(ctx, slackfake.Values{"edit_action": "swap", "pair_a": "0", "pair_b": strconv.Itoa(j)}); err != nil {
			return err
		}
		n := 0
		seen, err := admin.WaitSeen(ctx, func(x slackfake.Seen) bool {
			n++
			return n > before && x.Kind == "modal_update" && !strings.Contains(x.Text, "⏳")
		})
		if err != nil {
			return err
		}
		swapped = !strings.Contains(seen.Text, "⚠️")
		if !swapped {
			s.note("HR tried to swap pairs 1 and %d; the rules refused it", j+1)
		} else {
			s.note("HR swapped the mentees of pairs 1 and %d", j+1)
		}
		if err := admin.Cancel(ctx); err != nil {
			return err
		}
	}
	if err := admin.Click(ctx, "round_approve"); err != nil {
		return err
	}
	// The click is answered at once; the approval itself follows. Then the app delivers
	// what it queued.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if r, err = s.svc.Round(ctx, s.org.AdminID, r.ID); err != nil {
			return err
		}
		if r.Status == mentoring.RoundApproved {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("demo: round #%d still %s after HR approved it", r.ID, r.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.app.Settle(ctx); err != nil {
		return fmt.Errorf("demo: deliver the intros: %w", err)
	}
	delivered, owed := s.deliveries(r.Proposal.Pairs)
	s.note("HR approved round #%d: %d intros and orientations delivered, %d failed", r.ID, delivered, owed-delivered)
	return nil
}

// deliveries counts what an approved round owes its people (an intro in each pair's
// group DM, an orientation in each person's DM) and how much of it they received: the
// messages the app's outbox posted there, which carry its metadata.
func (s *script) deliveries(pairs []mentoring.ProposedPair) (delivered, owed int) {
	var convs []string
	people := map[string]bool{}
	for _, p := range pairs {
		convs = append(convs, s.fake.DMChannel(p.MentorID, p.MenteeID))
		for _, id := range []string{p.MentorID, p.MenteeID} {
			if !people[id] {
				people[id] = true
				convs = append(convs, s.fake.DMChannel(id))
			}
		}
	}
	for _, c := range convs {
		for _, m := range s.fake.Messages(c) {
			if len(m.Metadata) > 0 && !m.Deleted {
				delivered++
			}
		}
	}
	return delivered, len(convs)
}

// advance moves the simulated clock on by d and lets the app do what became due.
func (s *script) advance(ctx context.Context, d time.Duration) error {
	s.clock.Advance(d)
	if err := s.app.RunDue(ctx); err != nil {
		return fmt.Errorf("demo: scheduled work: %w", err)
	}
	return nil
}

// joinAll opts people in, several at a time as in a real launch. In the first wave some
// people first ask for help, make a mistake in the form, or switch language.
func (s *script) joinAll(ctx context.Context, ms []member, first bool) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(ms))
	sem := make(chan struct{}, 8)
	for i, m := range ms {
		rng := rand.New(rand.NewPCG(uint64(i), s.rng.Uint64()))
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := s.join(ctx, m, rng, first && i < 6, i); err != nil {
				errs <- fmt.Errorf("%s (%s): %w", m.Name, m.ID, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (s *script) join(ctx context.Context, m member, rng *rand.Rand, curious bool, i int) error {
	p := s.people[m.ID]
	if curious {
		switch i {
		case 0:
			if _, err := s.command(ctx, m.ID, ""); err != nil {
				return err
			}
		case 1:
			if _, err := s.command(ctx, m.ID, "please pair me with someone nice"); err != nil {
				return err
			}
		case 2:
			// Switches language away from their Slack locale's.
			want := "lang en"
			if m.Locale == "en-US" {
				want = "lang ja"
			}
			if _, err := s.command(ctx, m.ID, want); err != nil {
				return err
			}
		case 3:
			if err := p.OpenHome(ctx); err != nil {
				return err
			}
			if _, err := s.waitHome(ctx, p); err != nil {
				return err
			}
		}
	}
	if _, err := p.Command(ctx, "join"); err != nil {
		return err
	}
	if _, err := p.WaitModal(ctx, "join"); err != nil {
		return err
	}
	role, topics, free, langs, cadence, capacity := profileFor(m, rng, s.svc.Catalogue())
	values := slackfake.Values{
		"role": string(role), "department": m.Department, "manager": m.ManagerID,
		"topics": topics, "free_topics": free, "languages": langs, "cadence": cadence,
		"capacity": capacity, "consent": []string{"yes"},
	}
	if m.ManagerID == "" {
		delete(values, "manager")
	}
	if curious && i == 4 {
		// Picks themself as their manager: the modal says why that cannot be.
		bad := cloneValues(values)
		bad["manager"] = m.ID
		reply, err := p.Submit(ctx, bad)
		if err != nil {
			return err
		}
		s.note("%s picked themself as manager; the form answered: %s", m.Name, reply.Errors["manager"])
	}
	if curious && i == 5 {
		// Leaves both topic fields empty.
		bad := cloneValues(values)
		delete(bad, "topics")
		delete(bad, "free_topics")
		reply, err := p.Submit(ctx, bad)
		if err != nil {
			return err
		}
		s.note("%s chose no topic; the form answered: %s", m.Name, reply.Errors["topics"])
	}
	reply, err := p.Submit(ctx, values)
	if err != nil {
		return err
	}
	if len(reply.Errors) > 0 {
		return fmt.Errorf("join refused: %v", reply.Errors)
	}
	_, err = p.WaitSeen(ctx, func(seen slackfake.Seen) bool {
		return seen.Kind == "message" && (strings.Contains(seen.Text, "ようこそ") || strings.Contains(seen.Text, "Welcome"))
	})
	return err
}

// edit has a participant reopen the form (prefilled) and change their cadence.
func (s *script) edit(ctx context.Context, m member) error {
	p := s.people[m.ID]
	if _, err := p.Command(ctx, "join"); err != nil {
		return err
	}
	view, err := p.WaitModal(ctx, "join")
	if err != nil {
		return err
	}
	_ = view
	if _, err := p.Submit(ctx, slackfake.Values{"cadence": "monthly"}); err != nil {
		return err
	}
	_, err = p.WaitSeen(ctx, func(seen slackfake.Seen) bool {
		return seen.Kind == "message" && (strings.Contains(seen.Text, "更新") || strings.Contains(seen.Text, "updated"))
	})
	return err
}

// command types `/reverse-mentor text` as the user and waits for the answer to show.
func (s *script) command(ctx context.Context, userID, text string) (slackfake.Seen, error) {
	p := s.people[userID]
	before := len(p.Seen())
	if _, err := p.Command(ctx, text); err != nil {
		return slackfake.Seen{}, err
	}
	return p.WaitNew(ctx, before)
}

func (s *script) waitHome(ctx context.Context, p *slackfake.Person) (slackfake.Seen, error) {
	return p.WaitSeen(ctx, func(seen slackfake.Seen) bool { return seen.Kind == "home" })
}

func cloneValues(v slackfake.Values) slackfake.Values {
	out := make(slackfake.Values, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// printTranscript writes what each person saw, the notes of the scenes and the figures.
func (s *script) printTranscript(w io.Writer, res Result) {
	fmt.Fprintf(w, "reverse-mentor demo: %d people, %d joined (%d mentors, %d mentees)\n\n", res.People, res.Joined, res.Mentors, res.Mentees)
	ids := make([]string, 0, len(s.org.Members))
	names := map[string]member{}
	for _, m := range s.org.Members {
		ids = append(ids, m.ID)
		names[m.ID] = m
	}
	sort.Strings(ids)
	for _, id := range ids {
		m := names[id]
		role := "junior"
		if m.Senior {
			role = "senior"
		}
		if m.Admin {
			role = "HR admin"
		}
		fmt.Fprintf(w, "════ %s (%s) · %s · %s · %s\n", m.Name, id, m.Department, role, m.Locale)
		s.fake.Transcript(w, id)
		fmt.Fprintln(w)
	}
	if len(s.notes) > 0 {
		fmt.Fprintln(w, "Scenes:")
		for _, n := range s.notes {
			fmt.Fprintln(w, "  •", n)
		}
	}
}
