package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// joinDirect opts a person in through the domain (the modal flow has its own tests).
func (h *harness) joinDirect(id string, role mentoring.Role, dept, manager string) {
	h.t.Helper()
	h.user(id, id, "ja-JP")
	_, err := h.svc.Join(context.Background(), mentoring.Person{UserID: id, DisplayName: id, TZ: "Asia/Tokyo", TZOffset: 32400},
		mentoring.Profile{Role: role, Department: dept, ManagerID: manager, Topics: []string{"genai", "slack"},
			Languages: []mentoring.Lang{mentoring.LangJA}, Cadence: mentoring.CadenceBiweekly, Capacity: 1, Consent: true})
	if err != nil {
		h.t.Fatal(err)
	}
}

// smallOrg: a boss with a junior in their reporting line, and two others.
func smallOrg(h *harness) {
	h.joinDirect("UBOSS0001", mentoring.RoleMentee, "営業部", "")
	h.joinDirect("UMGR00001", mentoring.RoleMentee, "経理部", "")
	h.joinDirect("UJUN00001", mentoring.RoleMentor, "開発部", "")
	h.joinDirect("UJUN00002", mentoring.RoleMentor, "マーケティング部", "UBOSS0001")
}

func TestRound_NonAdminCanNeitherProposeNorApprove(t *testing.T) {
	h := newHarness(t)
	smallOrg(h)
	admin := h.user(adminID, "HR", "ja-JP")
	jun := h.fake.Person("UJUN00001")
	ctx := ctxT(t)
	if _, err := jun.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, jun, "人事担当の方専用です")
	if _, err := h.db.PendingRound(ctx); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("a non-admin created a round: %v", err)
	}
	// HR proposes; a junior forges the approve button's payload.
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "マッチング #1", "2組")
	r, err := h.db.PendingRound(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forged := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "UJUN00001", "username": "jun", "team_id": "T0FAKE"},
		"api_app_id": "A0FAKE", "token": "x", "trigger_id": "1.2.3", "team": map[string]any{"id": "T0FAKE"},
		"container": map[string]any{"type": "message", "message_ts": "1.1", "channel_id": "D1"},
		"actions": []any{map[string]any{"action_id": "round_approve", "block_id": "actions_round", "type": "button",
			"value": fmt.Sprintf("%d:%d:0", r.ID, r.Version), "action_ts": "1.1"}},
	}
	env, err := h.fake.SendEnvelope(ctx, "interactive", forged, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatal(err)
	}
	waitText(t, jun, "人事担当の方専用です")
	r, err = h.db.Round(ctx, r.ID)
	if err != nil || r.Status != mentoring.RoundProposed {
		t.Fatalf("round after forged approval: %+v %v", r.Status, err)
	}
	if stats, _ := h.db.OutboxStats(ctx); stats.Queued() != 0 {
		t.Fatalf("notices queued by a non-admin: %+v", stats)
	}
}

func TestRound_ProposeButtonForgedByANonAdminIsRefused(t *testing.T) {
	h := newHarness(t)
	smallOrg(h)
	jun := h.fake.Person("UJUN00001")
	ctx := ctxT(t)
	forged := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "UJUN00001", "username": "jun", "team_id": "T0FAKE"},
		"api_app_id": "A0FAKE", "token": "x", "trigger_id": "1.2.3", "team": map[string]any{"id": "T0FAKE"},
		"container": map[string]any{"type": "view", "view_id": "VHOME0001"},
		"actions":   []any{map[string]any{"action_id": "round_propose", "block_id": "actions_admin", "type": "button", "action_ts": "1.1"}},
	}
	env, err := h.fake.SendEnvelope(ctx, "interactive", forged, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatal(err)
	}
	waitText(t, jun, "人事担当の方専用です")
	if _, err := h.db.PendingRound(ctx); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("a forged click proposed a round: %v", err)
	}
}

func TestRound_PreviewSwapRemoveApprove(t *testing.T) {
	h := newHarness(t)
	smallOrg(h)
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	preview := waitText(t, admin, "Pairing round #1", "2 pairs")
	if strings.Contains(preview.Text, "<@UJUN00002> → <@UBOSS0001>") {
		t.Fatal("proposed a junior with their own boss")
	}
	// Nobody but HR has been told anything.
	for _, id := range []string{"UBOSS0001", "UMGR00001", "UJUN00001", "UJUN00002"} {
		if n := len(h.fake.Person(id).Seen()); n != 0 {
			t.Fatalf("%s saw %d things before approval", id, n)
		}
	}

	// A swap that would put the junior with their boss is refused and explained.
	if err := admin.Click(ctx, "round_edit"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.WaitModal(ctx, "round_edit"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Submit(ctx, slackfake.Values{"edit_action": "swap", "pair_a": "0", "pair_b": "1"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "which the rules don't allow", "one is in the other's reporting line")
	// Choosing the same pair twice is caught inline.
	sub, err := admin.Submit(ctx, slackfake.Values{"edit_action": "swap", "pair_a": "0", "pair_b": "0"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sub.Errors["pair_b"], "two different pairs") {
		t.Fatalf("errors %v", sub.Errors)
	}
	// Remove the second pair.
	if _, err := admin.Submit(ctx, slackfake.Values{"edit_action": "remove", "pair_a": "1", "pair_b": ""}); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "The proposal in your DM is updated")
	waitText(t, admin, "*1 pair*", "HR took their pair out of this round")

	if err := admin.Click(ctx, "round_approve"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Approved by <@"+adminID+">")
	stats, err := h.db.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Queued() != 5 {
		t.Fatalf("want 1 intro, 2 orientations and 2 notes to the people removed queued, got %+v", stats)
	}
	pairs, err := h.db.ActivePairs(ctx)
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs %+v %v", pairs, err)
	}
	// The participant's status now shows the pair.
	p := h.fake.Person(pairs[0].MentorID)
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "<@"+pairs[0].MenteeID+">")
	// admin pairs lists it.
	if _, err := admin.Command(ctx, "admin pairs"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Current pairs", "<@"+pairs[0].MentorID+"> → <@"+pairs[0].MenteeID+">")
}

func TestRound_ApprovalSendsOneIntroPerPairAndOneOrientationPerPersonUnder429s(t *testing.T) {
	h := newHarness(t, withSender())
	for i := range 6 {
		h.joinDirect(fmt.Sprintf("UMENTOR%02d", i), mentoring.RoleMentor, fmt.Sprintf("開発部%d", i), "")
		h.joinDirect(fmt.Sprintf("UMENTEE%02d", i), mentoring.RoleMentee, fmt.Sprintf("営業部%d", i), "")
	}
	admin := h.user(adminID, "HR", "ja-JP")
	ctx := ctxT(t)
	if _, err := admin.Command(ctx, "admin round"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "6組")
	// Retries after a 5xx are scheduled on the programme's clock: let it run.
	stopClock := make(chan struct{})
	defer close(stopClock)
	go func() {
		for {
			select {
			case <-stopClock:
				return
			case <-time.After(20 * time.Millisecond):
				h.clock.Advance(time.Second)
			}
		}
	}()
	h.fake.FailNext("chat.postMessage", 3, slackfake.Fault{Status: 429, RetryAfter: time.Second})
	h.fake.FailNext("conversations.open", 1, slackfake.Fault{Status: 503})
	if err := admin.Click(ctx, "round_approve"); err != nil {
		t.Fatal(err)
	}
	// A second click before the message changed (a double click) changes nothing.
	if err := admin.Click(ctx, "round_approve"); err != nil {
		t.Log("second click:", err)
	}
	waitText(t, admin, "承認しました")
	pairs, err := h.db.ActivePairs(ctx)
	if err != nil || len(pairs) != 6 {
		t.Fatalf("pairs %d %v", len(pairs), err)
	}
	for _, p := range pairs {
		mentor, mentee := h.fake.Person(p.MentorID), h.fake.Person(p.MenteeID)
		waitText(t, mentor, "ペアになりました", "<@"+p.MenteeID+">")
		waitText(t, mentee, "ペアになりました", "<@"+p.MentorID+">")
		waitText(t, mentor, "先輩に教える")
		waitText(t, mentee, "若手から学ぶときのコツ")
	}
	waitDrained(t, h)
	for _, p := range pairs {
		gdm := h.fake.DMChannel(p.MentorID, p.MenteeID)
		if n := countWith(h.fake.Messages(gdm), "ペアになりました"); n != 1 {
			t.Errorf("pair %s/%s got %d intros", p.MentorID, p.MenteeID, n)
		}
		for _, u := range []string{p.MentorID, p.MenteeID} {
			if n := countWith(h.fake.Messages(h.fake.DMChannel(u)), "最初のセッションの前に"); n != 1 {
				t.Errorf("%s got %d orientations", u, n)
			}
		}
	}
}

func countWith(msgs []slackfake.Message, part string) int {
	n := 0
	for _, m := range msgs {
		if !m.Deleted && strings.Contains(slackfake.BlocksText(m.Blocks)+m.Text, part) {
			n++
		}
	}
	return n
}

// waitDrained waits until the outbox has nothing left to send.
func waitDrained(t *testing.T, h *harness) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s, err := h.db.OutboxStats(context.Background())
		if err == nil && s.Queued() == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("outbox did not drain")
}

func TestRound_ProposeFromTheAppHome(t *testing.T) {
	h := newHarness(t)
	smallOrg(h)
	admin := h.user(adminID, "HR", "en-US")
	ctx := ctxT(t)
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Propose a pairing round")
	if err := admin.Click(ctx, "round_propose", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "Pairing round #1", "2 pairs")
	waitText(t, admin, "is waiting for review")
	// A participant's Home has neither the button nor the pending round.
	jun := h.fake.Person("UJUN00001")
	if err := jun.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	home := waitText(t, jun, "ガイドライン")
	if strings.Contains(home.Text, "マッチング案をつくる") || strings.Contains(home.Text, "確認を待っています") {
		t.Fatalf("a participant sees admin controls:\n%s", home.Text)
	}
}
