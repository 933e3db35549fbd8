package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func dm(key string, users ...string) mentoring.Notice {
	return mentoring.Notice{Key: key, Kind: mentoring.NoticePulse, UserIDs: users,
		Data: json.RawMessage(`{"week":45}`)}
}

// enqueueNotices adds the notices to the outbox in a transaction of their own, stamped
// with the DB's clock, as a use case's transaction does beside its change, and returns
// how many were new.
func enqueueNotices(ctx context.Context, db *DB, notices ...mentoring.Notice) (int, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	added, err := enqueueNoticesTx(ctx, tx, db.Clock.Now(), notices...)
	if err != nil {
		return 0, err
	}
	return added, tx.Commit()
}

// outboxByKey returns the outbox row of the notice with the key, or an error wrapping
// mentoring.ErrNotFound.
func outboxByKey(ctx context.Context, db *DB, key string) (OutboxItem, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE key = ?`, key)
	if err != nil {
		return OutboxItem{}, err
	}
	items, err := scanOutbox(rows)
	if err != nil {
		return OutboxItem{}, err
	}
	if len(items) == 0 {
		return OutboxItem{}, fmt.Errorf("outbox %q: %w", key, mentoring.ErrNotFound)
	}
	return items[0], nil
}

func TestEnqueueNoticesTx_IdempotentByKey(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	db.Clock = fixedClock(time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC))
	for i, tc := range []struct {
		notices []mentoring.Notice
		want    int
	}{
		{[]mentoring.Notice{dm("a", "U1"), dm("b", "U2")}, 2},
		{[]mentoring.Notice{dm("a", "U1")}, 0},
		{[]mentoring.Notice{dm("a", "U9"), dm("c", "U3"), dm("c", "U3")}, 1},
		{[]mentoring.Notice{{Key: "d", Kind: mentoring.NoticeSummary, Channel: "C1"}}, 1},
		{nil, 0},
	} {
		got, err := enqueueNotices(ctx, db, tc.notices...)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got != tc.want {
			t.Errorf("%d: added %d, want %d", i, got, tc.want)
		}
	}
	it, err := outboxByKey(ctx, db, "a")
	if err != nil {
		t.Fatal(err)
	}
	if it.Notice.UserIDs[0] != "U1" || it.State != OutboxPending || string(it.Notice.Data) != `{"week":45}` {
		t.Errorf("first enqueue overwritten: %+v", it)
	}
	if it, _ := outboxByKey(ctx, db, "d"); it.Notice.Channel != "C1" || it.Notice.UserIDs != nil || it.Notice.Data != nil {
		t.Errorf("channel notice = %+v", it.Notice)
	}
	if _, err := outboxByKey(ctx, db, "zz"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	st, _ := db.OutboxStats(ctx)
	if st.Pending != 4 || st.Queued() != 4 || !st.OldestPending.Equal(db.Clock.Now()) {
		t.Errorf("stats = %+v", st)
	}
}

func TestEnqueueNoticesTx_RejectsInvalidAtomically(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	for _, bad := range []mentoring.Notice{
		{Kind: "pulse", UserIDs: []string{"U1"}},                          // no key
		{Key: "k", UserIDs: []string{"U1"}},                               // no kind
		{Key: "k", Kind: "pulse"},                                         // no recipient
		{Key: "k", Kind: "pulse", Channel: "C1", UserIDs: []string{"U1"}}, // both
		{Key: "k", Kind: "pulse", UserIDs: []string{"U1", "U1"}},          // repeated
		{Key: "k", Kind: "pulse", UserIDs: []string{"U1,U2"}},             // malformed
		{Key: "k", Kind: "pulse", UserIDs: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{Key: "k", Kind: "pulse", Channel: "C1", Data: json.RawMessage(`{nope`)},
	} {
		n, err := enqueueNotices(ctx, db, dm("good", "U1"), bad)
		if err == nil || mentoring.ErrorCode(err) != mentoring.EINVALID {
			t.Errorf("%+v: err = %v, want EINVALID", bad, err)
		}
		if n != 0 {
			t.Errorf("%+v: added %d", bad, n)
		}
	}
	if _, err := outboxByKey(ctx, db, "good"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("valid notice added alongside an invalid one: %v", err)
	}
}

func TestEnqueueNoticesTx_CommitsWithTheCause(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, commit := range []bool{false, true} {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := upsertUserLang(ctx, tx, "U1", mentoring.LangEN, now); err != nil {
			t.Fatal(err)
		}
		if _, err := enqueueNoticesTx(ctx, tx, now, dm("intro:1", "U1", "U2")); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		_, err = outboxByKey(ctx, db, "intro:1")
		if commit != (err == nil) {
			t.Errorf("commit=%v: notice present = %v", commit, err == nil)
		}
	}
}

func TestClaimOutbox_DueLeaseAndOrder(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	db.Clock = fixedClock(t0)
	later := dm("later", "U3")
	later.NotBefore = t0.Add(time.Hour)
	if _, err := enqueueNotices(ctx, db, dm("a", "U1"), dm("b", "U2"), later); err != nil {
		t.Fatal(err)
	}
	lease := time.Minute

	got, err := db.ClaimOutbox(ctx, t0, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if keys(got) != "a,b" {
		t.Fatalf("claimed %s, want a,b", keys(got))
	}
	for _, it := range got {
		if it.Attempt != 1 || it.Uncertain || it.State != OutboxSending ||
			!it.LeaseUntil.Equal(t0.Add(lease)) || !it.FirstClaimedAt.Equal(t0) {
			t.Errorf("claimed %+v", it)
		}
	}
	if again, _ := db.ClaimOutbox(ctx, t0.Add(30*time.Second), 10, lease); len(again) != 0 {
		t.Errorf("claimed under a live lease: %s", keys(again))
	}
	if err := db.MarkSent(ctx, got[0].ID, 1, "D1", "1.000001"); err != nil {
		t.Fatal(err)
	}

	// b's lease runs out: it comes back uncertain, with its first claim time kept; later
	// comes due at the same moment.
	t1 := t0.Add(time.Hour)
	again, err := db.ClaimOutbox(ctx, t1, 10, lease)
	if err != nil {
		t.Fatal(err)
	}
	if keys(again) != "b,later" {
		t.Fatalf("claimed %s, want b,later", keys(again))
	}
	b := again[0]
	if b.Attempt != 2 || !b.Uncertain || !b.FirstClaimedAt.Equal(t0) || !b.ClaimedAt.Equal(t1) {
		t.Errorf("reclaimed %+v", b)
	}
	if again[1].Uncertain || again[1].Attempt != 1 {
		t.Errorf("later = %+v", again[1])
	}
	// The old claim can no longer report.
	if err := db.MarkSent(ctx, b.ID, 1, "D2", "2.0"); !errors.Is(err, ErrClaimLost) {
		t.Errorf("stale MarkSent: %v, want ErrClaimLost", err)
	}
	if err := db.MarkSent(ctx, got[0].ID, 1, "D1", "1.000001"); !errors.Is(err, ErrClaimLost) {
		t.Errorf("second MarkSent: %v, want ErrClaimLost", err)
	}
}

func TestClaimOutbox_Limit(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	var ns []mentoring.Notice
	for i := range 25 {
		ns = append(ns, dm(fmt.Sprintf("k%02d", i), fmt.Sprintf("U%02d", i)))
	}
	if _, err := enqueueNotices(ctx, db, ns...); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, want := range []int{10, 10, 5, 0} {
		got, err := db.ClaimOutbox(ctx, now, 10, time.Minute)
		if err != nil || len(got) != want {
			t.Fatalf("claimed %d, %v; want %d", len(got), err, want)
		}
		for _, it := range got {
			if seen[it.Notice.Key] {
				t.Errorf("%s claimed twice", it.Notice.Key)
			}
			seen[it.Notice.Key] = true
		}
	}
	if got, _ := db.ClaimOutbox(ctx, now, 0, time.Minute); got != nil {
		t.Errorf("limit 0 claimed %d", len(got))
	}
}

func TestOutbox_SettleTransitions(t *testing.T) {
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		settle func(db *DB, it OutboxItem) error
		check  func(t *testing.T, it OutboxItem, st OutboxStats)
	}{
		{"sent", func(db *DB, it OutboxItem) error {
			return db.MarkSent(context.Background(), it.ID, it.Attempt, "D1", "123.456")
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxSent || it.SentChannel != "D1" || it.SentTS != "123.456" ||
				!it.SentAt.Equal(t0) || !it.LeaseUntil.IsZero() || st.Sent != 1 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
		{"retry", func(db *DB, it OutboxItem) error {
			return db.MarkRetry(context.Background(), it.ID, it.Attempt, t0.Add(time.Minute), "internal_error", true)
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxPending || !it.Uncertain || it.LastError != "internal_error" ||
				!it.NextAttemptAt.Equal(t0.Add(time.Minute)) || st.Pending != 1 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
		{"failed", func(db *DB, it OutboxItem) error {
			return db.MarkFailed(context.Background(), it.ID, it.Attempt, "channel_not_found")
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxFailed || it.LastError != "channel_not_found" || st.Failed != 1 || st.Queued() != 0 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
		{"released", func(db *DB, it OutboxItem) error {
			return db.ReleaseOutbox(context.Background(), it.ID, it.Attempt)
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxPending || it.Attempt != 0 || it.Uncertain || st.Pending != 1 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
		{"cancelled", func(db *DB, it OutboxItem) error {
			return db.MarkCancelled(context.Background(), it.ID, it.Attempt, "the message it rewrites was withdrawn")
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxCancelled || it.LastError != "the message it rewrites was withdrawn" ||
				st.Cancelled != 1 || st.Failed != 0 || st.Queued() != 0 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
		{"deferred", func(db *DB, it OutboxItem) error {
			return db.DeferOutbox(context.Background(), it.ID, it.Attempt, t0.Add(5*time.Second), "waiting for a")
		}, func(t *testing.T, it OutboxItem, st OutboxStats) {
			if it.State != OutboxPending || it.Attempt != 0 || it.LastError != "waiting for a" ||
				!it.NextAttemptAt.Equal(t0.Add(5*time.Second)) || st.Pending != 1 {
				t.Errorf("%+v %+v", it, st)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			ctx := context.Background()
			db.Clock = fixedClock(t0)
			if _, err := enqueueNotices(ctx, db, dm("k", "U1")); err != nil {
				t.Fatal(err)
			}
			got, err := db.ClaimOutbox(ctx, t0, 1, time.Minute)
			if err != nil || len(got) != 1 {
				t.Fatal(got, err)
			}
			if err := tc.settle(db, got[0]); err != nil {
				t.Fatal(err)
			}
			if err := tc.settle(db, got[0]); !errors.Is(err, ErrClaimLost) {
				t.Errorf("settling twice: %v, want ErrClaimLost", err)
			}
			it, err := outboxByKey(ctx, db, "k")
			if err != nil {
				t.Fatal(err)
			}
			st, err := db.OutboxStats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, it, st)
		})
	}
}

func TestOutboxStats_Retried(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	if _, err := enqueueNotices(ctx, db, dm("a", "U1"), dm("b", "U2")); err != nil {
		t.Fatal(err)
	}
	got, _ := db.ClaimOutbox(ctx, t0, 2, time.Minute)
	if err := db.MarkRetry(ctx, got[0].ID, 1, time.Time{}, "timeout", false); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, got[1].ID, 1, "D", "1.1"); err != nil {
		t.Fatal(err)
	}
	got, _ = db.ClaimOutbox(ctx, t0, 2, time.Minute)
	if len(got) != 1 || got[0].Attempt != 2 {
		t.Fatalf("reclaim = %+v", got)
	}
	if err := db.MarkSent(ctx, got[0].ID, 2, "D", "1.2"); err != nil {
		t.Fatal(err)
	}
	st, _ := db.OutboxStats(ctx)
	if st.Sent != 2 || st.Retried != 1 || !st.OldestPending.IsZero() {
		t.Errorf("stats = %+v", st)
	}
}

func TestClaimOutbox_ConcurrentClaimersShareNothing(t *testing.T) {
	db, path := openTest(t)
	other, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	now := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	var ns []mentoring.Notice
	for i := range 300 {
		ns = append(ns, dm(fmt.Sprintf("k%03d", i), fmt.Sprintf("U%03d", i)))
	}
	if _, err := enqueueNotices(ctx, db, ns...); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for i := range 6 {
		d := db
		if i%2 == 1 {
			d = other
		}
		wg.Go(func() {
			for {
				got, err := d.ClaimOutbox(ctx, now, 7, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, it := range got {
					seen[it.Notice.Key]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 300 {
		t.Errorf("claimed %d keys, want 300", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s claimed %d times", k, n)
		}
	}
}

func TestPruneOutbox_KeepsQueued(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	db.Clock = fixedClock(t0)
	if _, err := enqueueNotices(ctx, db, dm("a", "U1"), dm("b", "U2"), dm("c", "U3")); err != nil {
		t.Fatal(err)
	}
	got, _ := db.ClaimOutbox(ctx, t0, 2, time.Minute)
	_ = db.MarkSent(ctx, got[0].ID, 1, "D", "1.1")
	_ = db.MarkFailed(ctx, got[1].ID, 1, "is_archived")
	n, err := db.PruneOutbox(ctx, t0.Add(time.Second))
	if err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want 2", n, err)
	}
	if _, err := outboxByKey(ctx, db, "c"); err != nil {
		t.Errorf("pending row pruned: %v", err)
	}
}

func TestOutbox_SchemaRejectsTwoRecipients(t *testing.T) {
	db, _ := openTest(t)
	_, err := db.write.Exec(`INSERT INTO outbox (key, kind, user_ids, channel, created_at, updated_at)
		VALUES ('k', 'pulse', '["U1"]', 'C1', 'x', 'x')`)
	if err == nil {
		t.Error("a row with a channel and users was stored")
	}
}

func keys(items []OutboxItem) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ","
		}
		s += it.Notice.Key
	}
	return s
}

func TestOutbox_ReplacesIsStoredAndItsOriginalFound(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	db.Clock = fixedClock(t0)
	rewrite := dm("prompt:1:answered", "U1")
	rewrite.Replaces = "prompt:1"
	later := dm("later", "U2")
	later.NotBefore = t0.Add(time.Hour)
	if _, err := enqueueNotices(ctx, db, dm("prompt:1", "U1"), rewrite, later); err != nil {
		t.Fatal(err)
	}
	it, err := outboxByKey(ctx, db, "prompt:1:answered")
	if err != nil || it.Notice.Replaces != "prompt:1" {
		t.Fatalf("rewrite stored as %+v, %v", it.Notice, err)
	}
	for key, want := range map[string]OutboxMessage{
		"prompt:1": {State: OutboxPending},
		"later":    {State: OutboxPending, Due: t0.Add(time.Hour)},
	} {
		if got, err := db.OutboxMessageOf(ctx, key); err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", key, got, err, want)
		}
	}
	claimed, err := db.ClaimOutbox(ctx, t0, 1, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatal(claimed, err)
	}
	if got, _ := db.OutboxMessageOf(ctx, "prompt:1"); got.State != OutboxSending || !got.Due.Equal(t0.Add(time.Minute)) {
		t.Errorf("while sending: %+v", got)
	}
	if err := db.MarkSent(ctx, claimed[0].ID, claimed[0].Attempt, "D1", "1.000001"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.OutboxMessageOf(ctx, "prompt:1"); got != (OutboxMessage{State: OutboxSent, Channel: "D1", TS: "1.000001"}) {
		t.Errorf("once sent: %+v", got)
	}
	if _, err := db.OutboxMessageOf(ctx, "nope"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestRetryFailedOutbox_QueuesEachFailedRowOnce(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
	db.Clock = fixedClock(t0)
	if _, err := enqueueNotices(ctx, db, dm("a", "U1"), dm("b", "U2"), dm("c", "U3"), dm("d", "U4")); err != nil {
		t.Fatal(err)
	}
	claimed, err := db.ClaimOutbox(ctx, t0, 4, time.Minute)
	if err != nil || len(claimed) != 4 {
		t.Fatal(claimed, err)
	}
	// a and b fail (b after a timeout: it may have been posted), c is sent, d retries.
	if err := db.MarkRetry(ctx, claimed[1].ID, claimed[1].Attempt, t0, "timeout", true); err != nil {
		t.Fatal(err)
	}
	again, _ := db.ClaimOutbox(ctx, t0, 1, time.Minute)
	for _, err := range []error{
		db.MarkFailed(ctx, claimed[0].ID, claimed[0].Attempt, "user_disabled"),
		db.MarkFailed(ctx, again[0].ID, again[0].Attempt, "gave up after 24h0m0s of retries: timeout"),
		db.MarkSent(ctx, claimed[2].ID, claimed[2].Attempt, "D3", "3.3"),
		db.MarkRetry(ctx, claimed[3].ID, claimed[3].Attempt, t0.Add(time.Minute), "internal_error", false),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	failed, err := db.FailedOutbox(ctx, 10)
	if err != nil || keys(failed) != "a,b" && keys(failed) != "b,a" {
		t.Fatalf("failed rows %s, %v", keys(failed), err)
	}

	db.Clock = fixedClock(t0.Add(time.Hour))
	done, err := db.RetryFailedOutbox(ctx, []int64{claimed[0].ID, claimed[2].ID, claimed[3].ID, 999}, false)
	if err != nil || len(done) != 1 || done[0] != claimed[0].ID {
		t.Fatalf("retried %v, %v; want a alone (c is sent, d queued, 999 unknown)", done, err)
	}
	if again, _ := db.RetryFailedOutbox(ctx, []int64{claimed[0].ID}, false); len(again) != 0 {
		t.Errorf("retried a twice: %v", again)
	}
	done, err = db.RetryFailedOutbox(ctx, nil, true)
	if err != nil || len(done) != 1 || done[0] != claimed[1].ID {
		t.Fatalf("--all retried %v, %v; want b", done, err)
	}
	a, _ := outboxByKey(ctx, db, "a")
	b, _ := outboxByKey(ctx, db, "b")
	if a.State != OutboxPending || !a.NextAttemptAt.IsZero() || !a.RetriedAt.Equal(t0.Add(time.Hour)) || a.Uncertain {
		t.Errorf("a = %+v", a)
	}
	if b.State != OutboxPending || !b.Uncertain {
		t.Errorf("b = %+v, want queued and still uncertain", b)
	}
	if st, _ := db.OutboxStats(ctx); st.Failed != 0 || st.Pending != 3 || st.Sent != 1 {
		t.Errorf("stats = %+v", st)
	}
	// Claimed again, a row keeps counting its claims: the attempt stays a unique token.
	got, _ := db.ClaimOutbox(ctx, t0.Add(time.Hour), 10, time.Minute)
	for _, it := range got {
		if it.Notice.Key == "a" && it.Attempt != 2 {
			t.Errorf("a claimed as attempt %d", it.Attempt)
		}
	}
}
