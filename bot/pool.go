package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// job is one unit of slow work after an acknowledgement. onPanic, when set, tells the
// person concerned that something went wrong.
type job struct {
	name    string
	run     func(ctx context.Context)
	onPanic func(ctx context.Context)
}

// pool runs jobs on a fixed number of goroutines from a bounded queue. Submitting never
// blocks: a full queue is refused, so the Socket Mode loop stays responsive.
type pool struct {
	// lastEnvelope is when the Socket Mode loop last took an envelope (unix nanoseconds).
	// Workers hold back while envelopes keep arriving, so that during a burst the CPU
	// goes to acknowledging every envelope first and the slow work follows.
	lastEnvelope atomic.Int64
	workers      int
	queue        chan job
	log          *slog.Logger
	wg           sync.WaitGroup
	ctx          context.Context
	mu           sync.Mutex
	closed       bool
	busy         int           // jobs queued or running; guarded by mu
	idle         chan struct{} // closed while busy is 0; guarded by mu
}

func newPool(workers, size int, log *slog.Logger) *pool {
	idle := make(chan struct{})
	close(idle)
	return &pool{workers: workers, queue: make(chan job, size), log: log, idle: idle}
}

func (p *pool) start(ctx context.Context) {
	p.ctx = context.WithoutCancel(ctx)
	for range p.workers {
		p.wg.Go(func() {
			for j := range p.queue {
				p.yieldToAcks()
				p.runJob(j)
				p.done()
			}
		})
	}
}

// Burst handling: a worker waits while the loop has taken an envelope within quietGap,
// for at most maxYield, before it starts a job.
const (
	quietGap = 5 * time.Millisecond
	maxYield = 50 * time.Millisecond
)

// sawEnvelope records that the loop took an envelope now.
func (p *pool) sawEnvelope() { p.lastEnvelope.Store(time.Now().UnixNano()) }

// yieldToAcks lets a burst of envelopes be acknowledged before this worker competes with
// the loop for the CPU. Outside bursts it returns at once.
func (p *pool) yieldToAcks() {
	deadline := time.Now().Add(maxYield)
	for {
		since := time.Since(time.Unix(0, p.lastEnvelope.Load()))
		if since >= quietGap || time.Now().After(deadline) {
			return
		}
		time.Sleep(quietGap - since)
	}
}

// submit queues j and reports false when the queue is full or closed.
func (p *pool) submit(j job) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	select {
	case p.queue <- j:
		if p.busy == 0 {
			p.idle = make(chan struct{})
		}
		p.busy++
		return true
	default:
		return false
	}
}

// hold counts the pool busy until the returned release is called: the Socket Mode loop
// holds it while it acknowledges an envelope and queues its job, so that Idle never
// reports idle between the acknowledgement and the job.
func (p *pool) hold() (release func()) {
	p.mu.Lock()
	if p.busy == 0 {
		p.idle = make(chan struct{})
	}
	p.busy++
	p.mu.Unlock()
	return p.done
}

// done records that a job has finished.
func (p *pool) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.busy--; p.busy == 0 {
		close(p.idle)
	}
}

// wait returns once no job is queued or running, or when ctx ends.
func (p *pool) wait(ctx context.Context) error {
	p.mu.Lock()
	idle := p.idle
	p.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runJob runs j with a deadline and recovers a panic, so one bad handler never stops the bot.
func (p *pool) runJob(j job) {
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("handler panicked", "job", j.name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if j.onPanic != nil {
				func() {
					defer func() { _ = recover() }()
					j.onPanic(ctx)
				}()
			}
		}
	}()
	j.run(ctx)
}

// stop refuses new jobs and waits up to drain for queued and running ones.
func (p *pool) stop(drain time.Duration) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drain):
		p.log.Warn("handlers still running at shutdown", "waited", drain)
	}
}
