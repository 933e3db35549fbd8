package bot_test

import (
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// The tests in this file check the messages the domain rewrites in place
// (mentoring.Notice.Replaces): the outbox updates the message it sent, with chat.update
// on the same ts, instead of posting a new one.

func TestCheckIn_AnswerRewritesThePromptDMInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	prompt := waitText(t, mentor, promptJA)
	// Answered through the command, not the prompt's button: the prompt still changes.
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, mentorAnswer()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "ありがとうございます。振り返りを保存しました。")
	h.settle()
	waitUpdated(t, mentor, prompt.TS, answeredJA, "<@UMENTEE01>さんとのセッション（4月6日〜4月13日）の振り返りを保存しました", "回答を変える")
	if n := len(h.dm("UMENTOR01", answeredJA)); n != 1 {
		t.Fatalf("%d messages say the check-in was received, want the prompt rewritten", n)
	}
	if n := len(h.dm("UMENTOR01", promptJA)); n != 0 {
		t.Fatalf("%d prompts still ask", n)
	}
	// The rewritten prompt's button opens the answer to change it.
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(prompt.TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "振り返りの編集" {
		t.Fatalf("title %q", view.Title.Text)
	}
}

func TestFlag_HandlingRewritesEveryAdminsCopyInPlace(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withTwoAdmins())
	hr1 := h.user(adminID, "HR One", "ja-JP")
	hr2 := h.user(adminID2, "HR Two", "en-US")
	pair, _, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	if _, err := h.svc.RecordCheckIn(ctx, pair.MentorID, mentoring.CheckIn{PairID: pair.ID, Window: 1,
		Met: mentoring.MetYes, Rating: 3, Burden: 4}); err != nil {
		t.Fatal(err)
	}
	h.settle()
	copy1 := waitText(t, hr1, flagJA, "対応済みにする")
	copy2 := waitText(t, hr2, "Follow-up needed", "Mark as handled")
	if err := hr1.Click(ctx, "flag_handle", slackfake.InMessage(copy1.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, hr1, copy1.TS, "<@UADMIN001>さんが")
	h.settle()
	waitUpdated(t, hr2, copy2.TS, "Handled by <@UADMIN001> on")
	for _, p := range []*slackfake.Person{hr1, hr2} {
		var flagMsgs int
		for _, m := range h.dm(p.ID()) {
			text := slackfake.BlocksText(m.Blocks)
			if strings.Contains(text, flagJA) || strings.Contains(text, "Follow-up needed") {
				flagMsgs++
				if !strings.Contains(text, "UADMIN001") || strings.Contains(text, "Mark as handled") || strings.Contains(text, "対応済みにする") {
					t.Errorf("%s's copy was not rewritten as handled:\n%s", p.ID(), text)
				}
			}
		}
		if flagMsgs != 1 {
			t.Errorf("%s has %d flag messages, want their one copy rewritten", p.ID(), flagMsgs)
		}
	}
}
