package mentoring

import (
	"context"
	"fmt"
)

// FlagFilter narrows the follow-up flags an HR admin lists: open ones or all, of one
// cause, about one person. The zero value lists every open flag.
type FlagFilter struct {
	All    bool      // handled flags too
	Cause  FlagCause // "" for every cause
	UserID string    // "" for everyone
}

// Match reports whether f passes the filter. A flag is about a person when it was raised
// about them, or, for a pair that stalled (raised about its mentor), when they are the
// pair's mentee.
func (ff FlagFilter) Match(f Flag) bool {
	if !ff.All && f.Handled() {
		return false
	}
	if ff.Cause != "" && f.Cause != ff.Cause {
		return false
	}
	if ff.UserID != "" && f.UserID != ff.UserID && !(f.Cause == FlagStalled && f.Detail.PartnerID == ff.UserID) {
		return false
	}
	return true
}

// FindFlags lists the follow-up flags that pass the filter, newest first, at most limit
// (all when limit ≤ 0); HR admins only.
func (s *Service) FindFlags(ctx context.Context, by string, ff FlagFilter, limit int) ([]Flag, error) {
	if err := s.requireAdmin(by); err != nil {
		return nil, err
	}
	fs, err := s.sessions.Flags(ctx, ff.All, 0)
	if err != nil {
		return nil, fmt.Errorf("find flags: %w", err)
	}
	out := fs[:0]
	for _, f := range fs {
		if ff.Match(f) {
			out = append(out, f)
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}
