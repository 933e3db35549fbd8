package slackfake

import (
	"context"
	"errors"
	"sync"
	"time"
)

// CommandBurst has every person type the command at the same moment, as in a rush at
// the start of a programme, and returns how long each envelope waited for its
// acknowledgement, in the people's order.
func CommandBurst(ctx context.Context, people []*Person, text string) ([]time.Duration, error) {
	lat := make([]time.Duration, len(people))
	errs := make([]error, len(people))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, p := range people {
		wg.Go(func() {
			<-start
			r, err := p.Command(ctx, text)
			lat[i], errs[i] = r.AckLatency, err
		})
	}
	close(start)
	wg.Wait()
	return lat, errors.Join(errs...)
}

// WaitNew waits for the first thing the person is shown after the first n (n is what
// len(Seen()) was before the action whose answer is awaited).
func (p *Person) WaitNew(ctx context.Context, n int) (Seen, error) {
	k := 0
	return p.WaitSeen(ctx, func(Seen) bool { k++; return k > n })
}
