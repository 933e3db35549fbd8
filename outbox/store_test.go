package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/store"
)

// dbStore makes a store.DB the Sender's Store, as the app's assembly does, and keeps
// the last report the Sender made on each row, so tests can check what it decided.
type dbStore struct {
	db *store.DB

	mu    sync.Mutex
	byID  map[int64]*report
	byKey map[string]*report
}

// report is what a Sender last told the store about one row.
type report struct {
	State         string // store.Outbox*: sending, sent, pending (retry or release), failed
	Attempt       int
	Uncertain     bool
	NextAttemptAt time.Time
	LastError     string
	SentChannel   string
	SentTS        string
}

func newDBStore(db *store.DB) *dbStore {
	return &dbStore{db: db, byID: map[int64]*report{}, byKey: map[string]*report{}}
}

func (s *dbStore) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Item, error) {
	rows, err := s.db.ClaimOutbox(ctx, now, limit, lease)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(rows))
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range rows {
		items[i] = Item(r)
		rep := s.byKey[r.Notice.Key]
		if rep == nil {
			rep = &report{}
			s.byKey[r.Notice.Key] = rep
		}
		s.byID[r.ID] = rep
		rep.State, rep.Attempt, rep.Uncertain = store.OutboxSending, r.Attempt, rep.Uncertain || r.Uncertain
	}
	return items, nil
}

// record applies change to the row's report when err is nil, and maps the store's
// ErrClaimLost onto the outbox's.
func (s *dbStore) record(id int64, err error, change func(*report)) error {
	if errors.Is(err, store.ErrClaimLost) {
		return fmt.Errorf("%w: %w", ErrClaimLost, err)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.byID[id]; rep != nil {
		change(rep)
	}
	return nil
}

func (s *dbStore) MarkSent(ctx context.Context, id int64, attempt int, channel, ts string) error {
	return s.record(id, s.db.MarkSent(ctx, id, attempt, channel, ts), func(r *report) {
		r.State, r.SentChannel, r.SentTS, r.LastError = store.OutboxSent, channel, ts, ""
	})
}

func (s *dbStore) MarkRetry(ctx context.Context, id int64, attempt int, next time.Time, reason string, uncertain bool) error {
	return s.record(id, s.db.MarkRetry(ctx, id, attempt, next, reason, uncertain), func(r *report) {
		r.State, r.NextAttemptAt, r.LastError, r.Uncertain = store.OutboxPending, next, reason, r.Uncertain || uncertain
	})
}

func (s *dbStore) MarkFailed(ctx context.Context, id int64, attempt int, reason string) error {
	return s.record(id, s.db.MarkFailed(ctx, id, attempt, reason), func(r *report) {
		r.State, r.LastError = store.OutboxFailed, reason
	})
}

func (s *dbStore) ReleaseOutbox(ctx context.Context, id int64, attempt int) error {
	return s.record(id, s.db.ReleaseOutbox(ctx, id, attempt), func(r *report) {
		r.State, r.Attempt = store.OutboxPending, r.Attempt-1
	})
}

func (s *dbStore) MarkCancelled(ctx context.Context, id int64, attempt int, reason string) error {
	return s.record(id, s.db.MarkCancelled(ctx, id, attempt, reason), func(r *report) {
		r.State, r.LastError = store.OutboxCancelled, reason
	})
}

func (s *dbStore) DeferOutbox(ctx context.Context, id int64, attempt int, next time.Time, reason string) error {
	return s.record(id, s.db.DeferOutbox(ctx, id, attempt, next, reason), func(r *report) {
		r.State, r.Attempt, r.NextAttemptAt, r.LastError = store.OutboxPending, r.Attempt-1, next, reason
	})
}

func (s *dbStore) MessageOf(ctx context.Context, key string) (Message, error) {
	m, err := s.db.OutboxMessageOf(ctx, key)
	return Message(m), err
}

func (s *dbStore) OutboxStats(ctx context.Context) (Stats, error) {
	st, err := s.db.OutboxStats(ctx)
	return Stats(st), err
}

func (s *dbStore) DMChannel(ctx context.Context, usersKey string) (string, error) {
	return s.db.DMChannel(ctx, usersKey)
}

func (s *dbStore) SaveDMChannel(ctx context.Context, usersKey, channelID string) error {
	return s.db.SaveDMChannel(ctx, usersKey, channelID)
}

// last returns the last report on the row of key; a row never claimed reports nothing.
func (s *dbStore) last(key string) report {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rep := s.byKey[key]; rep != nil {
		return *rep
	}
	return report{}
}

// openDB opens a database file in a temporary directory, stamped by clock.
func openDB(t testing.TB, clock mentoring.Clock) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reverse-mentor.db")
	return reopenDB(t, path, clock), path
}

// reopenDB opens the database at path again, as another process or a restart would.
func reopenDB(t testing.TB, path string, clock mentoring.Clock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Clock = clock
	t.Cleanup(func() { db.Close() })
	return db
}

// enqueue puts the notices in the outbox the way the programme does: in the transaction
// that approves a pairing round (here one with no pairs), created at at.
func enqueue(t testing.TB, db *store.DB, at time.Time, ns ...mentoring.Notice) {
	t.Helper()
	ctx := context.Background()
	r, err := db.SaveProposal(ctx, mentoring.Round{CreatedBy: "UADMIN", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApproveRound(ctx, r.ID, r.Version, "UADMIN", at, nil, ns); err != nil {
		t.Fatal(err)
	}
}
