package slackfake

import (
	"context"
	"errors"
	"fmt"
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

// CommandBurstAnswered is CommandBurst followed by waiting until every person has been
// shown something new (the bot's answer), so that bursts can follow one another without
// piling up unanswered work.
func CommandBurstAnswered(ctx context.Context, people []*Person, text string) ([]time.Duration, error) {
	before := make([]int, len(people))
	for i, p := range people {
		before[i] = len(p.Seen())
	}
	lat, err := CommandBurst(ctx, people, text)
	if err != nil {
		return lat, err
	}
	for i, p := range people {
		if _, err := p.WaitNew(ctx, before[i]); err != nil {
			return lat, fmt.Errorf("no answer for %s: %w", p.ID(), err)
		}
	}
	return lat, nil
}

// Percentile returns the q-quantile (0 ≤ q ≤ 1) of sorted durations, in milliseconds.
func Percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(q*float64(len(sorted)-1))].Microseconds()) / 1000
}
