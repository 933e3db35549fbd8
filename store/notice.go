package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// enqueueTx queues notices inside a use case's transaction, like enqueueNoticesTx, but
// drops a notice that rewrites an earlier message (Replaces) when that message will
// never exist: it was withdrawn, failed for good, or was never queued.
func enqueueTx(ctx context.Context, tx *sql.Tx, now time.Time, notices ...mentoring.Notice) (int, error) {
	keep := notices[:0:0]
	for _, n := range notices {
		if n.Replaces != "" {
			var state string
			err := tx.QueryRowContext(ctx, `SELECT state FROM outbox WHERE key = ?`, n.Replaces).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) || err == nil && (state == "cancelled" || state == OutboxFailed) {
				continue
			}
			if err != nil {
				return 0, err
			}
		}
		keep = append(keep, n)
	}
	if len(keep) == 0 {
		return 0, nil
	}
	return enqueueNoticesTx(ctx, tx, now, keep...)
}
