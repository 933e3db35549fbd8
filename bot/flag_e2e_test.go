package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

const adminID2 = "UADMIN002"

func withTwoAdmins() harnessOption {
	return withConfig(func(c *app.Config) { c.Program.Admins = []string{adminID, adminID2} })
}

func TestFlag_EachAdminGetsAPrivateDMAndTheFirstToHandleItIsNamed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withTwoAdmins())
	hr1 := h.user(adminID, "HR One", "ja-JP")
	hr2 := h.user(adminID2, "HR Two", "en-US")
	_, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	waitText(t, mentor, promptJA)
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	// A heavy burden and a private note, without asking HR to get in touch.
	if _, err := mentor.Submit(ctx, slackfake.Values{"met": "yes", "met_on": "2026-04-09", "rating": "2", "burden": "5",
		"note": "上司の方に言いにくいことがあります"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	h.settle()
	copy1 := waitText(t, hr1, flagJA, "<@UMENTOR01>さん（メンター）が、先輩を導くことに重い負担を感じていると回答しました",
		"4月6日〜4月13日", "<@UMENTEE01>さん", "はい、会えました", "😟 つらい（2/5）", "😣 とても重い（5/5）", "対応済みにする")
	copy2 := waitText(t, hr2, "Follow-up needed", "<@UMENTOR01> (Mentor) said guiding their senior felt heavy", "Mark as handled")
	for _, c := range []string{copy1.Text, copy2.Text} {
		if strings.Contains(c, "言いにくい") {
			t.Fatal("the private note reached HR although the mentor did not ask to be contacted")
		}
	}
	// Never a channel, never the pair.
	for _, id := range []string{"UMENTOR01", "UMENTEE01"} {
		if n := len(h.dm(id, flagJA)); n != 0 {
			t.Fatalf("%s saw the flag", id)
		}
	}
	if n := len(h.fake.Calls("chat.postMessage")); n == 0 {
		t.Fatal("no messages at all")
	}

	// Someone who is not HR forges the button.
	if err := mentor.Click(ctx, "flag_handle", slackfake.InMessage(copy1.TS)); err == nil {
		t.Fatal("the mentor could click in HR's DM")
	}
	forged := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "UMENTOR01", "username": "m", "team_id": h.fake.TeamID()},
		"api_app_id": "A0FAKE", "token": "x", "trigger_id": "1.2.3", "team": map[string]any{"id": h.fake.TeamID()},
		"container": map[string]any{"type": "message", "message_ts": copy1.TS, "channel_id": copy1.Channel},
		"actions": []any{map[string]any{"action_id": "flag_handle", "block_id": "actions_flag", "type": "button",
			"value": "burden:UMENTOR01:1:w1", "action_ts": "1.1"}},
	}
	env, err := h.fake.SendEnvelope(ctx, "interactive", forged, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, refusedJA)

	// HR One handles it: their message changes at once.
	if err := hr1.Click(ctx, "flag_handle", slackfake.InMessage(copy1.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, hr1, copy1.TS, "<@UADMIN001>さんが", "に対応済みにしました")
	// HR Two clicks their copy before it was rewritten: told who was first.
	if err := hr2.Click(ctx, "flag_handle", slackfake.InMessage(copy2.TS)); err != nil {
		t.Fatal(err)
	}
	waitText(t, hr2, "already marked handled by <@UADMIN001>")
	waitUpdated(t, hr2, copy2.TS, "Handled by <@UADMIN001> on")
	f, err := h.svc.Flags(ctx, adminID, true, 0)
	if err != nil || len(f) != 1 || f[0].HandledBy != adminID {
		t.Fatalf("flags %+v %v", f, err)
	}
}

func TestFlag_AdminFlagsListsOpenOnesPageByPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	h.runAt(start)
	ctx := ctxT(t)
	for i := range 12 {
		h.joinAs(fmt.Sprintf("UMENTOR%02d", i), mentoring.RoleMentor, fmt.Sprintf("開発部%d", i), "ja-JP", mentoring.CadenceWeekly)
		h.joinAs(fmt.Sprintf("UMENTEE%02d", i), mentoring.RoleMentee, fmt.Sprintf("営業部%d", i), "ja-JP", mentoring.CadenceWeekly)
	}
	pairs := h.pairUp()
	if len(pairs) != 12 {
		t.Fatalf("%d pairs", len(pairs))
	}
	// Each mentor raises three flags: contact, burden and speaking freely.
	for _, p := range pairs {
		if _, err := h.svc.RecordCheckIn(context.Background(), p.MentorID, mentoring.CheckIn{PairID: p.ID, Window: 1,
			Met: mentoring.MetNotYet, Burden: 5, HardToSpeak: true, ContactHR: true, PrivateNote: "助けてください"}); err != nil {
			t.Fatal(err)
		}
	}
	// Someone else asking sees a polite refusal.
	mentor := h.fake.Person(pairs[0].MentorID)
	if _, err := mentor.Command(ctx, "admin flags"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, refusedJA)

	if _, err := admin.Command(ctx, "管理 フォローアップ"); err != nil {
		t.Fatal(err)
	}
	list := waitText(t, admin, "未対応のフォローアップ", "未対応 36件・1／4ページ", "対応済みにする", "次へ")
	if list.Kind != "ephemeral" {
		t.Fatalf("the list came as %s", list.Kind)
	}
	if err := admin.Click(ctx, "flags_page_next", slackfake.InMessage(list.TS)); err != nil {
		t.Fatal(err)
	}
	page2 := waitUpdated(t, admin, list.TS, "未対応 36件・2／4ページ", "前へ", "次へ")
	if err := admin.Click(ctx, "flag_handle_list", slackfake.InMessage(list.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, admin, list.TS, "未対応 35件・2／4ページ")
	open, err := h.svc.Flags(ctx, adminID, false, 0)
	if err != nil || len(open) != 35 {
		t.Fatalf("%d open flags, %v", len(open), err)
	}
	// The flag handled is the first one that page showed.
	all, _ := h.svc.Flags(ctx, adminID, true, 0)
	var handled mentoring.Flag
	for _, f := range all {
		if f.Handled() {
			handled = f
		}
	}
	if handled.HandledBy != adminID || !strings.Contains(page2.Text, "<@"+handled.UserID+">") {
		t.Fatalf("handled %+v, not on the page shown", handled)
	}
	// The admin's App Home counts them and opens the list in a DM.
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "未対応のフォローアップ：35件", "フォローアップを見る")
	if err := admin.Click(ctx, "flags_page", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	dm := waitText(t, admin, "未対応 35件・1／4ページ")
	if dm.Kind != "message" {
		t.Fatalf("the list from the Home came as %s", dm.Kind)
	}
}
