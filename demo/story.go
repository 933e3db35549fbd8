package demo

import (
	"context"
	"fmt"
	"time"
)

// play runs the story week by week on the simulated clock. Every step is a person acting
// in Slack at a set time; the app finishes what each step caused before the clock moves
// on, so the same seed always tells the same story.
//
//   - Week 1, Monday: HR opens the App Home, imports the org chart (one team is
//     missing from the export, so a few reporting lines stay known only in part) and sets
//     up the cycle: its purpose, guidelines and dates.
//   - Weeks 1 and 2: people opt in through the form, a few a day (some ask for help first,
//     some make mistakes the form catches, one switches language).
//   - Week 2, Friday: a participant edits their profile, another checks their status,
//     someone tries an HR command, HR reads the figures.
//   - Week 3, Monday: HR proposes a pairing round, tries swaps, approves it; intros and
//     orientations go out.
//   - From then on, every morning, noon and evening: the app's scheduled work runs
//     (check-in prompts and nudges, pulse surveys, the weekly summary) and people answer
//     what reached them; one pair stalls, one mentor finds it heavy and HR follows up,
//     a mentee takes a break, a mentor leaves and erases their data (see sessions).
//     Halfway through the cycle HR is asked to review the rules; when it ends, everyone
//     is asked the end-of-cycle survey (their confidence again, as when they joined), and
//     two weeks later the cycle report shows the change.
func (s *script) play(ctx context.Context) error {
	if err := s.at(ctx, s.day(1, time.Monday, 9, 0)); err != nil {
		return err
	}
	s.heading("scene_launch")
	if err := s.openHome(ctx, s.org.AdminID); err != nil {
		return err
	}
	if err := s.importOrg(ctx); err != nil {
		return err
	}
	if err := s.launchCycle(ctx); err != nil {
		return err
	}
	if err := s.optIns(ctx); err != nil {
		return err
	}
	if s.weeks >= 2 {
		if err := s.at(ctx, s.day(2, time.Friday, 15, 0)); err != nil {
			return err
		}
		if err := s.editsAndFigures(ctx); err != nil {
			return err
		}
	}
	if s.weeks >= 3 {
		if err := s.at(ctx, s.day(3, time.Monday, 10, 0)); err != nil {
			return err
		}
		if err := s.pairingRound(ctx); err != nil {
			return err
		}
	}
	end := s.day(s.weeks+1, time.Monday, 0, 0)
	if s.weeks < 3 {
		return s.until(ctx, end)
	}
	return s.sessions(ctx, end)
}

// day returns the instant of week (1-based) and weekday at hh:mm in the programme's zone.
func (s *script) day(week int, wd time.Weekday, hh, mm int) time.Time {
	monday := s.start.In(s.loc)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	d := monday.AddDate(0, 0, 7*(week-1)+(int(wd)+6)%7)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, s.loc)
}

// at moves the clock on to t (never back) and lets the app run what fell due.
func (s *script) at(ctx context.Context, t time.Time) error {
	if t.Before(s.clock.Now()) {
		t = s.clock.Now()
	}
	s.clock.Set(t)
	if err := s.app.RunDue(ctx); err != nil {
		return fmt.Errorf("demo: scheduled work at %s: %w", t.In(s.loc).Format(time.DateTime), err)
	}
	return nil
}

// step waits until the app has finished what the last action caused, then moves the
// clock on by a minute, so the next action happens a moment later.
func (s *script) step(ctx context.Context) error {
	if err := s.app.Settle(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	s.clock.Advance(time.Minute)
	return nil
}

// until lets the days pass, running the app's scheduled work every morning, noon and
// evening of the programme's zone, up to end.
func (s *script) until(ctx context.Context, end time.Time) error {
	t := s.clock.Now().In(s.loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		for _, hh := range []int{9, 13, 18} {
			at := time.Date(day.Year(), day.Month(), day.Day(), hh, 0, 0, 0, s.loc)
			if at.After(s.clock.Now()) && at.Before(end) {
				if err := s.at(ctx, at); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// heading starts a scene of the story at the current time.
func (s *script) heading(key string, args ...any) {
	s.notes = append(s.notes, note{at: s.clock.Now(), seq: len(s.notes), text: say(s.lang, key, args...), heading: true})
}

// outcome records what came of a scene, after what people saw at the current time.
func (s *script) outcome(key string, args ...any) {
	s.notes = append(s.notes, note{at: s.clock.Now(), seq: len(s.notes), text: say(s.lang, key, args...)})
}
