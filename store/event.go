package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// MarkEventSeen records a Slack event ID as handled at the time given and reports whether
// this is the first time it is seen. Socket Mode redelivers an event under a new envelope
// with the same event ID; only the call that returns first == true should act on it.
func (db *DB) MarkEventSeen(ctx context.Context, eventID string, at time.Time) (first bool, err error) {
	if eventID == "" {
		return false, errors.New("mark event seen: empty event ID")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("mark event %s seen: %w", eventID, err)
	}
	defer tx.Rollback()

	first, err = insertEvent(ctx, tx, eventID, at)
	if err != nil {
		return false, fmt.Errorf("mark event %s seen: %w", eventID, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("mark event %s seen: %w", eventID, err)
	}
	return first, nil
}

// PruneEvents forgets the event IDs seen before the time given and returns how many it
// removed. Slack stops redelivering an event within minutes, so a day's IDs are plenty.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	defer tx.Rollback()

	n, err := deleteEventsBefore(ctx, tx, before)
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	return n, nil
}

// insertEvent adds the event ID unless present and reports whether it added it.
func insertEvent(ctx context.Context, tx *sql.Tx, eventID string, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, errors.New("no time given")
	}
	seen, err := timeValue(at)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx,
		`INSERT INTO processed_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING`,
		eventID, seen)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// deleteEventsBefore deletes the event IDs seen before the time given.
func deleteEventsBefore(ctx context.Context, tx *sql.Tx, before time.Time) (int64, error) {
	cutoff, err := timeValue(before)
	if err != nil || cutoff == nil {
		return 0, err // nothing was seen before the zero time
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM processed_events WHERE seen_at < ?`, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
