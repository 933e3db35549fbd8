package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// optIns has most of the organisation opt in over the first two weeks, a few people each
// working day at different times. The first few are curious: one types an empty command,
// one a sentence the bot does not know, one switches language, one opens the App Home
// first, and two make mistakes the form catches.
func (s *script) optIns(ctx context.Context) error {
	joiners := s.joiners()
	days := 10 // two working weeks
	if s.weeks < 2 {
		days = 5
	}
	perDay := (len(joiners) + days - 1) / days
	slots := []struct{ hh, mm int }{{9, 30}, {10, 40}, {11, 50}, {13, 20}, {14, 10}, {15, 30}, {16, 40}, {17, 20}}
	for i, m := range joiners {
		d, k := i/perDay, i%perDay
		week, wd := 1+d/5, time.Monday+time.Weekday(d%5)
		slot := slots[k%len(slots)]
		if err := s.at(ctx, s.day(week, wd, slot.hh, slot.mm+k/len(slots)*5)); err != nil {
			return err
		}
		if i == 0 {
			s.heading("scene_optins")
		}
		rng := rand.New(rand.NewPCG(uint64(i), s.rng.Uint64()))
		if err := s.join(ctx, m, rng, i); err != nil {
			return fmt.Errorf("demo: %s (%s) opting in: %w", m.Name, m.ID, err)
		}
	}
	return nil
}

// joiners are the members who opt in: most juniors and most seniors; a few do not, and
// HR runs the programme.
func (s *script) joiners() []member {
	var out []member
	for i, m := range s.org.Members {
		if m.Admin || i%7 == 3 {
			continue
		}
		out = append(out, m)
	}
	return out
}

// join has m open the opt-in form and fill it in; the i-th joiner may be curious first.
func (s *script) join(ctx context.Context, m member, rng *rand.Rand, i int) error {
	p := s.people[m.ID]
	switch i {
	case 0:
		if err := s.command(ctx, m.ID, ""); err != nil {
			return err
		}
	case 1:
		if err := s.command(ctx, m.ID, "please pair me with someone nice"); err != nil {
			return err
		}
	case 2:
		// Switches language away from their Slack locale's.
		want := "lang en"
		if m.Locale == "en-US" {
			want = "lang ja"
		}
		if err := s.command(ctx, m.ID, want); err != nil {
			return err
		}
	case 3:
		if err := s.openHome(ctx, m.ID); err != nil {
			return err
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
	var bad slackfake.Values
	field := ""
	switch i {
	case 4: // picks themself as their manager
		bad, field = cloneValues(values), "manager"
		bad["manager"] = m.ID
	case 5: // leaves both topic fields empty
		bad, field = cloneValues(values), "topics"
		delete(bad, "topics")
		delete(bad, "free_topics")
	}
	if bad != nil {
		reply, err := p.Submit(ctx, bad)
		if err != nil {
			return err
		}
		s.outcome("note_refused", reply.Errors[field])
		if err := s.step(ctx); err != nil {
			return err
		}
	}
	if err := submit(ctx, p, values); err != nil {
		return err
	}
	if err := s.rateOnJoin(ctx, m.ID, rng); err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	if !s.saw(m.ID, "ようこそ", "Welcome") {
		return fmt.Errorf("no welcome after opting in")
	}
	return nil
}

// editsAndFigures: a participant changes their cadence in the prefilled form, another
// checks their status, someone tries an HR command, and HR reads the figures.
func (s *script) editsAndFigures(ctx context.Context) error {
	s.heading("scene_edit")
	var joined []member
	for _, m := range s.org.Members {
		if _, err := s.svc.Participant(ctx, m.ID); err == nil {
			joined = append(joined, m)
		}
	}
	if len(joined) < 2 {
		return nil
	}
	first, last := s.people[joined[0].ID], joined[len(joined)-1]
	if _, err := first.Command(ctx, "join"); err != nil {
		return err
	}
	if _, err := first.WaitModal(ctx, "join"); err != nil {
		return err
	}
	if _, err := first.Submit(ctx, slackfake.Values{"cadence": "monthly"}); err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	if err := s.command(ctx, last.ID, "status"); err != nil {
		return err
	}
	s.heading("scene_figures")
	if err := s.command(ctx, joined[1].ID, "admin round"); err != nil {
		return err
	}
	return s.command(ctx, s.org.AdminID, "admin")
}

// submit fills in values and submits the person's form, which must accept them.
func submit(ctx context.Context, p *slackfake.Person, values slackfake.Values) error {
	reply, err := p.Submit(ctx, values)
	if err != nil {
		return err
	}
	if len(reply.Errors) > 0 {
		v, _ := p.Modal()
		return fmt.Errorf("demo: the form %q refused %v: %v", v.CallbackID, values, reply.Errors)
	}
	return nil
}

// command types `/reverse-mentor text` as the person and lets the app answer.
func (s *script) command(ctx context.Context, userID, text string) error {
	if _, err := s.people[userID].Command(ctx, text); err != nil {
		return err
	}
	return s.step(ctx)
}

// openHome opens the person's App Home and lets the app publish it.
func (s *script) openHome(ctx context.Context, userID string) error {
	if err := s.people[userID].OpenHome(ctx); err != nil {
		return err
	}
	return s.step(ctx)
}

// saw reports whether the person has been shown something containing any of the parts.
func (s *script) saw(userID string, parts ...string) bool {
	for _, x := range s.people[userID].Seen() {
		for _, part := range parts {
			if strings.Contains(x.Text, part) {
				return true
			}
		}
	}
	return false
}

func cloneValues(v slackfake.Values) slackfake.Values {
	out := make(slackfake.Values, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}
