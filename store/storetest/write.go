package storetest

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// timeLayout is how the store writes times: UTC text of one fixed width.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// tv is a time as the store writes it: NULL when zero.
func tv(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// owner is the instance that leased the outbox rows of the history.
const owner = "4242-18a0b3c4d5e6f7a8"

// write simulates the history and writes it in one transaction, on a connection set up
// for a bulk load; the file is left in WAL mode, as the store keeps it.
func (w *world) write(ctx context.Context, path string) (map[string]int, error) {
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)"+
		"&_pragma=cache_size(-1048576)&_pragma=locking_mode(EXCLUSIVE)&_pragma=temp_store(MEMORY)")
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The secondary indexes of the tables loaded are built once at the end, as a sort,
	// rather than row by row.
	indexes, err := dropIndexes(ctx, tx, "checkin_prompts", "checkins", "pulses", "pulse_answers", "flags", "outbox",
		"self_ratings")
	if err != nil {
		return nil, err
	}
	out := newSink(ctx, tx)
	for _, ps := range w.pairs {
		w.simulatePair(ps, out)
	}
	for _, who := range w.people {
		w.pulses(who, out)
		w.ratings(who, out)
	}
	w.cycleNotices(out)
	w.resumes()
	w.writeFlags(out)
	w.writeOutbox(out)
	for _, who := range w.people {
		switch {
		case who.pausedAt(w.until) || who.pause.until.After(w.until):
			out.exec("participants", `UPDATE participants SET status = 'paused', paused_until = ?, updated_at = ?
				WHERE user_id = ?`, tv(who.pause.until), tv(who.pause.from), who.p.UserID)
		case !who.resumed.IsZero():
			out.exec("participants", `UPDATE participants SET updated_at = ? WHERE user_id = ?`, tv(who.resumed), who.p.UserID)
		}
		if !who.quiet.IsZero() {
			out.exec("participants", `UPDATE participants SET quiet_since = ? WHERE user_id = ?`, tv(who.quiet), who.p.UserID)
		}
	}
	for _, ps := range w.pairs {
		out.exec("pairs", `UPDATE pairs SET next_window = ?, next_due_at = ?, stalled_since = ?
			WHERE id = ? AND mentor_id = ? AND created_at = ?`,
			ps.next, tv(ps.Window(ps.next).End), ps.StalledSince, ps.ID, ps.MentorID, tv(ps.CreatedAt))
	}
	if err := out.close(); err != nil {
		return nil, err
	}
	for _, ix := range indexes {
		if _, err := tx.ExecContext(ctx, ix); err != nil {
			return nil, fmt.Errorf("%s: %w", ix, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	// No ANALYZE: the store never runs it, so the planner sees what it sees in production.
	if _, err := raw.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		return nil, err
	}
	return out.rows, nil
}

// dropIndexes drops the indexes the migrations created on tables, and returns the
// statements that create them again.
func dropIndexes(ctx context.Context, tx *sql.Tx, tables ...string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(tables)), ", ")+`)`,
		anys(tables)...)
	if err != nil {
		return nil, err
	}
	var names, create []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return nil, err
		}
		names, create = append(names, name), append(create, ddl)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, err
		}
	}
	return create, nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// writeFlags writes the flags in the order they were raised, as their IDs say.
func (w *world) writeFlags(out *sink) {
	slices.SortStableFunc(w.flags, func(a, b flagRow) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for _, f := range w.flags {
		out.flags.add(f.Key, string(f.Cause), f.UserID, f.PairID, f.detail, tv(f.CreatedAt), f.HandledBy, tv(f.HandledAt))
	}
}

// writeOutbox writes the outbox rows in the order they were queued: those sent, as the
// sender marked them, and those still held until working hours, pending.
func (w *world) writeOutbox(out *sink) {
	slices.SortStableFunc(w.outbox, func(a, b outboxRow) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.key, b.key)) })
	for _, r := range w.outbox {
		users, channel := "[]", r.channel
		if r.user != "" {
			users = `["` + r.user + `"]`
		}
		next := ""
		if !r.notBefore.IsZero() {
			next = r.notBefore.UTC().Format(timeLayout)
		}
		sent := r.sentAt()
		if sent.After(w.until) {
			out.outbox.add(r.key, r.kind, users, channel, r.data, tv(r.notBefore), r.replaces, "pending", 0, next,
				nil, nil, "", "", tv(r.at), tv(r.at), nil, "")
			continue
		}
		to := channel
		if to == "" {
			to = dmChannel(r.user)
		}
		claimed := sent.Add(-150 * time.Millisecond)
		posted := sent
		if r.replaces != "" {
			posted = r.replacedSent
		}
		ts := fmt.Sprintf("%d.%06d", posted.Unix(), posted.Nanosecond()/1000)
		out.outbox.add(r.key, r.kind, users, channel, r.data, tv(r.notBefore), r.replaces, "sent", 1, next,
			tv(claimed), tv(claimed), to, ts, tv(r.at), tv(sent), tv(sent), owner)
	}
}

// sink writes rows in multi-row INSERTs; the first error stops it and close reports it.
type sink struct {
	ctx  context.Context
	tx   *sql.Tx
	err  error
	rows map[string]int

	prompts, checkins, pulses, answers, ratings, surveys, flags, outbox *batch
}

func newSink(ctx context.Context, tx *sql.Tx) *sink {
	s := &sink{ctx: ctx, tx: tx, rows: map[string]int{}}
	s.prompts = s.batch("checkin_prompts", `pair_id, user_id, win, state, skip_reason, due_at, nudge_at, deadline_at,
		prompted_at, nudged_at, answered_at`)
	s.checkins = s.batch("checkins", `pair_id, user_id, win, role, met, met_on, rating, burden, hard_to_speak,
		topics, topics_free, learned, private_note, contact_hr, created_at, updated_at`)
	s.pulses = s.batch("pulses", `user_id, date, role, sent_at`)
	s.answers = s.batch("pulse_answers", `user_id, date, question, value, answered_at`)
	s.ratings = s.batch("self_ratings", `user_id, subject, phase, cycle_id, value, answered_at`)
	s.surveys = s.batch("cycle_surveys", `cycle_id, user_id, role, reflection, join_again, answered_at`)
	s.flags = s.batch("flags", `key, cause, user_id, pair_id, detail, created_at, handled_by, handled_at`)
	s.outbox = s.batch("outbox", `key, kind, user_ids, channel, data, not_before, replaces, state, attempts,
		next_attempt_at, claimed_at, first_claimed_at, sent_channel, sent_ts, created_at, updated_at, sent_at, lease_owner`)
	return s
}

func (s *sink) prompt(p mentoring.Prompt) {
	s.prompts.add(p.PairID, p.UserID, p.Window, string(p.State), p.SkipReason, tv(p.DueAt), tv(p.NudgeAt), tv(p.DeadlineAt),
		tv(p.PromptedAt), tv(p.NudgedAt), tv(p.AnsweredAt))
}

func (s *sink) checkin(c mentoring.CheckIn) {
	topics := c.Topics
	if topics == nil {
		topics = []string{}
	}
	tj, _ := json.Marshal(topics)
	s.checkins.add(c.PairID, c.UserID, c.Window, string(c.Role), string(c.Met), tv(c.MetOn), c.Rating, c.Burden,
		boolInt(c.HardToSpeak), string(tj), c.TopicsFree, c.Learned, c.PrivateNote, boolInt(c.ContactHR),
		tv(c.CreatedAt), tv(c.UpdatedAt))
}

func (s *sink) pulse(userID, date string, role mentoring.Role, at time.Time) {
	s.pulses.add(userID, date, string(role), tv(at))
}

func (s *sink) pulseAnswer(a mentoring.PulseAnswer) {
	s.answers.add(a.UserID, a.Date, string(a.Question), a.Value, tv(a.AnsweredAt))
}

func (s *sink) rating(r mentoring.SelfRating) {
	s.ratings.add(r.UserID, r.Subject, string(r.Phase), r.CycleID, r.Value, tv(r.At))
}

func (s *sink) survey(a mentoring.CycleSurvey) {
	s.surveys.add(a.CycleID, a.UserID, string(a.Role), a.Reflection, a.JoinAgain, tv(a.AnsweredAt))
}

// exec runs one statement that updates one row of table.
func (s *sink) exec(table, query string, args ...any) {
	if s.err != nil {
		return
	}
	res, err := s.tx.ExecContext(s.ctx, query, args...)
	if err != nil {
		s.err = fmt.Errorf("%s: %w", table, err)
		return
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		s.err = fmt.Errorf("%s: %d rows updated (%v) by %s %v", table, n, err, query, args)
	}
}

// close flushes every batch and returns the first error.
func (s *sink) close() error {
	for _, b := range []*batch{s.prompts, s.checkins, s.pulses, s.answers, s.ratings, s.surveys, s.flags, s.outbox} {
		b.flush()
	}
	return s.err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// batchRows is how many rows one INSERT carries.
const batchRows = 64

// batch inserts rows into one table, batchRows at a time.
type batch struct {
	s       *sink
	table   string
	cols    int
	head    string
	args    []any
	full    *sql.Stmt
	pending int
}

func (s *sink) batch(table, columns string) *batch {
	return &batch{s: s, table: table, cols: len(strings.Split(columns, ",")),
		head: "INSERT INTO " + table + " (" + columns + ") VALUES "}
}

// values returns the VALUES list of n rows.
func (b *batch) values(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

func (b *batch) add(args ...any) {
	if len(args) != b.cols {
		panic(fmt.Sprintf("%s: %d values for %d columns", b.table, len(args), b.cols))
	}
	b.args = append(b.args, args...)
	b.pending++
	b.s.rows[b.table]++
	if b.pending == batchRows {
		b.flush()
	}
}

func (b *batch) flush() {
	s := b.s
	defer func() { b.args, b.pending = b.args[:0], 0 }()
	if s.err != nil || b.pending == 0 {
		return
	}
	var err error
	if b.pending == batchRows {
		if b.full == nil {
			if b.full, err = s.tx.PrepareContext(s.ctx, b.head+b.values(batchRows)); err != nil {
				s.err = fmt.Errorf("%s: %w", b.table, err)
				return
			}
		}
		_, err = b.full.ExecContext(s.ctx, b.args...)
	} else {
		_, err = s.tx.ExecContext(s.ctx, b.head+b.values(b.pending), b.args...)
	}
	if err != nil {
		s.err = fmt.Errorf("%s: %w", b.table, err)
	}
}
