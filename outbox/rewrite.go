package outbox

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// rewrite delivers a row that rewrites an earlier message in place (Notice.Replaces)
// with chat.update of that message. An original still to be sent is waited for, without
// counting the attempt; one that will never exist (withdrawn, failed, never queued)
// withdraws the rewrite. chat.update is idempotent, so a rewrite whose fate is unknown is
// simply done again.
func (s *Sender) rewrite(a *attempt) {
	n := a.it.Notice
	ctx, cancel := s.bookkeeping(a.soft)
	orig, err := s.opts.Store.MessageOf(ctx, n.Replaces)
	cancel()
	switch {
	case errors.Is(err, mentoring.ErrNotFound):
		s.cancel(a, "the message it rewrites ("+n.Replaces+") was never queued")
		return
	case err != nil:
		s.settle(a, verdict{outcome: transient, reason: "look up the message it rewrites: " + err.Error()})
		return
	}
	switch orig.State {
	case stateSent:
	case statePending, stateSending:
		next := s.opts.Clock.Now().Add(s.opts.RewriteWait)
		if orig.Due.After(next) {
			next = orig.Due
		}
		s.deferRow(a, next, "waiting for "+n.Replaces+" to be sent")
		return
	case stateCancelled:
		s.cancel(a, "the message it rewrites ("+n.Replaces+") was withdrawn")
		return
	default:
		s.cancel(a, "the message it rewrites ("+n.Replaces+") "+orig.State)
		return
	}
	text, blocks, ok := s.render(a)
	if !ok {
		return
	}
	for {
		if err := s.throttle.wait(a.soft, methodUpdate); err != nil {
			s.release(a, "shutdown")
			return
		}
		if !s.canPost(a.it) {
			s.release(a, "lease too short to post")
			return
		}
		a.mayHavePosted = true
		err := s.update(a.hard, orig.Channel, orig.TS, text, blocks)
		if err == nil {
			s.updated.Add(1)
			s.deliveredOK()
			s.markSent(a, orig.Channel, orig.TS)
			return
		}
		v := classify(err, a.hard.Err() != nil)
		switch {
		case v.outcome == rateLimited:
			s.rateLimited.Add(1)
			a.log.Warn("rate limited by Slack", "method", methodUpdate, "retry_after", v.retryAfter)
			s.throttle.pause(methodUpdate, "", v.retryAfter)
			continue
		case v.code == "message_not_found" || v.code == "cant_update_message":
			s.cancel(a, "the message it rewrites is gone from Slack ("+v.code+")")
			return
		}
		v.uncertain = false // done again, an update does no harm
		s.settle(a, v)
		return
	}
}

// update rewrites the message ts in channel. The message keeps its metadata, which
// names the notice that posted it.
func (s *Sender) update(ctx context.Context, channel, ts, text string, blocks []slack.Block) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.RequestTimeout)
	defer cancel()
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	_, _, _, err := s.opts.Slack.UpdateMessageContext(ctx, channel, ts, opts...)
	return err
}
