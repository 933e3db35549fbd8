package app

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/outbox"
	"github.com/reverse-mentor/reverse-mentor/store"
)

func TestOutboxStore_ConvertsRowsAndReportsLostClaims(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "rm.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 4, 6, 0, 0, 0, 0, time.UTC)
	notice := mentoring.Notice{Key: "round:1:orientation:U1", Kind: mentoring.NoticeOrientation, UserIDs: []string{"U1"}}
	// Notices reach the outbox with the change that causes them: here an approved round.
	r, err := db.SaveProposal(ctx, mentoring.Round{CreatedBy: adminID, CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ApproveRound(ctx, r.ID, r.Version, adminID, t0, nil, []mentoring.Notice{notice}); err != nil {
		t.Fatal(err)
	}

	s := outboxStore{db}
	items, err := s.ClaimOutbox(ctx, t0, 10, time.Minute)
	if err != nil || len(items) != 1 {
		t.Fatalf("claimed %+v, %v", items, err)
	}
	it := items[0]
	if it.Notice.Key != notice.Key || it.Attempt != 1 || it.State != store.OutboxSending || !it.LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Errorf("claimed %+v", it)
	}
	if err := s.MarkSent(ctx, it.ID, it.Attempt, "D1", "1.000001"); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"MarkSent":      s.MarkSent(ctx, it.ID, it.Attempt, "D1", "1.000001"),
		"MarkRetry":     s.MarkRetry(ctx, it.ID, it.Attempt, t0, "timeout", true),
		"MarkFailed":    s.MarkFailed(ctx, it.ID, it.Attempt, "is_archived"),
		"MarkCancelled": s.MarkCancelled(ctx, it.ID, it.Attempt, "withdrawn"),
		"DeferOutbox":   s.DeferOutbox(ctx, it.ID, it.Attempt, t0, "waiting"),
		"ReleaseOutbox": s.ReleaseOutbox(ctx, it.ID, it.Attempt),
	} {
		if !errors.Is(err, outbox.ErrClaimLost) {
			t.Errorf("%s on a settled row: %v, want outbox.ErrClaimLost", name, err)
		}
	}
	st, err := s.OutboxStats(ctx)
	if err != nil || st.Sent != 1 || st.Queued() != 0 {
		t.Errorf("stats %+v, %v", st, err)
	}
	if m, err := s.MessageOf(ctx, notice.Key); err != nil || m.State != store.OutboxSent || m.Channel != "D1" || m.TS != "1.000001" {
		t.Errorf("message of %s: %+v, %v", notice.Key, m, err)
	}

	if _, err := s.DMChannel(ctx, "U1"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Errorf("uncached DM: %v, want mentoring.ErrNotFound", err)
	}
	if err := s.SaveDMChannel(ctx, "U1", "D1"); err != nil {
		t.Fatal(err)
	}
	if id, err := s.DMChannel(ctx, "U1"); err != nil || id != "D1" {
		t.Errorf("cached DM: %q, %v", id, err)
	}
}

func TestOutboxStatusOf(t *testing.T) {
	oldest := time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC)
	got := outboxStatusOf(outbox.Stats{Pending: 3, Sending: 2, Sent: 40, Failed: 1, Cancelled: 2, Retried: 5, OldestPending: oldest},
		outbox.Pause{Reason: "token_revoked", Since: oldest})
	if got.Queued != 5 || got.Sent != 40 || got.Failed != 1 || got.Withdrawn != 2 || got.Retried != 5 ||
		!got.OldestQueued.Equal(oldest) || got.Paused != "token_revoked" || !got.PausedSince.Equal(oldest) {
		t.Errorf("status = %+v", got)
	}
}
