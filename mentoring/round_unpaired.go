package mentoring

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Unpaired is how the last approved pairing round went for someone it left without a
// partner: which round, when it was approved, and why.
type Unpaired struct {
	RoundID   int64
	DecidedAt time.Time
	Role      Role
	Reason    string // one of the Reason… constants
}

// UnpairedStore is what Unpaired needs of persistence.
type UnpairedStore interface {
	// LastUnpaired returns how the last approved round left the user without a partner,
	// or ErrNotFound when that round did not leave them unmatched (or there is none).
	LastUnpaired(ctx context.Context, userID string) (Unpaired, error)
}

// Unpaired tells a participant with no pair whether the last approved round left them
// unmatched, and why, so that their status says so rather than that a round is still to
// come. It reports false for someone who has a pair, who joined after that round, or
// whom that round did not consider.
func (s *Service) Unpaired(ctx context.Context, userID string) (Unpaired, bool, error) {
	u, err := s.unpaired.LastUnpaired(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		return Unpaired{}, false, nil
	}
	if err != nil {
		return Unpaired{}, false, fmt.Errorf("unpaired %s: %w", userID, err)
	}
	p, err := s.store.Participant(ctx, userID)
	if err != nil || p.JoinedAt.After(u.DecidedAt) {
		return Unpaired{}, false, nil
	}
	pairs, err := s.rounds.PairsOf(ctx, userID)
	if err != nil {
		return Unpaired{}, false, fmt.Errorf("unpaired %s: %w", userID, err)
	}
	return u, len(pairs) == 0, nil
}
