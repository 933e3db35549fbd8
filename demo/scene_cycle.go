package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// cycleDates are the first day of the programme and the last day of its cycle: the
// cycle ends on the Friday of the third week before the story ends, so its end-of-cycle
// survey runs for two weeks and its report is posted on the Friday of the last week but
// one. A story of fewer than six weeks keeps the cycle running past its end.
func (s *script) cycleDates() (start, end time.Time) {
	start = s.day(1, time.Monday, 0, 0)
	weeks := s.weeks - 3
	if weeks < 3 {
		weeks = s.weeks + 8
	}
	return start, s.day(weeks, time.Friday, 0, 0)
}

// launchCycle has HR set up the programme's cycle in the `admin program` form: its
// name, purpose, guidelines, dates and default cadence. The purpose then appears in the
// App Home, every intro and every orientation.
func (s *script) launchCycle(ctx context.Context) error {
	start, end := s.cycleDates()
	name, purpose, guidelines := say(s.lang, "cycle_name", start.Year()), say(s.lang, "cycle_purpose"), say(s.lang, "cycle_guidelines")
	s.heading("scene_cycle", stamp(s.lang, "date_format", start), stamp(s.lang, "date_format", end))
	admin := s.people[s.org.AdminID]
	if _, err := admin.Command(ctx, "admin program"); err != nil {
		return err
	}
	if _, err := admin.WaitModal(ctx, "cycle"); err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	if err := submit(ctx, admin, slackfake.Values{
		"name": name, "purpose": purpose, "guidelines": guidelines,
		"starts_on": start.Format(time.DateOnly), "ends_on": end.Format(time.DateOnly), "cadence": "biweekly",
	}); err != nil {
		return err
	}
	return s.step(ctx)
}

// rateOnJoin answers the self-rating page a first opt-in shows: how confident the
// person is today in each topic they want to learn (a mentee) or in leading a senior (a
// mentor), 1–5. People start unsure; the end-of-cycle survey asks again.
func (s *script) rateOnJoin(ctx context.Context, id string, rng *rand.Rand) error {
	p := s.people[id]
	v, ok := p.Modal()
	if !ok || v.CallbackID != "join_rating" {
		return nil // nothing to rate: the form closed
	}
	values := slackfake.Values{}
	for _, sub := range ratingSubjects(v) {
		n := 1 + rng.IntN(3)
		s.ratings[id+"/"+sub] = n
		values["rating_"+sub] = fmt.Sprint(n)
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	return submit(ctx, p, values)
}

// ratingSubjects lists what a form asks to rate, from its rating_ blocks.
func ratingSubjects(v slack.View) []string {
	var out []string
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			if sub, ok := strings.CutPrefix(in.BlockID, "rating_"); ok {
				out = append(out, sub)
			}
		}
	}
	return out
}

// survey has id answer the end-of-cycle survey from its DM: what they learned or how
// they grew, their confidence now (mostly higher than when they joined), and whether
// they would join again. The silent pair never answers; some others skip it.
func (s *script) survey(ctx context.Context, id string, x slackfake.Seen, rng *rand.Rand) error {
	if s.personas[id] == silent || rng.IntN(8) == 0 {
		return nil
	}
	p := s.people[id]
	if err := p.Click(ctx, "survey_open", slackfake.InMessage(x.TS)); err != nil {
		return err
	}
	v, err := p.WaitModal(ctx, "cycle_survey")
	if err != nil {
		return err
	}
	if err := s.step(ctx); err != nil {
		return err
	}
	m := s.members[id]
	ja := m.Locale == "ja-JP"
	values := slackfake.Values{"join_again": fmt.Sprint(6 + rng.IntN(5))}
	for _, sub := range ratingSubjects(v) {
		before, ok := s.ratings[id+"/"+sub]
		if !ok {
			before = 2
		}
		after := min(5, before+rng.IntN(3))
		if s.personas[id] == heavy {
			after = before
		}
		values["rating_"+sub] = fmt.Sprint(after)
	}
	if m.Senior {
		values["reflection"] = pick(rng, ja,
			[]string{"生成AIを自分で試すようになり、若手に聞くことへのためらいがなくなりました。", "チャットでの短いやりとりの良さがわかりました。"},
			[]string{"I now try generative AI myself and no longer hesitate to ask juniors.", "I see why short chat messages work better than long emails."})
	} else {
		values["reflection"] = pick(rng, ja,
			[]string{"役職が上の方にも、準備すれば落ち着いて説明できるようになりました。", "相手の経験を聞きながら進めるコツがつかめました。"},
			[]string{"With some preparation I can explain things calmly to a senior.", "I learned to build on my mentee's experience."})
	}
	if err := submit(ctx, p, values); err != nil {
		return err
	}
	return s.step(ctx)
}

// export has HR download the programme's data: CSV files reach their DM.
func (s *script) export(ctx context.Context) error {
	s.heading("scene_export")
	return s.command(ctx, s.org.AdminID, "admin export")
}
