package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestPause_NoPromptsDuringTheBreakThenAutoResumeWithADM(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, mentor, mentee := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(day)) // Tuesday 7 April
	if _, err := mentee.Command(ctx, "休止 2"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "4月21日（火）までお休みにしました", "ペアはそのままです")
	if _, err := mentee.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "4月21日（火）まで一時休止中です", "お休みの間は、振り返りをお送りしません", "再開する")
	// Two windows end during the break: nobody in the pair is asked, nothing is missed.
	h.runAt(start.Add(7 * day))
	h.runAt(start.Add(14 * day))
	h.runAt(start.Add(15*day - 15*time.Minute))
	for _, id := range []string{"UMENTOR01", "UMENTEE01"} {
		if n := h.posted(id, promptJA); n != 0 {
			t.Fatalf("%s was prompted during the break", id)
		}
	}
	if fs, _ := h.svc.Flags(context.Background(), adminID, true, 0); len(fs) != 0 {
		t.Fatalf("flags raised during a break: %+v", fs)
	}
	// The break ends by itself, with a welcome back.
	h.runAt(start.Add(15 * day))
	waitText(t, mentee, "おかえりなさい", "お休みの期間が終わったので")
	if n := len(h.dm("UMENTOR01", "おかえりなさい")); n != 0 {
		t.Fatal("the partner was told about the break")
	}
	h.runAt(start.Add(21 * day))
	waitText(t, mentee, promptJA, "4月20日〜4月27日")
	waitText(t, mentor, promptJA, "4月20日〜4月27日")
}

func TestPause_ResumeEarlyAndOddInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, _, mentee := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	stranger := h.user("USTRANGE1", "Stranger", "ja-JP")
	tests := []struct {
		who  *slackfake.Person
		text string
		want string
	}{
		{mentee, "resume", "お休み中ではないため、再開の必要はありません"},
		{mentee, "pause 99", "1〜26週間"},
		{mentee, "pause two", "1〜26週間"},
		{mentee, "pause 1 2", "1〜26週間"},
		{stranger, "pause", "まだプログラムに参加していません"},
		{stranger, "leave", "まだプログラムに参加していません"},
	}
	for _, tt := range tests {
		before := len(tt.who.Seen())
		if _, err := tt.who.Command(ctx, tt.text); err != nil {
			t.Fatal(err)
		}
		waitTextAfter(t, tt.who, before, tt.want)
	}
	if p, err := h.db.Participant(ctx, "UMENTEE01"); err != nil || p.Status != mentoring.StatusActive {
		t.Fatalf("odd input changed the participant: %+v %v", p.Status, err)
	}
	// From the App Home: a break of the default four weeks, then back at once.
	if err := mentee.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "お休みする")
	if err := mentee.Click(ctx, "pause", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "5月4日（月）までお休みにしました")
	home := waitTextAfter(t, mentee, 0, "5月4日（月）まで一時休止中です", "再開する")
	if home.Kind != "home" {
		t.Fatalf("want the Home republished, got %s", home.Kind)
	}
	if err := mentee.Click(ctx, "resume", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "おかえりなさい。振り返りとパルスサーベイを再開します")
	if p, err := h.db.Participant(ctx, "UMENTEE01"); err != nil || p.Status != mentoring.StatusActive {
		t.Fatalf("still paused: %+v %v", p.Status, err)
	}
}

func TestLeave_WithEraseLeavesNoRowNamingThePersonAndTellsThePartnerKindly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, mentor, mentee := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	// The mentee leaves traces everywhere: answers, a note, a flag, pulse answers.
	h.runAt(firstPulse)
	survey := waitText(t, mentee, pulseJA)
	if err := mentee.Click(ctx, "pulse_1", slackfake.InMessage(survey.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, mentee, survey.TS, "話せていますか")
	h.runAt(start.Add(7 * day))
	if _, err := mentee.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentee.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentee.Submit(ctx, slackfake.Values{"met": "yes", "met_on": "2026-04-08", "rating": "1",
		"note": "UMENTEE01 の秘密のメモ", "contact_hr": []string{"yes"}}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "振り返りを保存しました")
	h.settle()
	waitText(t, admin, flagJA, "<@UMENTEE01>さん")
	if _, err := mentee.Command(ctx, "lang en"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "I'll speak English")

	if _, err := mentee.Command(ctx, "退会"); err != nil {
		t.Fatal(err)
	}
	view, err := mentee.WaitModal(ctx, "leave")
	if err != nil {
		t.Fatal(err)
	}
	if text := modalText(view); !containsAll(text, "your pairs end", "no reason given", "Also erase my data",
		"Anonymous figures already published") {
		t.Fatalf("the leave modal does not explain:\n%s", text)
	}
	if _, err := mentee.Submit(ctx, slackfake.Values{"erase": []string{"yes"}}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "You've left the programme", "Your data has been erased")
	h.settle()
	ended := waitText(t, mentor, "ペアが終了しました", "4月6日（月）から続いていた", "次のマッチングの対象になります")
	for _, never := range []string{"UMENTEE01", "退会", "理由", "削除"} {
		if strings.Contains(ended.Text, never) {
			t.Errorf("the partner's DM says %q:\n%s", never, ended.Text)
		}
	}
	if p, err := h.db.Pair(ctx, pair.ID); err != nil || p.Status != mentoring.PairEnded {
		t.Fatalf("pair %+v %v", p, err)
	}
	// No row of any table names the person any more.
	if tables := tablesNaming(t, h.conf.Database.Path, "UMENTEE01"); len(tables) > 0 {
		t.Fatalf("rows still name the person in: %v", tables)
	}
	if _, err := h.db.Participant(ctx, "UMENTEE01"); !errors.Is(err, mentoring.ErrNotFound) {
		t.Fatalf("participant: %v", err)
	}
	// The partner is asked nothing more about the pair; told once.
	h.runAt(start.Add(14 * day))
	if n := h.posted("UMENTOR01", promptJA); n != 1 {
		t.Fatalf("the partner had %d prompts, want only the one before the pair ended", n)
	}
	if n := h.posted("UMENTOR01", "ペアが終了しました"); n != 1 {
		t.Fatalf("the partner was told %d times", n)
	}
}

func TestLeave_WithoutEraseKeepsTheAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	if _, err := h.svc.RecordCheckIn(ctx, "UMENTOR01", mentoring.CheckIn{PairID: pair.ID, Window: 1, Met: mentoring.MetYes, Rating: 4}); err != nil {
		t.Fatal(err)
	}
	if err := mentor.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "退会する")
	if err := mentor.Click(ctx, "leave_open", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "leave"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, slackfake.Values{}); err != nil {
		t.Fatal(err)
	}
	left := waitText(t, mentor, "プログラムを退会しました")
	if strings.Contains(left.Text, "削除しました") {
		t.Fatal("told the data was erased")
	}
	if _, err := h.db.CheckIn(ctx, pair.ID, "UMENTOR01", 1); err != nil {
		t.Fatalf("the answer was not kept: %v", err)
	}
	if p, err := h.db.Participant(ctx, "UMENTOR01"); err != nil || p.Status != mentoring.StatusLeft {
		t.Fatalf("participant %+v %v", p.Status, err)
	}
	h.settle()
	waitText(t, h.fake.Person("UMENTEE01"), "ペアが終了しました")
	// Leaving again is answered, not obeyed twice.
	if _, err := mentor.Command(ctx, "leave"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "まだプログラムに参加していません")
}

func TestDeactivated_ThePartnerIsToldOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	if err := h.fake.DeactivateUser("UMENTEE01"); err != nil {
		t.Fatal(err)
	}
	// At the window's end the bot looks the mentee up, sees the account is gone, and the
	// pair ends.
	h.runAt(start.Add(7 * day))
	h.settle()
	ended := waitText(t, mentor, "ペアが終了しました", "次のマッチングの対象になります")
	if strings.Contains(ended.Text, "UMENTEE01") {
		t.Fatalf("the partner's DM names the person:\n%s", ended.Text)
	}
	ctx := context.Background()
	if p, err := h.db.Participant(ctx, "UMENTEE01"); err != nil || p.Status != mentoring.StatusLeft {
		t.Fatalf("participant %+v %v", p.Status, err)
	}
	if p, err := h.db.Pair(ctx, pair.ID); err != nil || p.Status != mentoring.PairEnded {
		t.Fatalf("pair %+v %v", p.Status, err)
	}
	for _, d := range []int{8, 14, 21} {
		h.runAt(start.Add(time.Duration(d) * day))
	}
	if n := h.posted("UMENTOR01", "ペアが終了しました"); n != 1 {
		t.Fatalf("the partner was told %d times", n)
	}
	if n := h.posted("UMENTOR01", promptJA); n > 1 {
		t.Fatalf("the partner was prompted %d times after the pair ended", n)
	}
}

func TestHome_NextCheckInIsShownInThePersonsTimeZone(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runAt(start)
	ctx := ctxT(t)
	la := h.fake.AddUser(slackfake.User{ID: "ULOSANG01", Name: "la", RealName: "LA", DisplayName: "LA",
		TZ: "America/Los_Angeles", TZOffset: -7 * 3600, Locale: "en-US"})
	if _, err := h.svc.Join(ctx, mentoring.Person{UserID: "ULOSANG01", DisplayName: "LA", TZ: "America/Los_Angeles", TZOffset: -7 * 3600},
		mentoring.Profile{Role: mentoring.RoleMentor, Department: "Design", Topics: []string{"genai"},
			Languages: []mentoring.Lang{mentoring.LangJA, mentoring.LangEN}, Cadence: mentoring.CadenceWeekly, Capacity: 1, Consent: true}); err != nil {
		t.Fatal(err)
	}
	tokyo := h.joinAs("UTOKYO001", mentoring.RoleMentee, "営業部", "ja-JP", mentoring.CadenceWeekly)
	if pairs := h.pairUp(); len(pairs) != 1 {
		t.Fatalf("pairs %+v", pairs)
	}
	// The first check-in falls due at 09:00 on Monday 13 April in Tokyo: 17:00 on Sunday
	// 12 April in Los Angeles.
	if err := la.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, la, "Next check-in:* Sun 12 Apr", "Check in", "Take a break", "Leave")
	if _, err := tokyo.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, tokyo, "次の振り返り：* 4月13日（月）", "振り返りを書く", "お休みする", "退会する")
}
