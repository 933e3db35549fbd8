package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/app"
	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// What the cycle's surfaces say, as tests look for them.
const (
	standardPurposeJA = "若手が先輩に、デジタルツールや新しい働き方"
	cyclePurposeJA    = "管理職が生成AIを日々の仕事で使えるようにする"
	surveyJA          = "期末アンケートのお願い"
)

func TestProgram_AdminCreatesACycleWhosePurposeEveryoneSees(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	ctx := ctxT(t)
	h.runAt(start)

	// Before any cycle, the App Home shows the standard purpose.
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	home := waitText(t, admin, "まだありません", "新しい期を作成")
	if !strings.Contains(home.Text, standardPurposeJA) {
		t.Fatalf("home without a cycle:\n%s", home.Text)
	}

	// Someone who is not HR cannot open the modal.
	mentor := h.joinAs("UMENTOR01", mentoring.RoleMentor, "開発部", "ja-JP", mentoring.CadenceWeekly)
	if _, err := mentor.Command(ctx, "admin program"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, refusedJA)
	if _, open := mentor.Modal(); open {
		t.Fatal("a participant opened the cycle modal")
	}

	if _, err := admin.Command(ctx, "管理 期"); err != nil {
		t.Fatal(err)
	}
	view, err := admin.WaitModal(ctx, "cycle")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "新しい期の作成" {
		t.Fatalf("title %q", view.Title.Text)
	}
	// Problems come back inline, before anything is saved.
	sub, err := admin.Submit(ctx, slackfake.Values{"name": " \u3000 ", "purpose": cyclePurposeJA,
		"starts_on": "2026-04-06", "ends_on": "2026-04-01", "cadence": "weekly"})
	if err != nil {
		t.Fatal(err)
	}
	if sub.ResponseAction != "errors" || !strings.Contains(sub.Errors["name"], "名前を入力") ||
		!strings.Contains(sub.Errors["ends_on"], "終了日は開始日より後") {
		t.Fatalf("errors %q %v", sub.ResponseAction, sub.Errors)
	}
	sub, err = admin.Submit(ctx, slackfake.Values{"name": "2026年度 上期", "ends_on": "2026-09-30",
		"guidelines": "勤務時間内に会いましょう"})
	if err != nil || sub.ResponseAction != "" {
		t.Fatalf("valid cycle: %+v, %v", sub, err)
	}
	waitText(t, admin, "期「2026年度 上期」（2026年4月6日〜2026年9月30日）を保存しました")
	cy, err := h.svc.CurrentCycle(ctx)
	if err != nil || cy.Name != "2026年度 上期" || cy.DefaultCadence != mentoring.CadenceWeekly || cy.CreatedBy != adminID {
		t.Fatalf("saved cycle %+v, %v", cy, err)
	}

	// The App Home, the intro and each orientation show its purpose from now on.
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "2026年度 上期の目的", cyclePurposeJA, "勤務時間内に会いましょう")
	// The opt-in's consent covers the cycle's guidelines too.
	newcomer := h.user("UNEWCOME1", "Newcomer", "ja-JP")
	if _, err := newcomer.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	form, err := newcomer.WaitModal(ctx, "join")
	if err != nil || !strings.Contains(slackfake.BlocksText(form.Blocks), "勤務時間内に会いましょう") {
		t.Fatalf("the opt-in modal lacks the cycle's guidelines (%v)", err)
	}
	h.joinAs("UMENTEE01", mentoring.RoleMentee, "営業部", "ja-JP", mentoring.CadenceWeekly)
	h.pairUp()
	intro := h.fake.Messages(h.fake.DMChannel("UMENTOR01", "UMENTEE01"))
	if len(intro) != 1 || !strings.Contains(slackfake.BlocksText(intro[0].Blocks), cyclePurposeJA) ||
		strings.Contains(slackfake.BlocksText(intro[0].Blocks), standardPurposeJA) {
		t.Fatalf("the intro does not show the cycle's purpose: %+v", intro)
	}
	for _, id := range []string{"UMENTOR01", "UMENTEE01"} {
		h.oneDM(id, "最初のセッションの前に", cyclePurposeJA)
	}

	// The same command edits the cycle now, prefilled.
	if _, err := admin.Command(ctx, "admin program"); err != nil {
		t.Fatal(err)
	}
	view, err = admin.WaitModal(ctx, "cycle")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "期の編集" || !strings.Contains(slackfake.BlocksText(view.Blocks), "2026年度 上期") {
		t.Fatalf("edit modal %q:\n%s", view.Title.Text, slackfake.BlocksText(view.Blocks))
	}
	if sub, err := admin.Submit(ctx, slackfake.Values{"name": "2026年度 上期 改訂版"}); err != nil || sub.ResponseAction != "" {
		t.Fatalf("edit: %+v, %v", sub, err)
	}
	waitText(t, admin, "2026年度 上期 改訂版")
	if cs, err := h.db.Cycles(ctx); err != nil || len(cs) != 1 || cs[0].Name != "2026年度 上期 改訂版" {
		t.Fatalf("cycles after an edit: %+v, %v", cs, err)
	}

	// The App Home's button starts a new cycle after this one.
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	if err := admin.Click(ctx, "cycle_open", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	view, err = admin.WaitModal(ctx, "cycle")
	if err != nil || view.Title.Text != "新しい期の作成" || !strings.Contains(string(mustJSON(t, view.Blocks)), `"initial_date":"2026-10-01"`) {
		t.Fatalf("new cycle from the Home: %q %v", view.Title.Text, err)
	}
}

func TestSurvey_EndOfCycleSurveyIsAnsweredFromItsDM(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := ctxT(t)
	// A cycle that ended the day before the harness starts.
	cy, err := h.svc.SaveCycle(ctx, adminID, mentoring.Cycle{Name: "2026 冬", Purpose: "世代をこえたデジタル活用",
		StartsOn: "2026-01-05", EndsOn: "2026-04-05", DefaultCadence: mentoring.CadenceWeekly})
	if err != nil {
		t.Fatal(err)
	}
	_, mentor, mentee := h.onePair(mentoring.CadenceWeekly)
	h.runAt(start.Add(3600e9))

	for _, tt := range []struct {
		who      *slackfake.Person
		id       string
		subjects []string
		values   slackfake.Values
		question string
	}{
		{mentor, "UMENTOR01", []string{"rating_lead"}, slackfake.Values{"reflection": "先輩の前でも落ち着いて話せた",
			"join_again": "9", "rating_lead": "4"}, "どのように成長しましたか"},
		{mentee, "UMENTEE01", []string{"rating_genai", "rating_slack"}, slackfake.Values{"reflection": "生成AIで議事録を作れた",
			"join_again": "7", "rating_genai": "4"}, "学んだことは何ですか"},
	} {
		dm := h.oneDM(tt.id, surveyJA, "「2026 冬」の期が終わりました", "アンケートに答える")
		if err := tt.who.Click(ctx, "survey_open", slackfake.InMessage(dm.TS)); err != nil {
			t.Fatal(err)
		}
		view, err := tt.who.WaitModal(ctx, "cycle_survey")
		if err != nil {
			t.Fatal(err)
		}
		if got := ratingBlocks(view); strings.Join(got, ",") != strings.Join(tt.subjects, ",") ||
			!strings.Contains(slackfake.BlocksText(view.Blocks), tt.question) {
			t.Fatalf("%s is asked %v:\n%s", tt.id, got, slackfake.BlocksText(view.Blocks))
		}
		// A value Slack's client would not send comes back inline.
		raw, err := tt.who.SubmitRaw(ctx, view, json.RawMessage(`{"join_again":{"join_again":{"type":"static_select","selected_option":{"value":"11"}}}}`))
		if err != nil || raw.ResponseAction != "errors" || !strings.Contains(raw.Errors["join_again"], "0〜10") {
			t.Fatalf("join again 11: %+v, %v", raw, err)
		}
		if sub, err := tt.who.Submit(ctx, tt.values); err != nil || sub.ResponseAction != "" {
			t.Fatalf("survey: %+v, %v", sub, err)
		}
		waitText(t, tt.who, "回答を保存しました")
		f, err := h.svc.SurveyForm(ctx, tt.id, cy.ID)
		if err != nil || f.Previous == nil || f.Previous.Reflection != tt.values["reflection"] {
			t.Fatalf("%s's answer: %+v, %v", tt.id, f.Previous, err)
		}
	}
	f, _ := h.svc.SurveyForm(ctx, "UMENTEE01", cy.ID)
	if f.Previous.JoinAgain != 7 || len(f.Previous.Ratings) != 1 || f.Previous.Ratings["genai"] != 4 {
		t.Fatalf("the mentee's answer %+v", f.Previous)
	}
	if got := selfRatings(t, h.conf.Database.Path, "UMENTOR01", "end"); got["lead"] != 4 {
		t.Fatalf("the mentor's end rating %v", got)
	}
	// Opened again, the survey shows the answer to change.
	if err := mentor.Click(ctx, "survey_open", slackfake.InMessage(h.oneDM("UMENTOR01", surveyJA).TS)); err != nil {
		t.Fatal(err)
	}
	view, err := mentor.WaitModal(ctx, "cycle_survey")
	if err != nil || !strings.Contains(slackfake.BlocksText(view.Blocks), "前回の回答です") {
		t.Fatalf("reopened survey: %v\n%s", err, slackfake.BlocksText(view.Blocks))
	}
}

func TestCycle_ReviewReachesEachAdminAndTheReportTheHRChannelWithItsChart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withConfig(func(c *app.Config) {
		c.Program.HRChannel, c.Program.Admins = hrChannel, []string{adminID, adminID2}
	}))
	h.fake.AddChannel(hrChannel, "hr-reverse-mentoring", adminID)
	hr1 := h.user(adminID, "HR One", "ja-JP")
	hr2 := h.user(adminID2, "HR Two", "en-US")
	ctx := ctxT(t)
	// Halfway through on the harness's first day; ends on Sunday 19 April.
	if _, err := h.svc.SaveCycle(ctx, adminID, mentoring.Cycle{Name: "Spring sprint", Purpose: "Digital skills across generations",
		StartsOn: "2026-03-23", EndsOn: "2026-04-19", DefaultCadence: mentoring.CadenceWeekly}); err != nil {
		t.Fatal(err)
	}
	ids := h.cohort()
	h.runAt(start.Add(3600e9))
	waitText(t, hr1, "Spring sprintの折り返し", "ルールを見直す")
	waitText(t, hr2, "Halfway through Spring sprint", "review the rules")
	if n := len(h.channelPosts(hrChannel, "Spring sprint")); n != 0 {
		t.Fatalf("the review reached the HR channel (%d posts)", n)
	}
	for _, id := range ids {
		if err := h.svc.RecordStartRatings(context.Background(), id, startRatings(id)); err != nil {
			t.Fatal(err)
		}
	}
	// The cycle ends: everyone is surveyed, and every mentor says they grew.
	h.runAt(start.Add(14*day + 3600e9))
	if n := h.posted(ids[0], surveyJA); n != 1 {
		t.Fatalf("%d surveys", n)
	}
	cy, err := h.svc.CurrentCycle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:6] {
		if err := h.svc.RecordCycleSurvey(ctx, id, mentoring.CycleSurvey{CycleID: cy.ID, JoinAgain: 8,
			Reflection: "先輩の前で話せるようになった", Ratings: map[string]int{"lead": 4}}); err != nil {
			t.Fatal(err)
		}
	}
	// The report comes two weeks later, with its chart.
	h.runAt(start.Add(28*day + 3600e9))
	posts := h.channelPosts(hrChannel, reportJA, "Spring sprint")
	if len(posts) != 1 || len(h.pngFiles(hrChannel, "cycle_report")) != 1 {
		t.Fatalf("%d reports, charts %+v", len(posts), h.fake.Files())
	}
	if !strings.Contains(posts[0], "2.0 → 4.0") {
		t.Errorf("the report does not show the mentors' growth:\n%s", posts[0])
	}
	if strings.Contains(posts[0], "UMENTOR") || strings.Contains(posts[0], "<@") || strings.Contains(posts[0], "話せるように") {
		t.Fatalf("the report names someone or shows what they wrote:\n%s", posts[0])
	}
	h.runAt(start.Add(29*day + 3600e9))
	if n := len(h.channelPosts(hrChannel, reportJA)); n != 1 {
		t.Fatalf("%d reports after another day", n)
	}
}

// startRatings is what each person of the cohort says at opt-in.
func startRatings(id string) map[string]int {
	if strings.HasPrefix(id, "UMENTOR") {
		return map[string]int{"lead": 2}
	}
	return map[string]int{"genai": 2, "slack": 3}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
