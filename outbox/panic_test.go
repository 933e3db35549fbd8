package outbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// poisonRenderer panics on notices of kind "poison" and renders the rest as testRenderer.
type poisonRenderer struct{ testRenderer }

func (r poisonRenderer) Render(ctx context.Context, n mentoring.Notice) (string, []slack.Block, error) {
	if n.Kind == "poison" {
		var m map[string]int
		m["boom"]++ // a nil map: the kind of bug a template meets
	}
	return r.testRenderer.Render(ctx, n)
}

func TestSender_PoisonRowIsFailedAfterBoundedAttemptsAndTheRestGoOut(t *testing.T) {
	e := newSenderEnv(t, 3)
	e.enqueue(t,
		dmNotice("before", e.users[0]),
		mentoring.Notice{Key: "poison", Kind: "poison", UserIDs: []string{e.users[1]}},
		dmNotice("after", e.users[2]),
	)
	s := e.sender(t, func(o *Options) {
		o.Renderer = poisonRenderer{}
		o.PanicAttempts = 3
		o.BackoffBase, o.BackoffMax = time.Second, time.Second
	})
	for range 5 {
		e.drain(t, s) // a panic that escaped would end the test binary here
		e.clock.Advance(time.Second)
	}
	it := e.row("poison")
	if it.State != store.OutboxFailed || it.Attempt != 3 || !strings.HasPrefix(it.LastError, "panic: ") ||
		!strings.Contains(it.LastError, "nil map") {
		t.Errorf("poison row = %+v, want failed after 3 attempts with the panic's message", it)
	}
	got := e.delivered(e.users...)
	if got["before"] != 1 || got["after"] != 1 || got["poison"] != 0 {
		t.Errorf("delivered %v", got)
	}
	if st, _ := s.Stats(context.Background()); st.GaveUp != 1 || st.Retries != 2 {
		t.Errorf("stats = %+v", st)
	}
}
