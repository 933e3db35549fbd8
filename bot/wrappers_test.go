package bot_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

type botProgramme = bot.Programme

// slowProgramme delays the first few DraftProfile calls past a trigger's life.
type slowProgramme struct {
	botProgramme
	mu     sync.Mutex
	delays int
	delay  time.Duration
}

func (s *slowProgramme) DraftProfile(ctx context.Context, p mentoring.Person) (mentoring.Profile, bool, error) {
	s.mu.Lock()
	slow := s.delays > 0
	s.delays--
	s.mu.Unlock()
	if slow {
		d := s.delay
		if d == 0 {
			d = 1500 * time.Millisecond
		}
		time.Sleep(d)
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
