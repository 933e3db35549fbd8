package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// mentorAnswer is a mentor's check-in as typed in the modal.
func mentorAnswer() slackfake.Values {
	return slackfake.Values{"met": "yes", "met_on": "2026-04-10", "rating": "4", "burden": "2",
		"topics": []string{"genai", "data"}, "topics_free": "Excel マクロ", "note": "楽しかったです 🙂"}
}

func TestCheckIn_PromptButtonOpensTheModalForItsPairAndWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day)) // window 1 ends: Monday 13 April, 09:00 in Tokyo
	prompt := waitText(t, mentor, promptJA, "<@UMENTEE01>さんとのセッション期間（4月6日〜4月13日）",
		"人事担当だけが見ます", "上司に伝わることはありません", "振り返りを書く")

	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(prompt.TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Pair   int64  `json:"pair"`
		Window int    `json:"win"`
		Role   string `json:"role"`
	}
	if err := json.Unmarshal([]byte(view.PrivateMetadata), &meta); err != nil || meta.Pair != pair.ID || meta.Window != 1 || meta.Role != "mentor" {
		t.Fatalf("private_metadata %s (%v)", view.PrivateMetadata, err)
	}
	for _, block := range []string{"met", "met_on", "rating", "burden", "hard_to_speak", "topics", "topics_free", "note", "contact_hr"} {
		if !hasBlock(view, block) {
			t.Errorf("the mentor's form lacks %q", block)
		}
	}
	if hasBlock(view, "learned") {
		t.Error("the mentor's form asks what they learned")
	}
	// The day picker starts on the window's last day, so one tap files the answer under it.
	if d := datePickerInitial(view, "met_on"); d != "2026-04-12" {
		t.Errorf("date picker starts on %q", d)
	}
	sub, err := mentor.Submit(ctx, mentorAnswer())
	if err != nil || len(sub.Errors) > 0 {
		t.Fatalf("submit: %v %v", sub.Errors, err)
	}
	waitText(t, mentor, "ありがとうございます。振り返りを保存しました。")
	c, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Met != mentoring.MetYes || c.Rating != 4 || c.Burden != 2 || c.MetOn.Format(time.DateOnly) != "2026-04-10" ||
		len(c.Topics) != 2 || c.TopicsFree != "Excel マクロ" || c.PrivateNote != "楽しかったです 🙂" || c.ContactHR {
		t.Fatalf("stored check-in %+v", c)
	}
	// Nothing asks HR to follow up on a light, good session.
	if fs, _ := h.svc.Flags(ctx, adminID, true, 0); len(fs) != 0 {
		t.Fatalf("flags %+v", fs)
	}
}

func TestCheckIn_MenteeAnswersTheLighterFormAndAskingHRSaysHRWillBeInTouch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, _, mentee := h.onePair(mentoring.CadenceBiweekly)
	ctx := ctxT(t)
	h.runAt(start.Add(14 * day))
	waitText(t, mentee, promptJA, "<@UMENTOR01>さん", "お二人にとって役立つプログラム")
	if err := mentee.Click(ctx, "checkin_open"); err != nil {
		t.Fatal(err)
	}
	view, err := mentee.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range []string{"burden", "hard_to_speak", "topics", "topics_free"} {
		if hasBlock(view, block) {
			t.Errorf("the mentee's form asks %q", block)
		}
	}
	for _, block := range []string{"met", "met_on", "rating", "learned", "note", "contact_hr"} {
		if !hasBlock(view, block) {
			t.Errorf("the mentee's form lacks %q", block)
		}
	}
	if _, err := mentee.Submit(ctx, slackfake.Values{"met": "rescheduled", "learned": "ショート動画の撮り方",
		"note": "日程が合わず、少し気まずいです", "contact_hr": []string{"yes"}}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "振り返りを保存しました")
	waitText(t, mentee, "近いうちに人事担当から個別にご連絡します")
	c, err := h.db.CheckIn(ctx, pair.ID, "UMENTEE01", 1)
	if err != nil || c.Met != mentoring.MetRescheduled || c.Learned != "ショート動画の撮り方" || !c.ContactHR || c.Burden != 0 {
		t.Fatalf("stored %+v %v", c, err)
	}
	// HR gets the flag privately, with the note, because the mentee asked to be contacted.
	h.settle()
	flag := waitText(t, admin, flagJA, "<@UMENTEE01>さん（メンティー）が、人事担当からの連絡を希望しています",
		"日程を変更しました", "日程が合わず、少し気まずいです")
	if strings.Contains(flag.Text, "ショート動画") {
		t.Error("the flag shows what the mentee learned; only the note they shared belongs there")
	}
	// Nothing reached the mentor.
	if n := len(h.dm("UMENTOR01", "気まずい")); n != 0 {
		t.Fatal("the mentor saw the mentee's note")
	}
}

func TestCheckIn_CommandOpensTheModalAtOnceOrOffersOneButtonPerPair(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runAt(start)
	ctx := ctxT(t)
	stranger := h.user("USTRANGE1", "Stranger", "ja-JP")
	if _, err := stranger.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	waitText(t, stranger, "まだプログラムに参加していません")

	// A mentor who can take two mentees, and one who is still waiting.
	busy := h.user("UBUSY0001", "Busy", "ja-JP")
	u, _ := h.fake.User("UBUSY0001")
	if _, err := h.svc.Join(ctx, mentoring.Person{UserID: "UBUSY0001", DisplayName: "Busy", TZ: u.TZ, TZOffset: u.TZOffset},
		mentoring.Profile{Role: mentoring.RoleMentor, Department: "開発部", Topics: []string{"genai"}, Languages: []mentoring.Lang{mentoring.LangJA},
			Cadence: mentoring.CadenceWeekly, Capacity: 2, Consent: true}); err != nil {
		t.Fatal(err)
	}
	h.joinAs("UMENTEE01", mentoring.RoleMentee, "営業部", "ja-JP", mentoring.CadenceWeekly)
	h.joinAs("UMENTEE02", mentoring.RoleMentee, "経理部", "ja-JP", mentoring.CadenceWeekly)
	if pairs := h.pairUp(); len(pairs) != 2 {
		t.Fatalf("pairs %+v", pairs)
	}
	waiting := h.joinAs("UWAIT0001", mentoring.RoleMentor, "人事部", "ja-JP", mentoring.CadenceWeekly)
	if _, err := waiting.Command(ctx, "チェックイン"); err != nil {
		t.Fatal(err)
	}
	waitText(t, waiting, "まだペアが決まっていないため、振り返りはありません")

	// Several pairs: one button per pair, named after the partner.
	if _, err := busy.Command(ctx, "振り返り"); err != nil {
		t.Fatal(err)
	}
	choice := waitText(t, busy, "どのセッションについて振り返りますか？", "@UMENTEE01さんとのセッションを振り返る", "@UMENTEE02さんとのセッションを振り返る")
	if _, open := busy.Modal(); open {
		t.Fatal("a modal opened before the pair was chosen")
	}
	var second string
	for _, b := range actionButtons(choice.Blocks) {
		if strings.Contains(b.Text.Text, "UMENTEE02") {
			second = b.Value
		}
	}
	if err := busy.Click(ctx, "checkin_open", slackfake.InMessage(choice.TS), slackfake.WithValue(second)); err != nil {
		t.Fatal(err)
	}
	view, err := busy.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(modalText(view), "<@UMENTEE02>さんとのセッション") {
		t.Fatalf("the modal is about another pair:\n%s", modalText(view))
	}
	if err := busy.Cancel(ctx); err != nil {
		t.Fatal(err)
	}

	// One pair: the modal opens at once, in the same job as the command.
	one := h.fake.Person("UMENTEE01")
	if _, err := one.Command(ctx, "check-in"); err != nil {
		t.Fatal(err)
	}
	if _, err := one.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
}

func TestCheckIn_ProblemsComeBackInlineAndNothingIsSaved(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values slackfake.Values
		block  string
		want   string
	}{
		{"met without saying how it went", slackfake.Values{"met": "yes"}, "rating", "セッションがどうだったか"},
		{"a day before the pair began", slackfake.Values{"met": "yes", "met_on": "2026-03-20", "rating": "3"}, "met_on", "ペアが始まった日から今日まで"},
		{"a day far in the future", slackfake.Values{"met": "yes", "met_on": "2026-12-24", "rating": "3"}, "met_on", "ペアが始まった日から今日まで"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := mentor.Submit(ctx, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sub.Errors[tt.block], tt.want) {
				t.Fatalf("errors %v", sub.Errors)
			}
			if _, open := mentor.Modal(); !open {
				t.Fatal("the modal closed on a problem")
			}
		})
	}
	// A note longer than the form allows, sent by a client that ignores max_length.
	view, _ := mentor.Modal()
	state := fmt.Sprintf(`{"met":{"met":{"type":"radio_buttons","selected_option":{"value":"not_yet"}}},"note":{"note":{"type":"plain_text_input","value":%q}}}`,
		strings.Repeat("あ", mentoring.MaxNoteLen+1))
	sub, err := mentor.SubmitRaw(ctx, view, json.RawMessage(state))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sub.Errors["note"], "長すぎて保存できません") {
		t.Fatalf("errors %v", sub.Errors)
	}
	if _, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("something was saved: %v", err)
	}
}

func TestCheckIn_AnsweringAgainPrefillsTheFormAndUpdatesOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	prompt := waitText(t, mentor, promptJA)
	answer := mentorAnswer()
	answer["burden"] = "5"
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(prompt.TS)); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, answer); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	h.settle()
	waitText(t, admin, flagJA, "重い負担")

	// Opened again from the prompt, the form shows the first answer; sent again, it is
	// updated.
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(prompt.TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "振り返りの編集" || datePickerInitial(view, "met_on") != "2026-04-10" ||
		!strings.Contains(modalText(view), "(•) 😣 とても重い") || !strings.Contains(modalText(view), "楽しかったです") {
		t.Fatalf("the form is not prefilled:\n%s", modalText(view))
	}
	// A double submit: the same answer twice, as a double click sends it.
	for range 2 {
		if _, err := mentor.SubmitRaw(ctx, view, viewState(t, view)); err != nil {
			t.Fatal(err)
		}
	}
	waitText(t, mentor, "振り返りを更新しました")
	h.settle()
	if n := len(h.dm("UMENTOR01", "ありがとうございます。振り返りを保存しました。")); n != 1 {
		t.Errorf("%d first-answer confirmations", n)
	}
	if c, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); err != nil || c.Burden != 5 {
		t.Fatalf("stored %+v %v", c, err)
	}
	// One row, one flag, one flag DM.
	if fs, _ := h.svc.Flags(ctx, adminID, true, 0); len(fs) != 1 {
		t.Fatalf("flags %+v", fs)
	}
	if n := h.posted(adminID, flagJA); n != 1 {
		t.Fatalf("HR got %d flag DMs", n)
	}
	if n := len(h.dm("UMENTOR01", answeredJA)); n != 1 {
		t.Fatalf("%d messages say the check-in was received", n)
	}
}

func TestCheckIn_LongNoteWithEmojiAndRightToLeftTextArrivesWhole(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "en-US")
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	unit := "😣 שלום עליכם مرحبا 👩‍💻 <@UBOSS> & *bold* "
	note := strings.Repeat(unit, mentoring.MaxNoteLen/utf8.RuneCountInString(unit)+1)
	note = string([]rune(note)[:mentoring.MaxNoteLen-1]) + "終"
	note = strings.TrimSpace(note)
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	sub, err := mentor.Submit(ctx, slackfake.Values{"met": "not_yet", "note": note, "contact_hr": []string{"yes"}})
	if err != nil || len(sub.Errors) > 0 {
		t.Fatalf("submit: %v %v", sub.Errors, err)
	}
	waitText(t, mentor, "近いうちに人事担当から個別にご連絡します")
	c, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1)
	if err != nil || c.PrivateNote != mentoring.CleanText(note) || utf8.RuneCountInString(c.PrivateNote) < mentoring.MaxNoteLen-5 {
		t.Fatalf("stored a note of %d runes, want %d: %v", utf8.RuneCountInString(c.PrivateNote), utf8.RuneCountInString(note), err)
	}
	// HR reads all of it, escaped: the mention in it pings nobody.
	h.settle()
	flag := waitText(t, admin, "Follow-up needed", "asked HR to contact them")
	if !strings.Contains(flag.Text, "終") || strings.Contains(flag.Text, "<@UBOSS>") || !strings.Contains(flag.Text, "&lt;@UBOSS&gt;") {
		t.Fatalf("the note came through cut or unescaped (%d runes shown)", utf8.RuneCountInString(flag.Text))
	}
	var shown strings.Builder
	for _, b := range flag.Blocks.BlockSet {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			shown.WriteString(s.Text.Text)
		}
	}
	want := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(c.PrivateNote)
	if !strings.Contains(shown.String(), want) {
		t.Fatal("the note in the flag DM is not the whole note")
	}
}

func TestCheckIn_ForgedButtonOrFormForAnotherPairIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	prompt := waitText(t, mentor, promptJA)
	// Someone outside the pair clicks a button carrying the pair's ID.
	intruder := h.joinAs("UINTRUDE1", mentoring.RoleMentor, "総務部", "ja-JP", mentoring.CadenceWeekly)
	forged := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "UINTRUDE1", "username": "intruder", "team_id": h.fake.TeamID()},
		"api_app_id": "A0FAKE", "token": "x", "trigger_id": "13.37.42", "team": map[string]any{"id": h.fake.TeamID()},
		"container": map[string]any{"type": "message", "message_ts": prompt.TS, "channel_id": prompt.Channel},
		"actions": []any{map[string]any{"action_id": "checkin_open", "block_id": "actions_checkin", "type": "button",
			"value": fmt.Sprintf("%d:1", pair.ID), "action_ts": "1.1"}},
	}
	env, err := h.fake.SendEnvelope(ctx, "interactive", forged, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatal(err)
	}
	waitText(t, intruder, "この振り返りは別のペアのものなので、記録できません")
	if _, open := intruder.Modal(); open {
		t.Fatal("a modal opened for someone outside the pair")
	}
	// A button value that names nothing is explained, not obeyed.
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(prompt.TS), slackfake.WithValue("1:x")); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "このボタンは現在使われていません")

	// A form whose metadata names the pair, submitted by the intruder.
	if _, err := intruder.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	waitText(t, intruder, "まだペアが決まっていないため")
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := intruder.SubmitRaw(ctx, view, json.RawMessage(`{"met":{"met":{"type":"radio_buttons","selected_option":{"value":"not_yet"}}}}`)); err != nil {
		t.Fatal(err)
	}
	waitTextAfter(t, intruder, 1, "この振り返りは別のペアのものなので、記録できません")
	for _, id := range []string{"UINTRUDE1", "UMENTOR01"} {
		if _, err := h.db.CheckIn(ctx, pair.ID, id, 1); !errors.Is(err, mentoring.ErrNotFound) {
			t.Fatalf("a check-in of %s was saved: %v", id, err)
		}
	}
}

func TestCheckIn_PairEndedWhileTheFormWasOpenStillSaves(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	waitText(t, mentor, promptJA)
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	// Meanwhile the mentee leaves the programme.
	if _, err := h.svc.Leave(ctx, "UMENTEE01", false); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, mentorAnswer()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	if c, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); err != nil || c.Rating != 4 {
		t.Fatalf("the answer was lost: %+v %v", c, err)
	}
	h.settle()
	waitText(t, mentor, "ペアが終了しました", "次のマッチングの対象になります")
	// A pair gone altogether (an ID that names none) is said so.
	if _, err := mentor.SubmitRaw(ctx, slack.View{CallbackID: "checkin", PrivateMetadata: fmt.Sprintf(
		`{"v":1,"lang":"ja","pair":%d,"win":1,"start":"2026-04-06T00:00:00Z","role":"mentor"}`, pair.ID+40)},
		json.RawMessage(`{"met":{"met":{"type":"radio_buttons","selected_option":{"value":"not_yet"}}}}`)); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "このペアはすでに終了しているため")
}

func TestCheckIn_MonthOldPromptButtonOpensItsOwnWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	old := waitText(t, mentor, promptJA, "4月6日〜4月13日")
	for w := 2; w <= 5; w++ {
		h.runAt(start.Add(time.Duration(w) * 7 * day))
	}
	// A month later, the first prompt's button still opens the first window's form.
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(old.TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(modalText(view), "4月6日〜4月13日") || datePickerInitial(view, "met_on") != "2026-04-12" {
		t.Fatalf("the form is not about the first window:\n%s", modalText(view))
	}
	if _, err := mentor.Submit(ctx, slackfake.Values{"met": "yes", "rating": "3"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	if c, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); err != nil || c.MetOn.Format(time.DateOnly) != "2026-04-12" {
		t.Fatalf("not saved for window 1: %+v %v", c, err)
	}
}

func TestCheckIn_FromTheAppHome(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceBiweekly)
	ctx := ctxT(t)
	h.runAt(start.Add(3 * day))
	if err := mentor.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "次の振り返り", "4月20日（月）", "振り返りを書く", "お休みする", "退会する")
	if err := mentor.Click(ctx, "checkin_open", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(modalText(view), "4月6日〜4月20日") {
		t.Fatalf("the form is not about the current window:\n%s", modalText(view))
	}
	if _, err := mentor.Submit(ctx, slackfake.Values{"met": "yes", "met_on": "2026-04-08", "rating": "5", "burden": "1"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	if _, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); err != nil {
		t.Fatal(err)
	}
	// Answered before its prompt: when the window ends the mentor is not asked again.
	h.runAt(start.Add(14 * day))
	waitText(t, h.fake.Person("UMENTEE01"), promptJA)
	if n := h.posted("UMENTOR01", promptJA); n != 0 {
		t.Fatalf("the mentor was prompted for a window already answered (%d)", n)
	}
}

// hasBlock reports whether the view has a block with the ID.
func hasBlock(v slack.View, id string) bool {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID == id {
			return true
		}
	}
	return false
}

// datePickerInitial returns the initial date of the view's date picker in block id.
func datePickerInitial(v slack.View, id string) string {
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok && in.BlockID == id {
			if dp, ok := in.Element.(*slack.DatePickerBlockElement); ok {
				return dp.InitialDate
			}
		}
	}
	return ""
}

// modalText is the view as a person reads it.
func modalText(v slack.View) string { return slackfake.BlocksText(v.Blocks) }

// actionButtons returns the buttons of a message's actions blocks.
func actionButtons(blocks slack.Blocks) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range blocks.BlockSet {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

// viewState is the state a person's modal holds now, as a submission carries it.
func viewState(t *testing.T, v slack.View) json.RawMessage {
	t.Helper()
	if v.State == nil {
		t.Fatal("the view has no state")
	}
	buf, err := json.Marshal(v.State)
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

func TestCheckIn_ExpiredTriggerOffersAButton(t *testing.T) {
	t.Parallel()
	// The form lookup holds until the test has moved the shared clock past the trigger's
	// 3 seconds: the fake measures trigger life on that clock.
	slow := &slowCheckIn{entered: make(chan struct{}), release: make(chan struct{})}
	h := newHarness(t, withProgramme(func(p botProgramme) botProgramme { slow.botProgramme = p; return slow }))
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-slow.entered:
	case <-ctx.Done():
		t.Fatal("the form lookup never started")
	}
	h.clock.Advance(3*time.Second + time.Millisecond)
	close(slow.release)
	retry := waitText(t, mentor, "フォームを時間内に開けませんでした", "振り返りを書く")
	if err := mentor.Click(ctx, "checkin_open", slackfake.InMessage(retry.TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "checkin")
	if err != nil {
		t.Fatalf("the button should open the form: %v", err)
	}
	if !strings.Contains(view.PrivateMetadata, fmt.Sprintf(`"pair":%d`, pair.ID)) {
		t.Fatalf("metadata %s", view.PrivateMetadata)
	}
}

func TestCheckIn_WhenSavingFailsTheAnswersComeBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withProgramme(func(p botProgramme) botProgramme { return &failingCheckIn{botProgramme: p} }))
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	answer := mentorAnswer()
	answer["note"] = "消えてほしくないメモ <!channel>"
	if _, err := mentor.Submit(ctx, answer); err != nil {
		t.Fatal(err)
	}
	back := waitText(t, mentor, "振り返りを保存できませんでした", "消えてほしくないメモ &lt;!channel&gt;", "Excel マクロ",
		"🙂 よい", "🙂 軽い", "振り返りを書く")
	if strings.Contains(back.Text, "<!channel>") {
		t.Fatal("the note was shown unescaped")
	}
	if _, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("saved after all: %v", err)
	}
}

// slowCheckIn holds the first check-in form lookup: it signals entered, then waits for
// release.
type slowCheckIn struct {
	botProgramme
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (s *slowCheckIn) CheckInForm(ctx context.Context, userID string, pairID int64, window int) (mentoring.CheckInForm, error) {
	s.once.Do(func() {
		s.entered <- struct{}{}
		select {
		case <-s.release:
		case <-ctx.Done():
		}
	})
	return s.botProgramme.CheckInForm(ctx, userID, pairID, window)
}

// failingCheckIn cannot save a check-in.
type failingCheckIn struct{ botProgramme }

func (failingCheckIn) RecordCheckIn(context.Context, string, mentoring.CheckIn) (mentoring.CheckInResult, error) {
	return mentoring.CheckInResult{}, errors.New("disk full")
}
