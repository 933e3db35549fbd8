package app

import (
	"context"
	"time"

	"github.com/reverse-mentor/reverse-mentor/scheduler"
)

// Retention of housekeeping data.
const (
	// eventRetention is how long handled Slack event IDs are kept to spot redeliveries.
	eventRetention = 7 * 24 * time.Hour
	// outboxRetentionDays is how long sent and failed outbox rows are kept; a key pruned
	// may be queued again, so it outlasts any use case that repeats itself.
	outboxRetentionDays = 90
)

// jobs is the table of scheduled work. Each job is idempotent, and does nothing in a dry
// run but say so.
func (m *Main) jobs() []scheduler.Job {
	return []scheduler.Job{{
		Name: "prune-events",
		Spec: "@daily",
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				return nil
			}
			n, err := m.db.PruneEvents(ctx, now.Add(-eventRetention))
			if err == nil && n > 0 {
				m.Log.Info("pruned handled events", "count", n)
			}
			return err
		},
	}, {
		Name: "prune-outbox",
		Spec: "@daily",
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				return nil
			}
			n, err := m.db.PruneOutbox(ctx, now.AddDate(0, 0, -outboxRetentionDays))
			if err == nil && n > 0 {
				m.Log.Info("pruned sent messages", "count", n)
			}
			return err
		},
	}}
}
