package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Job run states, as stored in job_runs.state.
const (
	JobClaimed = "claimed" // a scheduler instance is running the slot
	JobDone    = "done"    // the slot ran without error
	JobFailed  = "failed"  // the slot ran and failed, or panicked; it is not run again
	JobSkipped = "skipped" // the slot was missed and not run
)

// jobRun is one slot of a scheduled job as recorded.
type jobRun struct {
	Job        string
	Slot       time.Time
	State      string // one of the Job* states
	ClaimedAt  time.Time
	FinishedAt time.Time
	Error      string
	Owner      string
}

// ClaimSlot records that owner is about to run job's slot and reports whether it won
// the slot: false means the slot was claimed, run or skipped already, by this or another
// scheduler, and must not run. The claim is stamped with the DB's clock.
func (db *DB) ClaimSlot(ctx context.Context, job string, slot time.Time, owner string) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("claim %s at %s: %w", job, slot, err)
	}
	defer tx.Rollback()

	won, err := insertJobRun(ctx, tx, jobRun{
		Job: job, Slot: slot, State: JobClaimed, ClaimedAt: db.Clock.Now(), Owner: owner,
	})
	if err != nil {
		return false, fmt.Errorf("claim %s at %s: %w", job, slot, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("claim %s at %s: %w", job, slot, err)
	}
	return won, nil
}

// FinishSlot records the end of a claimed slot: done when runErr is nil, failed with its
// text otherwise. Finishing a slot that is not claimed is an error.
func (db *DB) FinishSlot(ctx context.Context, job string, slot time.Time, runErr error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish %s at %s: %w", job, slot, err)
	}
	defer tx.Rollback()

	if err := finishJobRun(ctx, tx, job, slot, runErr, db.Clock.Now()); err != nil {
		return fmt.Errorf("finish %s at %s: %w", job, slot, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("finish %s at %s: %w", job, slot, err)
	}
	return nil
}

// SkipSlot records a slot that will not run, with the reason, unless the slot is
// recorded already (claimed, run or skipped), in which case it changes nothing.
func (db *DB) SkipSlot(ctx context.Context, job string, slot time.Time, reason string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("skip %s at %s: %w", job, slot, err)
	}
	defer tx.Rollback()

	now := db.Clock.Now()
	if _, err := insertJobRun(ctx, tx, jobRun{
		Job: job, Slot: slot, State: JobSkipped, FinishedAt: now, Error: reason,
	}); err != nil {
		return fmt.Errorf("skip %s at %s: %w", job, slot, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("skip %s at %s: %w", job, slot, err)
	}
	return nil
}

// LastSlot returns the latest slot recorded for job in any state, or the zero time when
// the job has none: the scheduler looks for due slots after it.
func (db *DB) LastSlot(ctx context.Context, job string) (time.Time, error) {
	tx, err := db.read.BeginTx(ctx, readOnly)
	if err != nil {
		return time.Time{}, fmt.Errorf("last slot of %s: %w", job, err)
	}
	defer tx.Rollback()

	var s sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT max(slot) FROM job_runs WHERE job = ?`, job).Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("last slot of %s: %w", job, err)
	}
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("last slot of %s: %w", job, err)
	}
	return t, tx.Commit()
}

// insertJobRun adds the run unless its job and slot are recorded already, and reports
// whether it added it.
func insertJobRun(ctx context.Context, tx *sql.Tx, r jobRun) (bool, error) {
	if r.Job == "" {
		return false, errors.New("no job name")
	}
	if r.Slot.IsZero() {
		return false, errors.New("no slot time")
	}
	slot, err := timeValue(r.Slot)
	if err != nil {
		return false, err
	}
	claimed, err := timeValue(r.ClaimedAt)
	if err != nil {
		return false, err
	}
	finished, err := timeValue(r.FinishedAt)
	if err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO job_runs (job, slot, state, claimed_at, finished_at, error, owner)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job, slot) DO NOTHING`,
		r.Job, slot, r.State, claimed, finished, r.Error, r.Owner)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// finishJobRun moves a claimed run to done or failed.
func finishJobRun(ctx context.Context, tx *sql.Tx, job string, slot time.Time, runErr error, now time.Time) error {
	s, err := timeValue(slot)
	if err != nil {
		return err
	}
	at, err := timeValue(now)
	if err != nil {
		return err
	}
	state, msg := JobDone, ""
	if runErr != nil {
		state, msg = JobFailed, runErr.Error()
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE job_runs SET state = ?, finished_at = ?, error = ?
		WHERE job = ? AND slot = ? AND state = 'claimed'`,
		state, at, msg, job, s)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errors.New("slot is not claimed")
	}
	return nil
}
