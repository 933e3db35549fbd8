package app

import (
	"context"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
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
		// The programme's pass: check-ins due, nudges, missed prompts, stalls, people gone
		// quiet, pauses ended (see mentoring.Service.Sweep).
		Name: "sweep",
		Spec: m.Config.Schedule.Sweep,
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				notices, err := m.svc.PlanSweep(ctx, now)
				scheduler.Plan(ctx, notices...)
				return err
			}
			res, err := m.svc.Sweep(ctx, now)
			if res != (mentoring.SweepResult{}) {
				m.Log.Info("sweep", "prompted", res.Prompted, "skipped", res.Skipped, "nudged", res.Nudged,
					"missed", res.Missed, "flagged", res.Flagged, "resumed", res.Resumed)
			}
			return err
		},
	}, {
		// The pulse surveys of the slot, one DM each, held until working hours.
		Name: "pulse",
		Spec: m.Config.Schedule.Pulse,
		Run: func(ctx context.Context, now time.Time) error {
			if scheduler.DryRun(ctx) {
				notices, err := m.svc.PlanPulses(ctx, now)
				scheduler.Plan(ctx, notices...)
				return err
			}
			n, err := m.svc.SendPulses(ctx, now)
			if n > 0 {
				m.Log.Info("pulse surveys queued", "count", n)
			}
			return err
		},
	}, {
		// The weekly HR summary in the HR channel, one post per slot whatever restarts.
		Name: "weekly-summary",
		Spec: m.Config.Schedule.WeeklySummary,
		Run: func(ctx context.Context, now time.Time) error {
			if m.Config.Program.HRChannel == "" {
				m.Log.Warn("weekly summary not posted: program.hr_channel is not set")
				return nil
			}
			if scheduler.DryRun(ctx) {
				sm, err := m.svc.WeeklySummary(ctx, now)
				if err == nil {
					m.Log.Info("dry run: would post the weekly summary", "week_end", sm.Week.End)
				}
				return err
			}
			_, err := m.svc.PostWeeklySummary(ctx, now, m.Config.Program.HRChannel)
			return err
		},
	}, {
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
