package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

func TestSweep_CheckInWindowsFollowTheSlowerCadenceOfThePair(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runAt(start)
	pairOf := map[string]int64{}
	// Three pairs, one round each, so that who meets whom is certain.
	for _, p := range []struct {
		mentor, mentee string
		mc, ec         mentoring.Cadence
		want           mentoring.Cadence
	}{
		{"UWEEKLY01", "UWEEKLY02", mentoring.CadenceWeekly, mentoring.CadenceWeekly, mentoring.CadenceWeekly},
		{"UBIWEEK01", "UBIWEEK02", mentoring.CadenceWeekly, mentoring.CadenceBiweekly, mentoring.CadenceBiweekly},
		{"UMONTHL01", "UMONTHL02", mentoring.CadenceMonthly, mentoring.CadenceWeekly, mentoring.CadenceMonthly},
	} {
		h.joinAs(p.mentor, mentoring.RoleMentor, "開発部"+p.mentor, "ja-JP", p.mc)
		h.joinAs(p.mentee, mentoring.RoleMentee, "営業部"+p.mentee, "ja-JP", p.ec)
		pairs := h.pairUp()
		got := pairs[len(pairs)-1]
		if got.MentorID != p.mentor || got.Cadence != p.want {
			t.Fatalf("pair %+v, want %s at %s", got, p.mentor, p.want)
		}
		pairOf[p.mentor], pairOf[p.mentee] = got.ID, got.ID
	}
	prompts := func(id string) int { return h.posted(id, promptJA) }
	// Everyone answers each prompt (they met), so nobody goes quiet.
	answered := map[string]int{}
	answer := func(id string) {
		for w := answered[id] + 1; w <= prompts(id); w++ {
			if _, err := h.svc.RecordCheckIn(context.Background(), id, mentoring.CheckIn{PairID: pairOf[id], Window: w,
				Met: mentoring.MetYes, Rating: 4}); err != nil {
				t.Fatal(err)
			}
			answered[id] = w
		}
	}
	for _, step := range []struct {
		days                    int
		weekly, biweekly, month int
	}{
		{6, 0, 0, 0},
		{7, 1, 0, 0},
		{13, 1, 0, 0},
		{14, 2, 1, 0},
		{21, 3, 1, 0},
		{27, 3, 1, 0},
		{28, 4, 2, 1},
	} {
		h.runAt(start.Add(time.Duration(step.days) * day))
		for _, c := range []struct {
			ids  []string
			want int
		}{{[]string{"UWEEKLY01", "UWEEKLY02"}, step.weekly}, {[]string{"UBIWEEK01", "UBIWEEK02"}, step.biweekly},
			{[]string{"UMONTHL01", "UMONTHL02"}, step.month}} {
			for _, id := range c.ids {
				if got := prompts(id); got != c.want {
					t.Fatalf("day %d: %s had %d prompts, want %d", step.days, id, got, c.want)
				}
				answer(id)
			}
		}
	}
	// The monthly pair's first prompt names its four-week window.
	if h.posted("UMONTHL01", promptJA, "4月6日〜5月4日") != 1 {
		t.Fatal("the monthly prompt does not name its window")
	}
}

func TestSweep_OneGentleNudgeAfterNudgeAfterDays(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withConfig(func(c *app.Config) { c.Program.NudgeAfterDays = 2 }))
	_, mentor, mentee := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	waitText(t, mentee, promptJA)
	// The mentor answers at once; only the mentee is nudged, two days on.
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, mentorAnswer()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	h.runAt(start.Add(9*day - 15*time.Minute))
	if n := h.posted("UMENTEE01", nudgeJA); n != 0 {
		t.Fatalf("nudged early (%d)", n)
	}
	h.runAt(start.Add(9 * day))
	nudge := waitText(t, mentee, nudgeJA, "お時間のあるときで大丈夫です", "まだ会えていなければ、そのまま教えてください", "振り返りを書く")
	for _, guilt := range []string{"まだ回答", "忘れ", "至急", "必ず", "期限"} {
		if strings.Contains(nudge.Text, guilt) {
			t.Errorf("the nudge says %q", guilt)
		}
	}
	h.runAt(start.Add(10 * day))
	h.runAt(start.Add(12 * day))
	if n := h.posted("UMENTEE01", nudgeJA); n != 1 {
		t.Fatalf("%d nudges, want one", n)
	}
	if n := h.posted("UMENTOR01", nudgeJA); n != 0 {
		t.Fatalf("the mentor, who answered, was nudged %d times", n)
	}
}

func TestSweep_PairWithNoSessionForTwoWindowsIsFlaggedAsStalled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, _, _ := h.onePair(mentoring.CadenceWeekly)
	// Two windows go by with no session reported.
	h.runAt(start.Add(7 * day))
	h.runAt(start.Add(14 * day))
	h.runAt(start.Add(20*day - 15*time.Minute))
	h.settle()
	if n := h.posted(adminID, flagJA); n != 0 {
		t.Fatalf("HR was told before the second window's deadline (%d)", n)
	}
	h.runAt(start.Add(20 * day)) // the second window's deadline passes
	h.settle()
	waitText(t, admin, flagJA, "<@UMENTOR01>さん（メンター）と<@UMENTEE01>さん（メンティー）のペアから、2回続けてセッションの報告がありません")
	h.runAt(start.Add(27 * day))
	if n := h.posted(adminID, "続けてセッションの報告がありません"); n != 1 {
		t.Fatalf("HR was told %d times", n)
	}
	// Nobody in the pair hears about it.
	for _, id := range []string{pair.MentorID, pair.MenteeID} {
		if n := h.posted(id, "報告がありません"); n != 0 {
			t.Fatalf("%s was told the pair stalled", id)
		}
	}
}

func TestSweep_ThreeUnansweredPromptsStopThePromptsAndFlagHR(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, _, mentee := h.onePair(mentoring.CadenceWeekly)
	ctx := context.Background()
	// The mentor answers every window (they met); the mentee answers none.
	for w := 1; w <= 3; w++ {
		h.runAt(start.Add(time.Duration(w) * 7 * day))
		if _, err := h.svc.RecordCheckIn(ctx, pair.MentorID, mentoring.CheckIn{PairID: pair.ID, Window: w,
			Met: mentoring.MetYes, Rating: 4, Burden: 2}); err != nil {
			t.Fatal(err)
		}
		h.runAt(start.Add(time.Duration(w)*7*day + 3*day)) // the nudge
	}
	h.runAt(start.Add(27 * day)) // the third deadline passes
	h.settle()
	waitText(t, admin, flagJA, "<@UMENTEE01>さんから、直近3回の振り返りに回答がないため、送るのを止めています")
	h.runAt(start.Add(28 * day))
	waitText(t, h.fake.Person(pair.MentorID), promptJA, "4月27日〜5月4日")
	if n := h.posted("UMENTEE01", promptJA); n != 3 {
		t.Fatalf("the quiet mentee had %d prompts, want 3 and no more", n)
	}
	if n := h.posted("UMENTEE01", nudgeJA); n != 3 {
		t.Fatalf("the mentee had %d nudges, want one per prompt", n)
	}
	h.runAt(start.Add(35 * day))
	if n := h.posted("UMENTEE01", promptJA); n != 3 {
		t.Fatalf("the quiet mentee was prompted again (%d)", n)
	}
	if n := h.posted(adminID, "送るのを止めています"); n != 1 {
		t.Fatalf("HR was told %d times", n)
	}
	// Answering again brings the prompts back.
	if _, err := mentee.Command(ctxT(t), "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentee.WaitModal(ctxT(t), "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentee.Submit(ctxT(t), map[string]any{"met": "not_yet"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentee, "振り返りを保存しました")
	h.runAt(start.Add(42 * day)) // the window just answered is not asked about
	h.runAt(start.Add(49 * day))
	if n := h.posted("UMENTEE01", promptJA); n != 4 {
		t.Fatalf("after answering, %d prompts, want a fourth", n)
	}
}

func TestSweep_PromptDueAtNightInLondonWaitsUntilNineLondonTime(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.runAt(start)
	tokyo := h.joinAs("UTOKYO001", mentoring.RoleMentor, "開発部", "ja-JP", mentoring.CadenceWeekly)
	london := h.joinAs("ULONDON01", mentoring.RoleMentee, "Sales", "en-GB", mentoring.CadenceWeekly)
	if pairs := h.pairUp(); len(pairs) != 1 {
		t.Fatalf("pairs %+v", pairs)
	}
	// The window ends at 09:00 in Tokyo: 01:00 in London.
	h.runAt(start.Add(7 * day))
	waitText(t, tokyo, promptJA)
	if n := h.posted("ULONDON01", promptEN); n != 0 {
		t.Fatal("a prompt reached London at 01:00")
	}
	h.runAt(time.Date(2026, 4, 13, 7, 45, 0, 0, time.UTC)) // 08:45 in London
	if n := h.posted("ULONDON01", promptEN); n != 0 {
		t.Fatal("a prompt reached London before 09:00")
	}
	h.runAt(time.Date(2026, 4, 13, 8, 0, 0, 0, time.UTC)) // 09:00 in London
	seen := waitText(t, london, promptEN, "<@UTOKYO001>", "(6 Apr – 13 Apr)", "HR admins only")
	if want := time.Date(2026, 4, 13, 8, 0, 0, 0, time.UTC); !seen.SimAt.Equal(want) {
		t.Fatalf("London saw the prompt at %s, want %s", seen.SimAt, want)
	}
	if n := h.posted("ULONDON01", promptEN); n != 1 {
		t.Fatalf("%d prompts in London", n)
	}
}

func TestSweep_NobodyGetsTheSamePromptTwiceAcrossARestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, mentor, mentee := h.onePair(mentoring.CadenceWeekly)
	h.runAt(start.Add(7 * day))
	waitText(t, mentor, promptJA)
	waitText(t, mentee, promptJA)
	h.restart()
	h.runAt(start.Add(7 * day)) // the same slot again, in the new process
	h.runAt(start.Add(7*day + time.Hour))
	h.runAt(start.Add(10 * day)) // the nudges
	waitText(t, mentee, nudgeJA)
	h.restart()
	h.runAt(start.Add(10*day + 15*time.Minute))
	h.runAt(start.Add(11 * day))
	// The restarted app still serves the people: a check-in opens and saves.
	ctx := ctxT(t)
	if _, err := mentor.Command(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.WaitModal(ctx, "checkin"); err != nil {
		t.Fatal(err)
	}
	if _, err := mentor.Submit(ctx, mentorAnswer()); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, "振り返りを保存しました")
	h.restart()
	h.runAt(start.Add(14 * day))
	for _, id := range []string{"UMENTOR01", "UMENTEE01"} {
		if n := h.posted(id, promptJA, "4月6日〜4月13日"); n != 1 {
			t.Errorf("%s had %d prompts for the first window", id, n)
		}
		if n := h.posted(id, nudgeJA); n != 1 {
			t.Errorf("%s had %d nudges for the first window", id, n)
		}
		if n := h.posted(id, promptJA, "4月13日〜4月20日"); n != 1 {
			t.Errorf("%s had %d prompts for the second window", id, n)
		}
	}
}
