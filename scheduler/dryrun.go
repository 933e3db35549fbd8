package scheduler

import (
	"context"
	"sync"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// planKey is the context key of a dry run's plan.
type planKey struct{}

// plan collects the notices a dry run would have sent.
type plan struct {
	mu      sync.Mutex
	notices []mentoring.Notice
}

// withPlan returns a context that marks a dry run and collects its notices.
func withPlan(ctx context.Context) (context.Context, *plan) {
	p := &plan{}
	return context.WithValue(ctx, planKey{}, p), p
}

// DryRun reports whether the job running with ctx is a dry run. A job in a dry run must
// change nothing: it computes its notices, hands them to Plan and returns.
func DryRun(ctx context.Context) bool {
	_, ok := ctx.Value(planKey{}).(*plan)
	return ok
}

// Plan records notices a dry run would send; the scheduler logs and reports them. Outside
// a dry run it does nothing.
func Plan(ctx context.Context, notices ...mentoring.Notice) {
	p, ok := ctx.Value(planKey{}).(*plan)
	if !ok {
		return
	}
	p.mu.Lock()
	p.notices = append(p.notices, notices...)
	p.mu.Unlock()
}

// take returns the notices planned so far.
func (p *plan) take() []mentoring.Notice {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]mentoring.Notice(nil), p.notices...)
}
