// Package simclock is a simulated clock that moves only when told. The demo and the
// tests run weeks of a programme in seconds with it; production uses the wall clock.
package simclock

import (
	"sync"
	"time"
)

// Clock is a clock stopped at a simulated instant. It is safe for concurrent use and
// satisfies mentoring.Clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock stopped at t (kept in UTC).
func New(t time.Time) *Clock { return &Clock{now: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}
