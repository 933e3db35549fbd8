package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// rewriteOf is a notice that rewrites the message of orig in place.
func rewriteOf(orig mentoring.Notice, key string) mentoring.Notice {
	n := orig
	n.Key, n.Replaces, n.NotBefore = key, orig.Key, time.Time{}
	return n
}

func TestSender_RewritesAMessageInPlace(t *testing.T) {
	e := newSenderEnv(t, 1)
	u := e.users[0]
	prompt := dmNotice("prompt:1", u)
	e.enqueue(t, prompt)
	s := e.sender(t, nil)
	e.drain(t, s)
	orig := e.row("prompt:1")
	if orig.State != store.OutboxSent {
		t.Fatalf("original = %+v", orig)
	}

	e.enqueue(t, rewriteOf(prompt, "prompt:1:answered"))
	e.drain(t, s)

	msgs := e.fake.Messages(u)
	if len(msgs) != 1 || msgs[0].Text != "pulse prompt:1:answered" || !msgs[0].Edited || msgs[0].TS != orig.SentTS {
		t.Fatalf("DM holds %+v, want the one message rewritten in place", msgs)
	}
	// The message keeps the metadata of the notice that posted it.
	if k := outboxKey(msgs[0]); k != "prompt:1" {
		t.Errorf("metadata key %q", k)
	}
	if it := e.row("prompt:1:answered"); it.State != store.OutboxSent || it.SentChannel != orig.SentChannel || it.SentTS != orig.SentTS {
		t.Errorf("rewrite row = %+v, want sent as %s %s", it, orig.SentChannel, orig.SentTS)
	}
	if n := len(e.fake.Calls("chat.update")); n != 1 {
		t.Errorf("%d chat.update calls", n)
	}
	if n := len(e.fake.Calls("chat.postMessage")); n != 1 {
		t.Errorf("%d posts, want the original's alone", n)
	}
	if st, _ := s.Stats(context.Background()); st.Updated != 1 || st.Posted != 1 || st.Outbox.Sent != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSender_RewriteOfAWithdrawnOrFailedMessageIsDropped(t *testing.T) {
	for _, tc := range []struct {
		name   string
		settle func(db *store.DB, it store.OutboxItem) error
		reason string
	}{
		{"withdrawn", func(db *store.DB, it store.OutboxItem) error {
			return db.MarkCancelled(context.Background(), it.ID, it.Attempt, "paused")
		}, "was withdrawn"},
		{"failed", func(db *store.DB, it store.OutboxItem) error {
			return db.MarkFailed(context.Background(), it.ID, it.Attempt, "user_disabled")
		}, "failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newSenderEnv(t, 1)
			ctx := context.Background()
			u := e.users[0]
			prompt := dmNotice("prompt:1", u)
			e.enqueue(t, prompt, rewriteOf(prompt, "prompt:1:answered"))
			// The original is settled before the sender gets to it: withdrawn (its person
			// paused) or failed.
			claimed, err := e.db.ClaimOutbox(ctx, e.clock.Now(), 1, time.Minute)
			if err != nil || len(claimed) != 1 || claimed[0].Notice.Key != "prompt:1" {
				t.Fatal(claimed, err)
			}
			if err := tc.settle(e.db, claimed[0]); err != nil {
				t.Fatal(err)
			}
			s := e.sender(t, nil)
			e.drain(t, s)

			it := e.row("prompt:1:answered")
			if it.State != store.OutboxCancelled || !strings.Contains(it.LastError, tc.reason) {
				t.Errorf("rewrite = %+v, want withdrawn because the original %s", it, tc.reason)
			}
			if n := len(e.fake.Calls("chat.update")) + len(e.fake.Calls("chat.postMessage")); n != 0 {
				t.Errorf("%d calls to Slack for a message that does not exist", n)
			}
			st, _ := s.Stats(ctx)
			if st.Cancelled != 1 || st.GaveUp != 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

func TestSender_RewriteQueuedBeforeItsOriginalWaitsForIt(t *testing.T) {
	e := newSenderEnv(t, 1)
	u := e.users[0]
	prompt := dmNotice("prompt:1", u)
	prompt.NotBefore = e.clock.Now().Add(time.Hour)
	e.enqueue(t, prompt, rewriteOf(prompt, "prompt:1:answered"))
	s := e.sender(t, nil)

	e.drain(t, s)
	it := e.row("prompt:1:answered")
	if it.State != store.OutboxPending || it.Attempt != 0 || !it.NextAttemptAt.Equal(prompt.NotBefore) {
		t.Fatalf("rewrite = %+v, want waiting, uncounted, until the original is due", it)
	}
	if n := len(e.fake.Calls("chat.update")) + len(e.fake.Calls("chat.postMessage")); n != 0 {
		t.Fatalf("%d calls to Slack before anything was due", n)
	}

	e.clock.Advance(time.Hour)
	e.drain(t, s)
	msgs := e.fake.Messages(u)
	if len(msgs) != 1 || msgs[0].Text != "pulse prompt:1:answered" {
		t.Fatalf("DM holds %+v, want the original rewritten", msgs)
	}
	if it := e.row("prompt:1:answered"); it.State != store.OutboxSent || it.SentTS != msgs[0].TS {
		t.Errorf("rewrite = %+v", it)
	}
	if it := e.row("prompt:1:answered"); it.Attempt != 1 {
		t.Errorf("rewrite took %d attempts; waiting should not count", it.Attempt)
	}
}
