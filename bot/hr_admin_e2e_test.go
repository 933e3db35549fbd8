package bot_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestExport_CSVFilesReachTheAdminsDMWithoutPrivateNotes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "ja-JP")
	pair, mentor, _ := h.onePair(mentoring.CadenceWeekly)
	ctx := ctxT(t)
	h.runAt(start.Add(7 * day))
	// A private note to keep out, and text a spreadsheet would run as a formula.
	if _, err := h.svc.RecordCheckIn(ctx, "UMENTOR01", mentoring.CheckIn{PairID: pair.ID, Window: 1, Met: mentoring.MetYes,
		Rating: 4, Burden: 2, TopicsFree: `=HYPERLINK("http://evil.example","x")`, PrivateNote: "PRIVATE-NOTE-7Q"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.RecordCheckIn(ctx, "UMENTEE01", mentoring.CheckIn{PairID: pair.ID, Window: 1, Met: mentoring.MetYes,
		Rating: 5, Learned: "@SUM(A1:A9)", PrivateNote: "PRIVATE-NOTE-8R"}); err != nil {
		t.Fatal(err)
	}

	if _, err := mentor.Command(ctx, "admin export"); err != nil {
		t.Fatal(err)
	}
	waitText(t, mentor, refusedJA)
	if n := len(h.fake.Files()); n != 0 {
		t.Fatalf("a participant's export uploaded %d files", n)
	}

	if _, err := admin.Command(ctx, "管理 エクスポート"); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "5件のファイルをDMにお送りしました")
	dm := h.fake.DMChannel(adminID)
	files := map[string]string{}
	for _, f := range h.fake.Files() {
		if f.Channel != dm {
			t.Fatalf("%s was shared in %s, not the admin's DM %s", f.Name, f.Channel, dm)
		}
		files[f.Name] = string(f.Bytes)
	}
	for _, table := range []string{"participants", "pairs", "sessions", "checkins", "pulses"} {
		name := "reverse-mentor-2026-04-13-" + table + ".csv"
		body, ok := files[name]
		if !ok {
			t.Fatalf("no %s among %d files", name, len(files))
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(rows) == 0 {
			t.Fatalf("%s is not CSV: %v", name, err)
		}
		if strings.Contains(body, "PRIVATE-NOTE") {
			t.Fatalf("%s holds a private note", name)
		}
	}
	checkins := files["reverse-mentor-2026-04-13-checkins.csv"]
	for _, want := range []string{`'=HYPERLINK(`, `'@SUM(A1:A9)`} {
		if !strings.Contains(checkins, want) {
			t.Errorf("the check-ins lack the neutralised %q:\n%s", want, checkins)
		}
	}
	if strings.Contains(checkins, `,=HYPERLINK`) || strings.Contains(checkins, `"=HYPERLINK`) {
		t.Errorf("a formula reached the file as it was typed:\n%s", checkins)
	}
}

func TestFlags_AdminNarrowsTheListByHandledCauseAndPerson(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.user(adminID, "HR", "en-US")
	h.runAt(start)
	ctx := ctxT(t)
	for _, p := range []struct{ mentor, mentee string }{{"UMENTORA1", "UMENTEEA1"}, {"UMENTORB1", "UMENTEEB1"}} {
		h.joinAs(p.mentor, mentoring.RoleMentor, "開発部"+p.mentor, "ja-JP", mentoring.CadenceWeekly)
		h.joinAs(p.mentee, mentoring.RoleMentee, "営業部"+p.mentee, "ja-JP", mentoring.CadenceWeekly)
		h.pairUp()
	}
	h.runAt(start.Add(7 * day))
	checkIn := func(id string, c mentoring.CheckIn) {
		t.Helper()
		pairs, err := h.db.PairsOf(context.Background(), id)
		if err != nil || len(pairs) != 1 {
			t.Fatalf("pairs of %s: %v", id, err)
		}
		c.PairID, c.Window, c.Met, c.Rating = pairs[0].ID, 1, mentoring.MetYes, 3
		if _, err := h.svc.RecordCheckIn(context.Background(), id, c); err != nil {
			t.Fatal(err)
		}
	}
	checkIn("UMENTORA1", mentoring.CheckIn{Burden: 5})
	checkIn("UMENTORB1", mentoring.CheckIn{Burden: 2, ContactHR: true})
	burden, err := h.svc.FindFlags(ctx, adminID, mentoring.FlagFilter{Cause: mentoring.FlagBurden}, 0)
	if err != nil || len(burden) != 1 {
		t.Fatalf("burden flags %v %v", burden, err)
	}
	if _, err := h.svc.HandleFlag(ctx, adminID, burden[0].Key); err != nil {
		t.Fatal(err)
	}
	h.settle()

	list := func(text string, want, not []string) {
		t.Helper()
		n := len(admin.Seen())
		if _, err := admin.Command(ctx, text); err != nil {
			t.Fatal(err)
		}
		seen := waitTextAfter(t, admin, n, "ollow-ups")
		for _, w := range want {
			if !strings.Contains(seen.Text, w) {
				t.Errorf("%q lacks %q:\n%s", text, w, seen.Text)
			}
		}
		for _, w := range not {
			if strings.Contains(seen.Text, w) {
				t.Errorf("%q shows %q:\n%s", text, w, seen.Text)
			}
		}
	}
	contact, heavy := "<@UMENTORB1> (Mentor) asked HR to contact them", "<@UMENTORA1> (Mentor) said guiding their senior felt heavy"
	list("admin flags", []string{contact, "Mark as handled"}, []string{heavy})
	list("admin flags all", []string{contact, heavy, "Handled by <@UADMIN001>", "all (handled ones too)"}, nil)
	list("admin flags burden", []string{"No follow-ups match"}, []string{heavy, contact})
	list("管理 フォローアップ 負担感 すべて", []string{heavy, "burden"}, []string{contact})
	list("admin flags all <@UMENTORA1|Mentor A>", []string{heavy, "about <@UMENTORA1>"}, []string{contact})
	list("admin flags <@UMENTORB1>", []string{contact}, []string{heavy})
	n := len(admin.Seen())
	if _, err := admin.Command(ctx, "admin flags everything"); err != nil {
		t.Fatal(err)
	}
	waitTextAfter(t, admin, n, "`all` (handled ones too), a cause")

	// Handling one from a filtered list keeps the filter.
	n = len(admin.Seen())
	if _, err := admin.Command(ctx, "admin flags contact"); err != nil {
		t.Fatal(err)
	}
	seen := waitTextAfter(t, admin, n, contact)
	if err := admin.Click(ctx, "flag_handle_list", slackfake.InMessage(seen.TS)); err != nil {
		t.Fatal(err)
	}
	waitTextAfter(t, admin, n+1, "asked HR to get in touch", "No follow-ups match")
}

func TestHome_AdminSeesTheCycleTrendAndButtonsThatWork(t *testing.T) {
	t.Parallel()
	h := newHarness(t, withHRChannel())
	h.fake.AddChannel(hrChannel, "hr-reverse-mentoring", adminID)
	admin := h.user(adminID, "HR", "ja-JP")
	h.cohort()
	ctx := ctxT(t)
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	home := waitText(t, admin, "今週の傾向", "負担感", "未対応のフォローアップ：0件", "送信キュー")
	for _, b := range []string{"[マッチング案をつくる]", "[フォローアップを見る]", "[サマリーを投稿]", "[CSVをエクスポート]", "[新しい期を作成]"} {
		if !strings.Contains(home.Text, b) {
			t.Errorf("the admin Home lacks %s:\n%s", b, home.Text)
		}
	}
	if v, _ := admin.Home(); len(v.Blocks.BlockSet) > 100 {
		t.Fatalf("%d blocks", len(v.Blocks.BlockSet))
	}
	if err := admin.Click(ctx, "summary_post", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "人事用チャンネルに送りました")
	h.settle()
	if n := len(h.channelPosts(hrChannel, summaryJA)); n != 1 {
		t.Fatalf("%d summaries from the Home's button", n)
	}
	if err := admin.Click(ctx, "export", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "5件のファイル")
	// A participant's Home has none of it.
	mentor := h.fake.Person("UMENTOR00")
	if err := mentor.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	mhome, err := mentor.WaitSeen(ctx, func(s slackfake.Seen) bool { return s.Kind == "home" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mhome.Text, "ガイドライン") || strings.Contains(mhome.Text, "人事担当の方へ") || strings.Contains(mhome.Text, "サマリーを投稿") {
		t.Fatalf("a participant's Home shows HR's part:\n%s", mhome.Text)
	}
}
