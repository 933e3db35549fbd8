package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// TestDelivery_DeactivatedPersonEndsTheirPairAndHRSeesAndRetriesTheFailures approves a
// round, then the mentee is deactivated in Slack before the intro goes out. The sender
// learns it from conversations.open (user_disabled): their pair is ended, their
// messages fail alone, and HR sees why in `admin` and can retry them, once.
func TestDelivery_DeactivatedPersonEndsTheirPairAndHRSeesAndRetriesTheFailures(t *testing.T) {
	h := newHarness(t)
	h.joinDirect("UMENTOR01", mentoring.RoleMentor, "開発部", "")
	h.joinDirect("UMENTEE01", mentoring.RoleMentee, "営業部", "")
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	r, err := h.svc.ProposeRound(ctx, adminID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.ApproveRound(ctx, adminID, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	if err := h.fake.DeactivateUser("UMENTEE01"); err != nil {
		t.Fatal(err)
	}
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}

	// The mentor's orientation went out; the intro and the mentee's orientation failed
	// with Slack's reason, and the pair is ended.
	waitText(t, h.fake.Person("UMENTOR01"), "<@UMENTEE01>さんのメンターをお願いします")
	if pairs, err := h.svc.PairsOf(ctx, "UMENTOR01"); err != nil || len(pairs) != 0 {
		t.Errorf("the mentor's pairs after their partner was deactivated: %+v, %v", pairs, err)
	}
	failed, err := h.db.FailedOutbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	disabled := 0
	for _, f := range failed {
		if strings.Contains(f.LastError, "user_disabled") {
			disabled++
		}
	}
	if disabled != 2 {
		t.Fatalf("failed rows %+v, want the intro and the mentee's orientation failed with user_disabled", failed)
	}

	if _, err := admin.Command(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	view := waitText(t, admin, "Messages that could not be delivered", "the person was deactivated in Slack")
	if !strings.Contains(view.Text, "Retry these") {
		t.Fatalf("no retry button in %q", view.Text)
	}
	if err := admin.Click(ctx, "outbox_retry", slackfake.InMessage(view.TS)); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Queued again: "+strconv.Itoa(len(failed)))
	st, _ := h.db.OutboxStats(ctx)
	if st.Failed != 0 || st.Pending != len(failed) {
		t.Fatalf("after the retry: %+v", st)
	}
	// The same button again queues nothing twice.
	seen := len(admin.Seen())
	if err := admin.Click(ctx, "outbox_retry", slackfake.InMessage(view.TS)); err != nil {
		t.Fatal(err)
	}
	waitTextAfter(t, admin, seen, "Nothing to retry")
	if st2, _ := h.db.OutboxStats(ctx); st2.Pending != st.Pending {
		t.Errorf("a second click changed the queue: %+v", st2)
	}
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := h.db.OutboxStats(ctx); st.Failed != len(failed) || st.Queued() != 0 {
		t.Errorf("the retried rows, still undeliverable, failed again once each: %+v", st)
	}
}

// TestDelivery_WorkspaceErrorPausesSendingAndTellsHROnce: Slack refuses the app's scope
// in the middle of a fan-out. Nothing fails: sending pauses, each HR admin gets one DM,
// the admin view says so, and once a probe passes every message goes out.
func TestDelivery_WorkspaceErrorPausesSendingAndTellsHROnce(t *testing.T) {
	h := newHarness(t)
	h.joinDirect("UMENTOR01", mentoring.RoleMentor, "開発部", "")
	h.joinDirect("UMENTEE01", mentoring.RoleMentee, "営業部", "")
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	r, err := h.svc.ProposeRound(ctx, adminID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.ApproveRound(ctx, adminID, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	h.fake.FailNext("conversations.open", 1, slackfake.Fault{SlackError: "missing_scope"})
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	dm := waitText(t, admin, "cannot send messages right now", "missing_scope")
	if dm.Kind != "message" {
		t.Errorf("HR was told by %s, want a DM", dm.Kind)
	}
	// The intro, whose group DM needs conversations.open, waits; no message failed.
	st, _ := h.db.OutboxStats(ctx)
	if st.Failed != 0 || st.Queued() == 0 {
		t.Fatalf("while paused: %+v", st)
	}
	if _, err := admin.Command(ctx, "admin"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Sending is paused", "missing_scope", "Nothing is lost")

	h.clock.Advance(time.Minute) // the first probe is due
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := h.db.OutboxStats(ctx); st.Sent != 3 || st.Queued() != 0 {
		t.Fatalf("after the probe: %+v", st)
	}
	told := 0
	for _, s := range admin.Seen() {
		if strings.Contains(s.Text, "cannot send messages right now") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("HR told %d times", told)
	}
}
