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
// person concerned that something went wrong; onAbandon that the bot stopped before it
// could do it, so they should try again. Jobs with the same non-empty key run one at a
// time, in the order they were queued (two submissions of one person's form).
type job struct {
	name      string
	key       string
	run       func(ctx context.Context)
	onPanic   func(ctx context.Context)
	onAbandon func(ctx context.Context)
}

// pool runs jobs on a fixed number of goroutines from a bounded queue. Submitting never
// blocks: a full queue is refused, so the Socket Mode loop stays responsive. The loop is
// the only producer, so room it sees (hasRoom) is still there when it submits.
type pool struct {
	// lastEnvelope is when the Socket Mode loop last took an envelope (unix nanoseconds).
	// Workers hold back while envelopes keep arriving, so that during a burst the CPU
	// goes to acknowledging every envelope first and the slow work follows.
	lastEnvelope atomic.Int64
	workers      int
	queue        chan job
	log          *slog.Logger
	wg           sync.WaitGroup
	ctx          context.Context // jobs' parent: cancelled when a stop's grace runs out
	cancel       context.CancelFunc
	mu           sync.Mutex
	closed       bool
	busy         int           // jobs queued or running; guarded by mu
	idle         chan struct{} // closed while busy is 0; guarded by mu
	abandoning   atomic.Bool   // stopping: queued jobs are abandoned, not started
	stopBy       atomic.Int64  // when the stop's grace ends (unix nanoseconds)
	keys         keyedLocks
	abandoned    atomic.Int64
	quietGap     time.Duration // see Options.QuietGap; 0 holds nothing back
}

func newPool(workers, size int, quiet time.Duration, log *slog.Logger) *pool {
	idle := make(chan struct{})
	close(idle)
	switch {
	case quiet == 0:
		quiet = defaultQuietGap
	case quiet < 0:
		quiet = 0
	}
	return &pool{workers: workers, queue: make(chan job, size), log: log, idle: idle, quietGap: quiet}
}

func (p *pool) start(ctx context.Context) {
	p.ctx, p.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for range p.workers {
		p.wg.Go(func() {
			for j := range p.queue {
				if p.abandoning.Load() {
					p.abandon(j)
					p.done()
					continue
				}
				p.yieldToAcks()
				p.runJob(j)
				p.done()
			}
		})
	}
}

// Burst handling: a worker waits while the loop has taken an envelope within the quiet
// gap (defaultQuietGap unless Options.QuietGap says otherwise), for at most maxYield,
// before it starts a job.
const (
	defaultQuietGap = 5 * time.Millisecond
	maxYield        = 50 * time.Millisecond
)

// sawEnvelope records that the loop took an envelope now.
func (p *pool) sawEnvelope() { p.lastEnvelope.Store(time.Now().UnixNano()) }

// yieldToAcks lets a burst of envelopes be acknowledged before this worker competes with
// the loop for the CPU. Outside bursts it returns at once.
func (p *pool) yieldToAcks() {
	if p.quietGap <= 0 {
		return
	}
	deadline := time.Now().Add(maxYield)
	for {
		since := time.Since(time.Unix(0, p.lastEnvelope.Load()))
		if since >= p.quietGap || time.Now().After(deadline) {
			return
		}
		time.Sleep(p.quietGap - since)
	}
}

// hasRoom reports whether a job submitted now would be taken.
func (p *pool) hasRoom() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.closed && len(p.queue) < cap(p.queue)
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

// jobTimeout bounds one job.
const jobTimeout = time.Minute

// runJob runs j with a deadline and recovers a panic, so one bad handler never stops the bot.
func (p *pool) runJob(j job) {
	if j.key != "" {
		defer p.keys.lock(j.key)()
	}
	ctx, cancel := context.WithTimeout(p.ctx, jobTimeout)
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

// abandon tells the person of a job the bot will not run (it is stopping) to try again.
func (p *pool) abandon(j job) {
	p.abandoned.Add(1)
	p.log.Warn("job not run: the bot is stopping", "job", j.name, "told", j.onAbandon != nil)
	if j.onAbandon == nil {
		return
	}
	deadline := time.Now().Add(abandonTimeout)
	if by := time.Unix(0, p.stopBy.Load()); by.Before(deadline) {
		deadline = by
	}
	ctx, cancel := context.WithDeadline(context.WithoutCancel(p.ctx), deadline)
	defer cancel()
	defer func() { _ = recover() }()
	j.onAbandon(ctx)
}

// abandonTimeout bounds telling one person that their request was not done, and
// abandonParallel is how many are told at once; unwind is how long cancelled handlers
// get to return at the end of a stop.
const (
	abandonTimeout  = time.Second
	unwind          = 100 * time.Millisecond
	abandonParallel = 8
)

// stop refuses new jobs and finishes what was acknowledged within drain: queued jobs
// start for the first half of it; those still queued then are not started but given up,
// their people told to try again; jobs still running when drain ends are cancelled.
func (p *pool) stop(drain time.Duration) {
	stopBy := time.Now().Add(drain)
	p.stopBy.Store(stopBy.UnixNano())
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.queue)
	}
	p.mu.Unlock()
	done := make(chan struct{})
	go func() { p.wg.Wait(); close(done) }()
	half := time.NewTimer(drain / 2)
	defer half.Stop()
	select {
	case <-done:
		return
	case <-half.C:
	}
	p.abandoning.Store(true)
	if n := len(p.queue); n > 0 {
		p.log.Warn("stopping: requests not started yet are given up and their people told", "queued", n)
	}
	// The workers may all be busy: the queue is emptied here too, a few at a time.
	told := make(chan struct{})
	go func() {
		defer close(told)
		var wg sync.WaitGroup
		slots := make(chan struct{}, abandonParallel)
		for j := range p.queue {
			if time.Now().After(stopBy) {
				p.abandoned.Add(1)
				p.log.Error("stopping: no time left to tell the person", "job", j.name)
				p.done()
				continue
			}
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots }()
				p.abandon(j)
				p.done()
			})
		}
		wg.Wait()
	}()
	select {
	case <-done:
		<-told
	case <-time.After(time.Until(stopBy)):
		p.log.Warn("handlers still running at shutdown: cancelled", "waited", drain)
		if p.cancel != nil {
			p.cancel()
		}
		select { // a cancelled handler returns promptly
		case <-done:
		case <-time.After(unwind):
		}
	}
}

// keyedLocks are mutexes by key, held only while in use.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*keyedLock
}

type keyedLock struct {
	sync.Mutex
	users int
}

// lock locks key's mutex and returns its unlock.
func (k *keyedLocks) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyedLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyedLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
