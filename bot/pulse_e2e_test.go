package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// firstPulse is the first pulse survey slot after start: Monday 10:00 in Tokyo.
var firstPulse = start.Add(time.Hour)

func TestPulse_EachTapUpdatesTheSameMessageToTheNextQuestionThenThanks(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	_, mentor, mentee := h.onePair(mentoring.CadenceMonthly)
	ctx := ctxT(t)
	h.runAt(firstPulse)
	survey := waitText(t, mentor, pulseJA, "今日の気分はいかがですか？", "😣 とてもつらい", "😄 とてもよい", "質問 1／3", "人事担当だけが見ます")
	steps := []struct {
		action string
		want   []string
	}{
		{"pulse_4", []string{"ペアの方と率直に話せていますか？", "質問 2／3"}},
		{"pulse_3", []string{"先輩を導くことにどのくらい負担を感じていますか？", "😣 とても重い", "質問 3／3"}},
		{"pulse_5", []string{"ありがとうございました", "気分 🙂 よい", "話しやすさ 😐 ふつう", "負担感 😣 とても重い"}},
	}
	for _, s := range steps {
		if err := mentor.Click(ctx, s.action, slackfake.InMessage(survey.TS)); err != nil {
			t.Fatal(err)
		}
		waitUpdated(t, mentor, survey.TS, s.want...)
	}
	if n := len(h.dm("UMENTOR01", pulseJA)); n != 1 {
		t.Fatalf("%d survey messages, want the one updated in place", n)
	}
	date := start.In(tokyoZone(t)).Format(time.DateOnly)
	p, err := h.db.Pulse(ctx, date, "UMENTOR01")
	if err != nil || p.Answers[mentoring.PulseMood] != 4 || p.Answers[mentoring.PulseSafety] != 3 || p.Answers[mentoring.PulseBurden] != 5 {
		t.Fatalf("answers %+v %v", p.Answers, err)
	}
	// A heavy burden reaches HR privately, with the survey's date.
	h.settle()
	waitText(t, admin, flagJA, "重い負担", "パルスサーベイ", "4月6日（月）", "とても重い（5/5）")

	// The mentee is asked two questions, no burden.
	msurvey := waitText(t, mentee, pulseJA, "質問 1／2")
	if err := mentee.Click(ctx, "pulse_2", slackfake.InMessage(msurvey.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, mentee, msurvey.TS, "話せていますか", "質問 2／2")
	if err := mentee.Click(ctx, "pulse_4", slackfake.InMessage(msurvey.TS)); err != nil {
		t.Fatal(err)
	}
	final := waitUpdated(t, mentee, msurvey.TS, "ありがとうございました")
	if strings.Contains(final.Text, "負担") {
		t.Fatalf("the mentee was asked about burden:\n%s", final.Text)
	}
}

func TestPulse_ASecondTapOrLastMonthsSurveyIsRecordedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, _, mentee := h.onePair(mentoring.CadenceMonthly)
	ctx := ctxT(t)
	h.runAt(firstPulse)
	old := waitText(t, mentee, pulseJA, "今日の気分")
	if err := mentee.Click(ctx, "pulse_4", slackfake.InMessage(old.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, mentee, old.TS, "話せていますか")
	// The same tap again, as a double click delivers it after the message changed.
	if err := mentee.Click(ctx, "pulse_1", slackfake.InMessage(old.TS), slackfake.WithValue("2026-04-06:mood:1")); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, mentee, old.TS, "最初の回答のままにしています", "話せていますか")
	date := "2026-04-06"
	if p, err := h.db.Pulse(ctx, date, "UMENTEE01"); err != nil || p.Answers[mentoring.PulseMood] != 4 {
		t.Fatalf("the first answer did not stand: %+v %v", p.Answers, err)
	}
	// A month of weekly surveys later, the first survey's last question still counts, once.
	for w := 1; w <= 4; w++ {
		h.runAt(firstPulse.Add(time.Duration(w) * 7 * day))
	}
	if n := h.posted("UMENTEE01", pulseJA); n != 5 {
		t.Fatalf("%d surveys sent in five weeks", n)
	}
	if err := mentee.Click(ctx, "pulse_3", slackfake.InMessage(old.TS)); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, mentee, old.TS, "4月6日（月）のサーベイの回答として記録しました", "ありがとうございました")
	if p, err := h.db.Pulse(ctx, date, "UMENTEE01"); err != nil || p.Answers[mentoring.PulseSafety] != 3 {
		t.Fatalf("the late answer was lost: %+v %v", p.Answers, err)
	}
	// A tap naming a survey the person was never sent changes nothing and says so.
	latest := h.dm("UMENTEE01", pulseJA, "今日の気分")
	if err := mentee.Click(ctx, "pulse_2", slackfake.InMessage(latest[len(latest)-1].TS), slackfake.WithValue("2025-01-06:mood:2")); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "このサーベイは見つかりませんでした")
}

func tokyoZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
