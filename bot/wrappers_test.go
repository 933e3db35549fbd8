package bot_test

import (
	"context"
	"errors"
	"sync"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

type botProgramme = bot.Programme

// slowProgramme holds the first few DraftProfile calls: each signals entered, then
// waits for release (the test moves the clock past the trigger's life meanwhile).
type slowProgramme struct {
	botProgramme
	mu      sync.Mutex
	delays  int
	entered chan struct{}
	release chan struct{}
}

func (s *slowProgramme) DraftProfile(ctx context.Context, p mentoring.Person) (mentoring.Profile, bool, error) {
	s.mu.Lock()
	slow := s.delays > 0
	s.delays--
	s.mu.Unlock()
	if slow {
		s.entered <- struct{}{}
		select {
		case <-s.release:
		case <-ctx.Done():
		}
	}
	return s.botProgramme.DraftProfile(ctx, p)
}

// failingJoin cannot save.
type failingJoin struct{ botProgramme }

func (failingJoin) Join(context.Context, mentoring.Person, mentoring.Profile) (mentoring.JoinResult, error) {
	return mentoring.JoinResult{}, errors.New("disk full")
}

// panicky panics when asked about one user.
type panicky struct {
	botProgramme
	userID string
}

func (p *panicky) Participant(ctx context.Context, userID string) (mentoring.Participant, error) {
	if userID == p.userID {
		panic("boom in a handler")
	}
	return p.botProgramme.Participant(ctx, userID)
}
