package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// followUpKinds are the kinds of notice withdrawn when their recipient pauses or leaves:
// nobody on a break or gone is prompted, nudged or surveyed.
var followUpKinds = []string{mentoring.NoticeCheckinPrompt, mentoring.NoticePulse, mentoring.NoticeResumed}

// withdrawTo cancels the notices of the given kinds still queued for userID alone (not
// those already being sent).
func withdrawTo(ctx context.Context, tx *sql.Tx, userID string, at time.Time, reason string, kinds []string) error {
	now, err := timeValue(at)
	if err != nil {
		return err
	}
	users, err := json.Marshal([]string{userID})
	if err != nil {
		return err
	}
	args := []any{reason, now, string(users)}
	for _, k := range kinds {
		args = append(args, k)
	}
	_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'cancelled', last_error = ?, updated_at = ?
		WHERE state = 'pending' AND user_ids = ? AND kind IN (`+placeholders(len(kinds))+`)`, args...)
	return err
}

// withdrawKeys cancels the notices with the keys if they are still queued.
func withdrawKeys(ctx context.Context, tx *sql.Tx, at time.Time, reason string, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	now, err := timeValue(at)
	if err != nil {
		return err
	}
	args := []any{reason, now}
	for _, k := range keys {
		args = append(args, k)
	}
	_, err = tx.ExecContext(ctx, `UPDATE outbox SET state = 'cancelled', last_error = ?, updated_at = ?
		WHERE state = 'pending' AND key IN (`+placeholders(len(keys))+`)`, args...)
	return err
}

// ParticipantsToResume returns the paused participants whose pause ended at or before now.
func (db *DB) ParticipantsToResume(ctx context.Context, now time.Time) ([]mentoring.Participant, error) {
	at, err := timeValue(now)
	if err != nil {
		return nil, fmt.Errorf("participants to resume: %w", err)
	}
	var out []mentoring.Participant
	err = db.inRead(ctx, "participants to resume", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+participantColumns+` FROM participants
			WHERE status = 'paused' AND paused_until <= ? ORDER BY paused_until, user_id`, at)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanParticipant(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	return out, err
}

// Resume makes a paused participant active again, clears their quiet mark and queues
// notice (may be nil), unless they are not paused (then false).
func (db *DB) Resume(ctx context.Context, userID string, at time.Time, notice *mentoring.Notice) (bool, error) {
	won := false
	err := db.inWrite(ctx, "resume "+userID, func(tx *sql.Tx) error {
		now, err := timeValue(at)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE participants SET status = 'active', paused_until = NULL,
			quiet_since = NULL, updated_at = ? WHERE user_id = ? AND status = 'paused'`, now, userID))
		if err != nil || n == 0 {
			return err
		}
		won = true
		if notice == nil {
			return nil
		}
		_, err = enqueueTx(ctx, tx, at, *notice)
		return err
	})
	return won, err
}

// Pause pauses the participant until until: their queued prompts, nudges and surveys are
// withdrawn and their open prompts no longer wait for an answer (they do not count as
// missed), in one transaction.
func (db *DB) Pause(ctx context.Context, userID string, at, until time.Time) error {
	return db.inWrite(ctx, "pause "+userID, func(tx *sql.Tx) error {
		ts, err := times(at, until)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, `UPDATE participants SET status = 'paused', paused_until = ?, updated_at = ?
			WHERE user_id = ? AND status IN ('active', 'paused')`, ts[1], ts[0], userID))
		if err != nil {
			return err
		}
		if n == 0 {
			return mentoring.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'skipped', skip_reason = 'paused'
			WHERE user_id = ? AND state IN ('prompted', 'nudged')`, userID); err != nil {
			return err
		}
		return withdrawTo(ctx, tx, userID, at, "paused", followUpKinds)
	})
}

// Leave takes a person out of the programme in one transaction: their active pairs end,
// each partner gets the notice partnerNotice makes, open prompts of those pairs stop
// waiting, everything still queued for the person is withdrawn, and they are marked as
// left — or, with erase, everything that names them is deleted. It returns the pairs
// that ended.
func (db *DB) Leave(ctx context.Context, userID string, at time.Time, erase bool, partnerNotice func(mentoring.Pair) mentoring.Notice) ([]mentoring.Pair, error) {
	var ended []mentoring.Pair
	err := db.inWrite(ctx, "leave "+userID, func(tx *sql.Tx) error {
		now, err := timeValue(at)
		if err != nil {
			return err
		}
		ended, err = findPairs(ctx, tx, `WHERE status = 'active' AND (mentor_id = ? OR mentee_id = ?) ORDER BY id`, userID, userID)
		if err != nil {
			return err
		}
		for _, p := range ended {
			if _, err := tx.ExecContext(ctx, `UPDATE pairs SET status = 'ended', ended_at = ? WHERE id = ?`, now, p.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'skipped', skip_reason = 'left'
				WHERE pair_id = ? AND state IN ('prompted', 'nudged')`, p.ID); err != nil {
				return err
			}
			if partnerNotice != nil {
				if _, err := enqueueTx(ctx, tx, at, partnerNotice(p)); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkin_prompts SET state = 'skipped', skip_reason = 'left'
			WHERE user_id = ? AND state IN ('prompted', 'nudged')`, userID); err != nil {
			return err
		}
		users, _ := json.Marshal([]string{userID})
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'cancelled', last_error = 'left', updated_at = ?
			WHERE state = 'pending' AND user_ids = ?`, now, string(users)); err != nil {
			return err
		}
		if erase {
			return eraseTx(ctx, tx, userID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE participants SET status = 'left', paused_until = NULL, updated_at = ?
			WHERE user_id = ?`, now, userID)
		return err
	})
	if err == nil && erase {
		// The erasure is committed; a checkpoint that cannot finish now finishes later.
		_, _ = db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return ended, err
}

// erasedID stands in for an erased person in the pairs their partners keep, so the
// partner's own history stays while nothing names the person.
const erasedID = "erased"

// eraseTx deletes, or rewrites to name nobody, every row that names userID: their
// profile, language, answers, surveys, flags about them or naming them, the messages
// queued or sent to or about them, cached DM channels with them, imported org data, and
// their place in pairs and in stored round proposals.
func eraseTx(ctx context.Context, tx *sql.Tx, userID string) error {
	for _, q := range []struct {
		query string
		args  []any
	}{
		{`DELETE FROM participants WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM user_prefs WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM checkins WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM checkin_prompts WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM pulses WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM self_ratings WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM cycle_surveys WHERE user_id = ?`, []any{userID}},
		{`UPDATE cycles SET created_by = ? WHERE created_by = ?`, []any{erasedID, userID}},
		// instr, not LIKE: LIKE ignores case, and an ID such as "UE" would match "true".
		{`DELETE FROM flags WHERE user_id = ?1 OR instr(key, ?1) OR instr(detail, ?1)`, []any{userID}},
		{`DELETE FROM outbox WHERE instr(user_ids, ?1) OR instr(key, ?1) OR instr(data, ?1) OR instr(replaces, ?1)`, []any{userID}},
		{`DELETE FROM dm_channels WHERE instr(users_key, ?)`, []any{userID}},
		{`DELETE FROM org_people WHERE user_id = ?`, []any{userID}},
		{`UPDATE org_people SET manager_id = '' WHERE manager_id = ?`, []any{userID}},
		{`UPDATE pairs SET mentor_id = ? WHERE mentor_id = ?`, []any{erasedID, userID}},
		{`UPDATE pairs SET mentee_id = ? WHERE mentee_id = ?`, []any{erasedID, userID}},
		{`UPDATE participants SET manager_id = '' WHERE manager_id = ?`, []any{userID}},
		{`UPDATE rounds SET created_by = ? WHERE created_by = ?`, []any{erasedID, userID}},
		{`UPDATE rounds SET decided_by = ? WHERE decided_by = ?`, []any{erasedID, userID}},
		{`UPDATE flags SET handled_by = ? WHERE handled_by = ?`, []any{erasedID, userID}},
	} {
		if _, err := tx.ExecContext(ctx, q.query, q.args...); err != nil {
			return fmt.Errorf("erase: %s: %w", strings.Fields(q.query)[2], err)
		}
	}
	return scrubProposals(ctx, tx, userID)
}

// scrubProposals removes the person from every stored round proposal.
func scrubProposals(ctx context.Context, tx *sql.Tx, userID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, proposal FROM rounds WHERE instr(proposal, ?)`, userID)
	if err != nil {
		return err
	}
	type round struct {
		id   int64
		body string
	}
	var rs []round
	for rows.Next() {
		var r round
		if err := rows.Scan(&r.id, &r.body); err != nil {
			rows.Close()
			return err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range rs {
		var p mentoring.Proposal
		if err := json.Unmarshal([]byte(r.body), &p); err != nil {
			return fmt.Errorf("round %d: %w", r.id, err)
		}
		p = p.Without(userID)
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rounds SET proposal = ? WHERE id = ?`, string(body), r.id); err != nil {
			return err
		}
	}
	return nil
}
