package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// Outbox states, as stored in outbox.state.
const (
	OutboxPending = "pending" // waiting to be sent, from next_attempt_at
	OutboxSending = "sending" // claimed by a sender under a lease
	OutboxSent    = "sent"    // posted; sent_channel and sent_ts say where
	OutboxFailed  = "failed"  // given up; last_error says why
	// OutboxCancelled rows were withdrawn: a prompt whose person paused, left or answered
	// before it went out, or a rewrite of a message that will never exist. HR sees them as
	// withdrawn, not failed.
	OutboxCancelled = "cancelled"
)

// ErrClaimLost is returned when a sender reports on an outbox row it no longer holds:
// its lease ran out and the row was claimed again, or it was settled already.
var ErrClaimLost = errors.New("outbox claim lost")

// OutboxItem is an outbox row as a sender sees it.
type OutboxItem struct {
	ID     int64
	Notice mentoring.Notice
	State  string // one of the Outbox* states
	// Attempt is the number of claims so far; it identifies the current claim, and every
	// report on the row (MarkSent, MarkRetry, MarkFailed, ReleaseOutbox) must give it.
	Attempt int
	// Uncertain means an earlier attempt may have reached Slack: the sender crashed
	// while holding the row, or a request timed out. Look for the message before
	// posting it again.
	Uncertain      bool
	ClaimedAt      time.Time
	FirstClaimedAt time.Time // no earlier attempt can have been posted before this
	LeaseUntil     time.Time
	NextAttemptAt  time.Time // zero when due at once
	LastError      string
	SentChannel    string
	SentTS         string
	CreatedAt      time.Time
	SentAt         time.Time
	// RetriedAt is when HR last put the row back in the queue after it failed; zero if
	// never. The row's age is counted from then.
	RetriedAt time.Time
	// LeaseOwner is the instance (see DB.Hold) that holds the row's lease, if any.
	LeaseOwner string
}

// OutboxStats counts outbox rows by state; Retried counts rows that needed more than
// one attempt, whatever their state.
type OutboxStats struct {
	Pending, Sending, Sent, Failed, Cancelled, Retried int
	// OldestPending is when the oldest row still pending or sending was created; zero
	// when there is none.
	OldestPending time.Time
}

// Queued is how many messages are still to be sent.
func (s OutboxStats) Queued() int { return s.Pending + s.Sending }

// ClaimOutbox claims up to limit rows for sending, oldest first, and returns them with
// their new Attempt: rows pending and due at now, and rows left 'sending' by a sender
// whose lease ended at or before now. The latter come back Uncertain. Each claimed row
// is 'sending' until now+lease, leased to the instance that holds the database (see
// Hold), if any.
func (db *DB) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxItem, error) {
	if limit <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		return nil, errors.New("claim outbox: lease must be positive")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	defer tx.Rollback()

	items, err := claimOutbox(ctx, tx, now, limit, lease, db.owner())
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	return items, nil
}

// MarkSent records that the claimed row was posted, or found posted, as message ts in
// channel. It returns ErrClaimLost when attempt is not the row's current claim.
func (db *DB) MarkSent(ctx context.Context, id int64, attempt int, channel, ts string) error {
	return db.settleOutbox(ctx, "mark sent", id, attempt, `
		state = 'sent', sent_channel = ?, sent_ts = ?, sent_at = ?, last_error = '',
		lease_until = NULL`,
		func(now any) []any { return []any{channel, ts, now} })
}

// MarkRetry puts the claimed row back to pending, due at next, with the reason of the
// failed attempt. uncertain marks an attempt that may have reached Slack (a timeout, a
// 5xx), so the next one looks for the message first; a row once uncertain stays so. It
// returns ErrClaimLost when attempt is not the row's current claim.
func (db *DB) MarkRetry(ctx context.Context, id int64, attempt int, next time.Time, reason string, uncertain bool) error {
	nextAt, err := timeValue(next)
	if err != nil {
		return fmt.Errorf("mark retry of outbox %d: %w", id, err)
	}
	if nextAt == nil {
		nextAt = ""
	}
	return db.settleOutbox(ctx, "mark retry", id, attempt, `
		state = 'pending', next_attempt_at = ?, last_error = ?, lease_until = NULL,
		uncertain = max(uncertain, ?)`,
		func(any) []any { return []any{nextAt, reason, boolInt(uncertain)} })
}

// MarkFailed gives up on the claimed row with the reason. It returns ErrClaimLost when
// attempt is not the row's current claim.
func (db *DB) MarkFailed(ctx context.Context, id int64, attempt int, reason string) error {
	return db.settleOutbox(ctx, "mark failed", id, attempt, `
		state = 'failed', last_error = ?, lease_until = NULL`,
		func(any) []any { return []any{reason} })
}

// ReleaseOutbox hands a claimed row back unsent and untried, as when a sender stops
// before posting it: it is pending again, due as before, and the claim does not count
// as an attempt. It returns ErrClaimLost when attempt is not the row's current claim.
func (db *DB) ReleaseOutbox(ctx context.Context, id int64, attempt int) error {
	return db.settleOutbox(ctx, "release", id, attempt, `
		state = 'pending', attempts = attempts - 1, lease_until = NULL`,
		func(any) []any { return nil })
}

// MarkCancelled withdraws the claimed row with the reason, as when the message it
// rewrites will never exist. It returns ErrClaimLost when attempt is not the row's
// current claim.
func (db *DB) MarkCancelled(ctx context.Context, id int64, attempt int, reason string) error {
	return db.settleOutbox(ctx, "mark cancelled", id, attempt, `
		state = 'cancelled', last_error = ?, lease_until = NULL`,
		func(any) []any { return []any{reason} })
}

// DeferOutbox hands the claimed row back unsent, due at next, with the reason it waits:
// like ReleaseOutbox, the claim does not count as an attempt. It returns ErrClaimLost
// when attempt is not the row's current claim.
func (db *DB) DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, reason string) error {
	nextAt, err := timeValue(next)
	if err != nil {
		return fmt.Errorf("defer outbox %d: %w", id, err)
	}
	if nextAt == nil {
		nextAt = ""
	}
	return db.settleOutbox(ctx, "defer", id, attempt, `
		state = 'pending', attempts = attempts - 1, next_attempt_at = ?, last_error = ?,
		lease_until = NULL`,
		func(any) []any { return []any{nextAt, reason} })
}

// OutboxMessage is where a notice's message stands, as a rewrite of it needs to know.
type OutboxMessage struct {
	State       string    // one of the Outbox* states
	Channel, TS string    // where it was posted, once sent
	Due         time.Time // while pending, when it is due; while sending, when its lease ends
}

// OutboxMessageOf returns the state of the notice with key and, once it is sent, where
// its message is; an error wrapping mentoring.ErrNotFound when no notice has the key.
func (db *DB) OutboxMessageOf(ctx context.Context, key string) (OutboxMessage, error) {
	var m OutboxMessage
	err := db.inRead(ctx, "outbox message "+key, func(tx *sql.Tx) error {
		var due sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT state, sent_channel, sent_ts,
			CASE state WHEN 'pending' THEN next_attempt_at WHEN 'sending' THEN lease_until END
			FROM outbox WHERE key = ?`, key).Scan(&m.State, &m.Channel, &m.TS, &due)
		if errors.Is(err, sql.ErrNoRows) {
			return mentoring.ErrNotFound
		}
		if err != nil {
			return err
		}
		m.Due, err = parseTime(due)
		return err
	})
	return m, err
}

// FailedOutbox returns up to limit failed rows, the most recently failed first, for HR
// to see why and retry them.
func (db *DB) FailedOutbox(ctx context.Context, limit int) ([]OutboxItem, error) {
	var items []OutboxItem
	err := db.inRead(ctx, "failed outbox", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox
			WHERE state = 'failed' ORDER BY updated_at DESC, id DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		items, err = scanOutbox(rows)
		return err
	})
	return items, err
}

// RetryFailedOutbox puts failed rows back in the queue, due at once, and returns the IDs
// it re-queued: the rows of ids that are failed, or every failed row when all is set.
// A row that is not failed (sent, queued, retried already) is left alone, so retrying a
// row twice queues it once. A row that may have been posted stays uncertain, so the
// sender looks for its message before posting again. The row's age is counted anew.
func (db *DB) RetryFailedOutbox(ctx context.Context, ids []int64, all bool) ([]int64, error) {
	now, err := timeValue(db.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("retry failed outbox: %w", err)
	}
	if !all && len(ids) == 0 {
		return nil, nil
	}
	var done []int64
	err = db.inWrite(ctx, "retry failed outbox", func(tx *sql.Tx) error {
		q := `UPDATE outbox SET state = 'pending', next_attempt_at = '', retried_at = ?1,
			last_error = 'retried by HR: ' || last_error, updated_at = ?1 WHERE state = 'failed'`
		args := []any{now}
		if !all {
			q += ` AND id IN (` + placeholders(len(ids)) + `)`
			for _, id := range ids {
				args = append(args, id)
			}
		}
		rows, err := tx.QueryContext(ctx, q+` RETURNING id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			done = append(done, id)
		}
		return rows.Err()
	})
	slices.Sort(done)
	return done, err
}

// OutboxStats counts the outbox rows by state.
func (db *DB) OutboxStats(ctx context.Context) (OutboxStats, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	defer tx.Rollback()

	st, err := countOutbox(ctx, tx)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	return st, tx.Commit()
}

// PruneOutbox deletes the rows sent, failed or withdrawn before the time given and returns how
// many it removed. A pruned key may be enqueued again, so keep rows for longer than any
// use case may repeat itself.
func (db *DB) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	cutoff, err := timeValue(before)
	if err != nil || cutoff == nil {
		return 0, err
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx,
		`DELETE FROM outbox WHERE state IN ('sent', 'failed', 'cancelled') AND updated_at < ?`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune outbox: %w", err)
	}
	return n, nil
}

// settleOutbox applies set (with the arguments args returns, given the stamped time)
// to the row if attempt is its current claim, in one transaction.
func (db *DB) settleOutbox(ctx context.Context, what string, id int64, attempt int, set string, args func(now any) []any) error {
	now, err := timeValue(db.Clock.Now())
	if err != nil {
		return fmt.Errorf("%s outbox %d: %w", what, id, err)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s outbox %d: %w", what, id, err)
	}
	defer tx.Rollback()

	if err := updateClaimed(ctx, tx, id, attempt, set, append(args(now), now)...); err != nil {
		return fmt.Errorf("%s outbox %d: %w", what, id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s outbox %d: %w", what, id, err)
	}
	return nil
}

// enqueueNoticesTx inserts the notices unless their keys exist, created at now, and
// returns how many it inserted. Use cases call it inside their own transaction, so the
// change that causes a message and the message commit together.
func enqueueNoticesTx(ctx context.Context, tx *sql.Tx, now time.Time, notices ...mentoring.Notice) (int, error) {
	for _, n := range notices {
		if err := n.Validate(); err != nil {
			return 0, err
		}
	}
	created, err := timeValue(now)
	if err != nil {
		return 0, err
	}
	if created == nil {
		return 0, errors.New("no time given")
	}
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO outbox (key, kind, user_ids, channel, data, not_before, next_attempt_at,
			replaces, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	added := 0
	for _, n := range notices {
		users, err := json.Marshal(nonNil(n.UserIDs))
		if err != nil {
			return 0, err
		}
		data := "null"
		if len(n.Data) > 0 {
			data = string(n.Data)
		}
		notBefore, err := timeValue(n.NotBefore)
		if err != nil {
			return 0, fmt.Errorf("notice %q: %w", n.Key, err)
		}
		next := notBefore
		if next == nil {
			next = ""
		}
		res, err := stmt.ExecContext(ctx, n.Key, n.Kind, string(users), n.Channel, data,
			notBefore, next, n.Replaces, created, created)
		if err != nil {
			return 0, fmt.Errorf("notice %q: %w", n.Key, err)
		}
		k, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		added += int(k)
	}
	return added, nil
}

// outboxColumns are the columns scanOutbox reads, in its order.
const outboxColumns = `id, key, kind, user_ids, channel, data, not_before, replaces, state,
	attempts, uncertain, claimed_at, first_claimed_at, lease_until, next_attempt_at, last_error,
	sent_channel, sent_ts, created_at, sent_at, retried_at, lease_owner`

// claimOutbox moves up to limit due or abandoned rows to 'sending' and returns them in
// id order.
func claimOutbox(ctx context.Context, tx *sql.Tx, now time.Time, limit int, lease time.Duration, owner string) ([]OutboxItem, error) {
	at, err := timeValue(now)
	if err != nil {
		return nil, err
	}
	if at == nil {
		return nil, errors.New("no time given")
	}
	until, err := timeValue(now.Add(lease))
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `
		UPDATE outbox SET
			state = 'sending',
			attempts = attempts + 1,
			uncertain = CASE WHEN state = 'sending' THEN 1 ELSE uncertain END,
			lease_until = ?1,
			lease_owner = ?4,
			claimed_at = ?2,
			first_claimed_at = coalesce(first_claimed_at, ?2),
			updated_at = ?2
		WHERE id IN (
			SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?2
			UNION ALL
			SELECT id FROM outbox WHERE state = 'sending' AND lease_until <= ?2
			ORDER BY id LIMIT ?3)
		RETURNING `+outboxColumns, until, at, limit, owner)
	if err != nil {
		return nil, err
	}
	items, err := scanOutbox(rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b OutboxItem) int { return int(a.ID - b.ID) })
	return items, nil
}

// updateClaimed applies set to the row if it is 'sending' under the claim attempt; args
// fill set's placeholders and end with the time that stamps updated_at.
func updateClaimed(ctx context.Context, tx *sql.Tx, id int64, attempt int, set string, args ...any) error {
	q := `UPDATE outbox SET ` + set + `, updated_at = ? WHERE id = ? AND state = 'sending' AND attempts = ?`
	res, err := tx.ExecContext(ctx, q, append(args, id, attempt)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrClaimLost
	}
	return nil
}

// countOutbox counts rows by state.
func countOutbox(ctx context.Context, tx *sql.Tx) (OutboxStats, error) {
	var st OutboxStats
	rows, err := tx.QueryContext(ctx,
		`SELECT state, count(*), coalesce(sum(attempts > 1), 0) FROM outbox GROUP BY state`)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n, retried int
		if err := rows.Scan(&state, &n, &retried); err != nil {
			return st, err
		}
		st.Retried += retried
		switch state {
		case OutboxPending:
			st.Pending = n
		case OutboxSending:
			st.Sending = n
		case OutboxSent:
			st.Sent = n
		case OutboxFailed:
			st.Failed = n
		case OutboxCancelled:
			st.Cancelled = n
		}
	}
	if err := rows.Err(); err != nil {
		return st, err
	}
	var oldest sql.NullString
	if err := tx.QueryRowContext(ctx,
		`SELECT min(created_at) FROM outbox WHERE state IN ('pending', 'sending')`).Scan(&oldest); err != nil {
		return st, err
	}
	st.OldestPending, err = parseTime(oldest)
	return st, err
}

// scanOutbox reads rows of outboxColumns and closes them.
func scanOutbox(rows *sql.Rows) ([]OutboxItem, error) {
	defer rows.Close()
	var items []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var users, data string
		var uncertain int
		var notBefore, claimed, firstClaimed, lease, created, sent, retried sql.NullString
		var next string
		if err := rows.Scan(&it.ID, &it.Notice.Key, &it.Notice.Kind, &users, &it.Notice.Channel,
			&data, &notBefore, &it.Notice.Replaces, &it.State, &it.Attempt, &uncertain, &claimed,
			&firstClaimed, &lease, &next, &it.LastError, &it.SentChannel, &it.SentTS, &created,
			&sent, &retried, &it.LeaseOwner); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(users), &it.Notice.UserIDs); err != nil {
			return nil, fmt.Errorf("outbox %d user_ids: %w", it.ID, err)
		}
		if len(it.Notice.UserIDs) == 0 {
			it.Notice.UserIDs = nil
		}
		if data != "null" {
			it.Notice.Data = json.RawMessage(data)
		}
		it.Uncertain = uncertain == 1
		var err error
		for _, f := range []struct {
			dst *time.Time
			src sql.NullString
		}{
			{&it.Notice.NotBefore, notBefore},
			{&it.ClaimedAt, claimed},
			{&it.FirstClaimedAt, firstClaimed},
			{&it.LeaseUntil, lease},
			{&it.NextAttemptAt, sql.NullString{String: next, Valid: next != ""}},
			{&it.CreatedAt, created},
			{&it.SentAt, sent},
			{&it.RetriedAt, retried},
		} {
			if *f.dst, err = parseTime(f.src); err != nil {
				return nil, fmt.Errorf("outbox %d: %w", it.ID, err)
			}
		}
		items = append(items, it)
	}
	return items, rows.Err()
}
