package bot_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
)

// logWatch is a slog handler a test can wait on: the bot's log line is the signal that
// it reached a point that leaves no other trace, such as dropping a duplicate event.
// Waiting on it replaces sleeping and hoping that nothing more happens.
type logWatch struct {
	mu      sync.Mutex
	msgs    []string
	changed chan struct{} // closed and replaced at every record
}

func newLogWatch() *logWatch { return &logWatch{changed: make(chan struct{})} }

// Enabled records every level, debug included.
func (w *logWatch) Enabled(context.Context, slog.Level) bool { return true }

// Handle records the message of one log line.
func (w *logWatch) Handle(_ context.Context, r slog.Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, r.Message)
	close(w.changed)
	w.changed = make(chan struct{})
	return nil
}

// WithAttrs keeps recording into the same watch.
func (w *logWatch) WithAttrs([]slog.Attr) slog.Handler { return w }

// WithGroup keeps recording into the same watch.
func (w *logWatch) WithGroup(string) slog.Handler { return w }

// count returns how many lines with this message were logged.
func (w *logWatch) count(msg string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return countOf(w.msgs, msg)
}

// wait waits until a line with this message has been logged at least n times.
func (w *logWatch) wait(ctx context.Context, msg string, n int) error {
	for {
		w.mu.Lock()
		got, changed := countOf(w.msgs, msg), w.changed
		w.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func countOf(msgs []string, msg string) int {
	n := 0
	for i := slices.Index(msgs, msg); i >= 0; i = slices.Index(msgs, msg) {
		n++
		msgs = msgs[i+1:]
	}
	return n
}
