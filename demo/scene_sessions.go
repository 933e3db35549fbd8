package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// persona is how a participant behaves once paired.
type persona int

const (
	engaged persona = iota // meets and answers, with varied answers
	silent                 // never answers a prompt: their pair stalls
	heavy                  // a mentor for whom guiding a senior feels heavy
)

// sessions plays the weeks after the round, tick by tick: every morning, noon and
// evening the app runs what fell due (check-in prompts, nudges, pulse surveys, the
// weekly summary), then people answer what reached them before. One pair never answers
// and stalls; one mentor finds guiding a senior heavy and asks HR to get in touch; HR
// follows up; a mentee takes a two-week break; a mentor leaves and erases their data.
func (s *script) sessions(ctx context.Context, end time.Time) error {
	pairs, err := s.svc.ActivePairs(ctx, s.org.AdminID)
	if err != nil {
		return err
	}
	if len(pairs) < 5 {
		return s.until(ctx, end)
	}
	s.personas = map[string]persona{pairs[1].MentorID: silent, pairs[1].MenteeID: silent, pairs[2].MentorID: heavy}
	s.silentPair = [2]string{pairs[1].MentorID, pairs[1].MenteeID}
	s.cast = castOf(pairs)
	s.heading("scene_sessions", s.name(pairs[1].MentorID), s.name(pairs[1].MenteeID), s.name(pairs[2].MentorID))
	pauser, leaver := pairs[3].MenteeID, pairs[4].MentorID
	week := func(n int) time.Time { return s.day(n, time.Wednesday, 11, 0) }
	events := []struct {
		at   time.Time
		what func(context.Context) error
	}{
		{week(5), func(ctx context.Context) error { return s.pause(ctx, pauser) }},
		{week(9), func(ctx context.Context) error { return s.leave(ctx, leaver) }},
	}
	if s.weeks >= 12 {
		events = append(events, struct {
			at   time.Time
			what func(context.Context) error
		}{s.day(s.weeks, time.Friday, 16, 0), s.export})
	}
	t := s.clock.Now().In(s.loc)
	for day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc); day.Before(end); day = day.AddDate(0, 0, 1) {
		for _, hh := range []int{9, 13, 18} {
			at := time.Date(day.Year(), day.Month(), day.Day(), hh, 0, 0, 0, s.loc)
			for len(events) > 0 && !events[0].at.After(at) {
				if events[0].at.After(s.clock.Now()) {
					if err := s.at(ctx, events[0].at); err != nil {
						return err
					}
				}
				if err := events[0].what(ctx); err != nil {
					return err
				}
				events = events[1:]
			}
			if !at.After(s.clock.Now()) || !at.Before(end) {
				continue
			}
			if err := s.at(ctx, at); err != nil {
				return err
			}
			if err := s.respond(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// castOf lists the people of the pairs in a fixed order, mentors then mentees.
func castOf(pairs []mentoring.Pair) []string {
	var out []string
	for _, p := range pairs {
		out = append(out, p.MentorID)
	}
	for _, p := range pairs {
		out = append(out, p.MenteeID)
	}
	return out
}

// respond has everyone in the cast, then HR, act on what reached them before now.
func (s *script) respond(ctx context.Context) error {
	for _, id := range s.cast {
		if err := s.respondAs(ctx, id); err != nil {
			return fmt.Errorf("demo: %s answering: %w", s.name(id), err)
		}
	}
	return s.followUp(ctx)
}

// respondAs has one person act on the check-in prompts and pulse surveys they were shown
// since they last looked.
func (s *script) respondAs(ctx context.Context, id string) error {
	p := s.people[id]
	seen := p.Seen()
	from := s.read[id]
	s.read[id] = len(seen)
	for i, x := range seen[from:] {
		if x.Kind != "message" {
			continue
		}
		if !x.SimAt.Before(s.clock.Now()) {
			// Shown just now: they look at it next time.
			s.read[id] = from + i
			break
		}
		rng := s.rngFor(id, from+i)
		switch {
		case hasAction(x, "checkin_open") && !s.done[x.TS]:
			s.done[x.TS] = true
			if err := s.checkIn(ctx, id, x, rng); err != nil {
				return err
			}
		case hasAction(x, "survey_open") && !s.done[x.TS]:
			s.done[x.TS] = true
			if err := s.survey(ctx, id, x, rng); err != nil {
				return err
			}
		case hasAction(x, "pulse_1"):
			if err := s.pulse(ctx, id, x, rng); err != nil {
				return err
			}
		}
	}
	return nil
}

// mentions reports whether the message shown names the person.
func mentions(x slackfake.Seen, userID string) bool {
	return strings.Contains(x.Text, "<@"+userID+">")
}

// hasAction reports whether the message shown carries a button with the action ID.
func hasAction(x slackfake.Seen, actionID string) bool {
	b, err := json.Marshal(x.Blocks)
	return err == nil && strings.Contains(string(b), `"action_id":"`+actionID+`"`)
}

// checkIn has id answer the check-in prompt x as their persona would.
func (s *script) checkIn(ctx context.Context, id string, x slackfake.Seen, rng *rand.Rand) error {
	m := s.members[id]
	switch s.personas[id] {
	case silent:
		return nil
	case engaged:
		if rng.IntN(6) == 0 {
			return nil // busy this time: the nudge will remind them
		}
	}
	p := s.people[id]
	if err := p.Click(ctx, "checkin_open", slackfake.InMessage(x.TS)); err != nil {
		return err
	}
	if _, err := p.WaitModal(ctx, "checkin"); err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	if err := submit(ctx, p, s.answers(m, rng)); err != nil {
		return err
	}
	return s.step(ctx)
}

// answers is what m fills in on the check-in form.
func (s *script) answers(m member, rng *rand.Rand) slackfake.Values {
	ja := m.Locale == "ja-JP"
	v := slackfake.Values{"met": "yes", "rating": fmt.Sprint(3 + rng.IntN(3))}
	switch r := rng.IntN(10); {
	case r == 0:
		v = slackfake.Values{"met": "rescheduled"}
	case r == 1:
		v = slackfake.Values{"met": "not_yet"}
	}
	if m.Senior {
		if v["met"] == "yes" {
			v["learned"] = pick(rng, ja, []string{"生成AIで議事録の要約を作る方法", "Slackのスレッドとリアクションの使い分け", "若手がSNSで情報を集める理由"},
				[]string{"How to summarise minutes with generative AI", "Threads and reactions in Slack", "Why juniors get their news from social media"})
		}
		return v
	}
	if v["met"] == "yes" {
		v["burden"] = fmt.Sprint(1 + rng.IntN(3))
		if rng.IntN(3) == 0 {
			v["topics_free"] = pick(rng, ja, []string{"スマホでの経費精算", "動画会議のコツ"}, []string{"Expense claims on the phone", "Video call habits"})
		}
	}
	if s.personas[m.ID] == heavy && v["met"] == "yes" {
		switch s.easing() {
		case 0:
			v["rating"], v["burden"], v["hard_to_speak"] = "2", "5", []string{"yes"}
			v["contact_hr"] = []string{"yes"}
			v["note"] = pick(rng, ja, []string{"部長の前だと緊張して、説明を遮られても何も言えませんでした。"},
				[]string{"I freeze in front of a director and could not say anything when I was cut off."})
		case 1:
			v["rating"], v["burden"] = "3", "3"
		default:
			v["rating"], v["burden"] = "4", "2"
			v["note"] = pick(rng, ja, []string{"最初に進め方を決めておいたら、落ち着いて話せました。"},
				[]string{"Agreeing on how we run the session first made it much easier to speak up."})
		}
	}
	return v
}

// pick chooses one of the Japanese or English options.
func pick(rng *rand.Rand, ja bool, jaOpts, enOpts []string) string {
	if ja {
		return jaOpts[rng.IntN(len(jaOpts))]
	}
	return enOpts[rng.IntN(len(enOpts))]
}

// pulse has id tap through the pulse survey x, one question after another on the same
// message; the silent pair leaves it unanswered.
func (s *script) pulse(ctx context.Context, id string, x slackfake.Seen, rng *rand.Rand) error {
	if s.personas[id] == silent {
		return nil
	}
	p := s.people[id]
	for q := 0; q < 3; q++ {
		// Mood and safety are mostly good; burden (a mentor's third question) mostly light.
		value := 3 + rng.IntN(3)
		if q == 2 {
			value = 1 + rng.IntN(3)
		}
		if s.personas[id] == heavy {
			// Low mood, low safety, heavy burden; lighter after HR's talk.
			value = [][]int{{2, 2, 5}, {3, 3, 4}, {4, 4, 2}}[s.easing()][q]
		}
		if err := p.Click(ctx, fmt.Sprintf("pulse_%d", value), slackfake.InMessage(x.TS)); err != nil {
			if strings.Contains(err.Error(), "sees no element") {
				return nil // the survey is over: the message now says thank you
			}
			return err
		}
		if err := s.step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// followUp has HR act on the follow-up DMs that reached them: they talk to the person
// (or, for a stalled pair, write to both) and mark each one handled. After HR's first
// talk with the mentor who found it heavy, guiding a senior gets lighter for them.
func (s *script) followUp(ctx context.Context) error {
	admin := s.people[s.org.AdminID]
	seen := admin.Seen()
	from := s.read[s.org.AdminID]
	s.read[s.org.AdminID] = len(seen)
	for _, x := range seen[from:] {
		if x.Kind != "message" || !hasAction(x, "flag_handle") || s.done[x.TS] {
			continue
		}
		s.done[x.TS] = true
		if err := admin.Click(ctx, "flag_handle", slackfake.InMessage(x.TS)); err != nil {
			return err
		}
		names := func(id string) bool { return mentions(x, id) }
		switch heavy := s.heavyMentor(); {
		case s.eased.IsZero() && heavy != "" && names(heavy):
			s.eased = s.clock.Now()
			s.outcome("note_handled", s.name(heavy))
		case !s.stallSeen && names(s.silentPair[0]) && names(s.silentPair[1]):
			s.stallSeen = true
			s.outcome("note_stall_handled", s.name(s.silentPair[0]), s.name(s.silentPair[1]))
		}
		if err := s.step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// easing says how far the mentor who found it heavy has come since HR first talked to
// them: 0 before, 1 in the first weeks after, 2 from the third week on.
func (s *script) easing() int {
	switch {
	case s.eased.IsZero():
		return 0
	case s.clock.Now().Sub(s.eased) < 14*24*time.Hour:
		return 1
	}
	return 2
}

// heavyMentor is the mentor for whom guiding a senior feels heavy.
func (s *script) heavyMentor() string {
	for id, p := range s.personas {
		if p == heavy {
			return id
		}
	}
	return ""
}

// pause has id take a two-week break.
func (s *script) pause(ctx context.Context, id string) error {
	s.heading("scene_pause", s.name(id))
	return s.command(ctx, id, "pause 2")
}

// leave has id leave the programme and erase their data.
func (s *script) leave(ctx context.Context, id string) error {
	s.heading("scene_leave", s.name(id))
	p := s.people[id]
	if _, err := p.Command(ctx, "leave"); err != nil {
		return err
	}
	if _, err := p.WaitModal(ctx, "leave"); err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	if _, err := p.Submit(ctx, slackfake.Values{"erase": []string{"yes"}}); err != nil {
		return err
	}
	return s.step(ctx)
}

// name is a member's name.
func (s *script) name(id string) string { return s.members[id].Name }

// rngFor is a random source fixed by the person and the position of the message among
// what they saw, so the same seed gives the same answers.
func (s *script) rngFor(id string, n int) *rand.Rand {
	var h = s.seed
	for _, c := range id {
		h = h*1099511628211 + uint64(c)
	}
	return rand.New(rand.NewPCG(h, uint64(n)^0x5bd1e995))
}
