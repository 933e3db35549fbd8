package bot

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack/socketmode"
)

// ackDeadline is how long after an envelope arrives its acknowledgement is still worth
// writing: Slack waits 3 seconds, then redelivers an event or shows the person an error.
const ackDeadline = 2500 * time.Millisecond

// ackQueueSize bounds the acknowledgements waiting for the socket.
const ackQueueSize = 4096

// acker writes acknowledgements from a goroutine of its own. slack-go queues them on a
// 20-slot channel that drains only while a socket is connected: acknowledging a burst
// from the loop while the socket reconnects would stall the loop, and with it the
// stop. An ack that cannot be written within ackDeadline is dropped: Slack redelivers
// an unacknowledged event, and shows the person its own error for a command or a click.
type acker struct {
	sm      *socketmode.Client
	log     *slog.Logger
	queue   chan pendingAck
	dropped atomic.Int64
}

// pendingAck is an acknowledgement waiting to be written.
type pendingAck struct {
	envelopeID string
	payload    any
	deadline   time.Time
}

func newAcker(sm *socketmode.Client, log *slog.Logger) *acker {
	return &acker{sm: sm, log: log, queue: make(chan pendingAck, ackQueueSize)}
}

// send queues an acknowledgement; it never blocks.
func (a *acker) send(envelopeID string, payload any) {
	select {
	case a.queue <- pendingAck{envelopeID: envelopeID, payload: payload, deadline: time.Now().Add(ackDeadline)}:
	default:
		a.drop(envelopeID, "the acknowledgement queue is full")
	}
}

// run writes the queued acknowledgements until ctx ends.
func (a *acker) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-a.queue:
			if !time.Now().Before(p.deadline) {
				a.drop(p.envelopeID, "too late: the socket was down")
				continue
			}
			actx, cancel := context.WithDeadline(ctx, p.deadline)
			err := a.sm.AckCtx(actx, p.envelopeID, p.payload)
			cancel()
			if err != nil && ctx.Err() == nil {
				a.drop(p.envelopeID, err.Error())
			}
		}
	}
}

// drop logs an acknowledgement that will not be written.
func (a *acker) drop(envelopeID, why string) {
	a.dropped.Add(1)
	a.log.Warn("ack not written; Slack redelivers the event or tells the person", "envelope_id", envelopeID, "why", why)
}

// refusalQueueSize bounds the apologies waiting to be sent when the bot is overloaded.
const refusalQueueSize = 256

// refusals sends the apologies of an overloaded bot from one goroutine, from a bounded
// queue: however many requests are refused, they cost one goroutine.
type refusals struct {
	log     *slog.Logger
	queue   chan func(ctx context.Context)
	dropped atomic.Int64
}

func newRefusals(log *slog.Logger) *refusals {
	return &refusals{log: log, queue: make(chan func(ctx context.Context), refusalQueueSize)}
}

// add queues an apology; when even that queue is full it is dropped and logged.
func (r *refusals) add(name string, tell func(ctx context.Context)) {
	select {
	case r.queue <- tell:
	default:
		r.dropped.Add(1)
		r.log.Error("overloaded: a refused request could not even be answered", "job", name)
	}
}

// run sends the queued apologies until ctx ends.
func (r *refusals) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case tell := <-r.queue:
			func() {
				tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				defer func() { _ = recover() }()
				tell(tctx)
			}()
		}
	}
}
