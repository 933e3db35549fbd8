package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestJoin_OptInThroughModalSavesProfileAndConfirms(t *testing.T) {
	h := newHarness(t)
	h.user("UBOSS0001", "Tanaka Hiroshi", "ja-JP")
	aoi := h.user("UAOI00001", "Sato Aoi", "ja-JP")
	ctx := ctxT(t)

	reply, err := aoi.Command(ctx, "join")
	if err != nil {
		t.Fatal(err)
	}
	if len(reply.AckPayload) > 0 && string(reply.AckPayload) != "null" {
		t.Errorf("slash command ack should be empty, got %s", reply.AckPayload)
	}
	view, err := aoi.WaitModal(ctx, "join")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title == nil || view.Title.Text != "リバースメンタリングに参加" {
		t.Fatalf("modal title = %+v", view.Title)
	}
	values := validJoin("mentor", "マーケティング部", "UBOSS0001")
	values["free_topics"] = "TikTok 😄 と\u200dショート動画"
	values["languages"] = []string{"ja", "en"}
	values["capacity"] = "2"
	if view.Submit == nil || view.Submit.Text != "次へ" {
		t.Fatalf("a first opt-in's first page submits with %+v", view.Submit)
	}
	sub, err := aoi.Submit(ctx, values)
	if err != nil {
		t.Fatal(err)
	}
	// A first opt-in goes on to the self-rating page, built from the role chosen. The
	// person has joined already, so closing the page would lose nothing.
	rating, open := aoi.Modal()
	if sub.ResponseAction != "update" || !open || rating.CallbackID != "join_rating" || rating.Title.Text != "最後にひとつだけ" {
		t.Fatalf("after the first page: %q, modal %q open %v", sub.ResponseAction, rating.CallbackID, open)
	}
	if got := ratingBlocks(rating); len(got) != 1 || got[0] != "rating_lead" {
		t.Fatalf("a mentor rates %v, want their confidence in leading a senior", got)
	}
	waitText(t, aoi, "ようこそ", "Sato Aoiさん", "メンター")
	// The answer is checked on the server too: a rating Slack's client would not send
	// comes back inline.
	raw, err := aoi.SubmitRaw(ctx, rating, json.RawMessage(`{"rating_lead":{"rating_lead":{"type":"radio_buttons","selected_option":{"value":"9"}}}}`))
	if err != nil || raw.ResponseAction != "errors" || !strings.Contains(raw.Errors["rating_lead"], "1〜5") {
		t.Fatalf("a rating of 9: %+v, %v", raw, err)
	}
	sub, err = aoi.Submit(ctx, slackfake.Values{"rating_lead": "2"})
	if err != nil || len(sub.Errors) > 0 {
		t.Fatalf("rating page: %+v, %v", sub, err)
	}
	if _, open := aoi.Modal(); open {
		t.Error("modal should close after a valid submission")
	}
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := selfRatings(t, h.conf.Database.Path, "UAOI00001", "start"); len(got) != 1 || got["lead"] != 2 {
		t.Fatalf("start ratings %v", got)
	}
	if n := h.posted("UAOI00001", "ようこそ"); n != 1 {
		t.Fatalf("%d welcomes", n)
	}

	p, err := h.db.Participant(ctx, "UAOI00001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Role != mentoring.RoleMentor || p.Department != "マーケティング部" || p.ManagerID != "UBOSS0001" ||
		p.Capacity != 2 || !p.Consent || p.Cadence != mentoring.CadenceBiweekly || len(p.Languages) != 2 ||
		p.TZ != "Asia/Tokyo" || p.DisplayName != "Sato Aoi" || !strings.Contains(p.FreeTopics, "TikTok") {
		t.Fatalf("stored participant = %+v", p)
	}
	home, err := aoi.WaitSeen(ctx, func(s slackfake.Seen) bool { return s.Kind == "home" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(home.Text, "マーケティング部") {
		t.Errorf("home does not show the profile:\n%s", home.Text)
	}
}

func TestJoin_InvalidValuesComeBackInlineAndNothingIsSaved(t *testing.T) {
	tests := []struct {
		name   string
		change func(slackfake.Values)
		field  string
		want   string
	}{
		{"manager is self", func(v slackfake.Values) { v["manager"] = "UBEN00001" }, "manager", "ご自身は上司に選べません"},
		{"department only spaces", func(v slackfake.Values) { v["department"] = " \u3000 \t" }, "department", "所属部署を入力してください"},
		{"no topics at all", func(v slackfake.Values) { delete(v, "topics") }, "topics", "テーマを1つ以上"},
		{"department of control characters", func(v slackfake.Values) { v["department"] = "\u200b\u200b" }, "department", "所属部署を入力してください"},
	}
	h := newHarness(t)
	ben := h.user("UBEN00001", "Ben", "ja-JP")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			if _, err := ben.Command(ctx, "join"); err != nil {
				t.Fatal(err)
			}
			if _, err := ben.WaitModal(ctx, "join"); err != nil {
				t.Fatal(err)
			}
			v := validJoin("mentee", "Sales", "")
			tt.change(v)
			sub, err := ben.Submit(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			if sub.ResponseAction != "errors" || !strings.Contains(sub.Errors[tt.field], tt.want) {
				t.Fatalf("errors = %v (action %q), want %s: %q", sub.Errors, sub.ResponseAction, tt.field, tt.want)
			}
			if _, open := ben.Modal(); !open {
				t.Fatal("modal should stay open to fix the value")
			}
			if _, err := h.db.Participant(ctx, "UBEN00001"); !errors.Is(err, mentoring.ErrNotFound) {
				t.Fatalf("nothing should be saved, got err=%v", err)
			}
			if err := ben.Cancel(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestJoin_AgainOpensPrefilledFormAndUpdates(t *testing.T) {
	h := newHarness(t)
	emma := h.user("UEMMA0001", "Emma", "en-US")
	ctx := ctxT(t)
	if _, err := emma.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	view, err := emma.WaitModal(ctx, "join")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "Join reverse mentoring" {
		t.Fatalf("an en-US user should get English, title %q", view.Title.Text)
	}
	v := validJoin("mentee", "Finance", "")
	v["languages"] = []string{"en"}
	optIn(t, emma, v, "4")
	waitText(t, emma, "Welcome aboard", "mentee")
	if err := h.app.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := selfRatings(t, h.conf.Database.Path, "UEMMA0001", "start"); len(got) != 2 || got["genai"] != 4 || got["slack"] != 4 {
		t.Fatalf("a mentee rates each topic they chose: %v", got)
	}

	if _, err := emma.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	view, err = emma.WaitModal(ctx, "join")
	if err != nil {
		t.Fatal(err)
	}
	if view.Title.Text != "Edit your profile" {
		t.Fatalf("title = %q", view.Title.Text)
	}
	// Change only the cadence; everything else stays as prefilled. An edit is one page.
	if sub, err := emma.Submit(ctx, slackfake.Values{"cadence": "monthly"}); err != nil || sub.ResponseAction != "" {
		t.Fatalf("edit: %+v, %v", sub, err)
	}
	waitText(t, emma, "Your profile is updated")
	p, err := h.db.Participant(ctx, "UEMMA0001")
	if err != nil {
		t.Fatal(err)
	}
	if p.Cadence != mentoring.CadenceMonthly || p.Department != "Finance" || p.Role != mentoring.RoleMentee ||
		len(p.Topics) != 2 || !p.Consent {
		t.Fatalf("after edit: %+v", p)
	}
}

func TestJoin_ExpiredTriggerOffersAButton(t *testing.T) {
	// The first draft lookup holds until the test has moved the shared clock past the
	// trigger's 3 seconds: the fake measures trigger life on that clock.
	slow := &slowProgramme{delays: 1, entered: make(chan struct{}), release: make(chan struct{})}
	h := newHarness(t, withProgramme(func(p botProgramme) botProgramme { slow.botProgramme = p; return slow }))
	kai := h.user("UKAI00001", "Kai", "ja-JP")
	ctx := ctxT(t)
	if _, err := kai.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-slow.entered:
	case <-ctx.Done():
		t.Fatal("the draft lookup never started")
	}
	h.clock.Advance(3*time.Second + time.Millisecond)
	close(slow.release)
	waitText(t, kai, "時間内に開けませんでした")
	if err := kai.Click(ctx, "open_join"); err != nil {
		t.Fatal(err)
	}
	if _, err := kai.WaitModal(ctx, "join"); err != nil {
		t.Fatalf("the button should open the form: %v", err)
	}
}

func TestJoin_SaveFailureKeepsWhatWasTyped(t *testing.T) {
	h := newHarness(t, withProgramme(func(p botProgramme) botProgramme { return &failingJoin{botProgramme: p} }))
	mei := h.user("UMEI00001", "Mei", "ja-JP")
	ctx := ctxT(t)
	if _, err := mei.Command(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	if _, err := mei.WaitModal(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	v := validJoin("mentor", "営業部", "")
	v["free_topics"] = "忘れてほしくない自由記述"
	// The first opt-in cannot be saved: the modal says so instead of going on to the
	// rating page, and the answers come back by DM.
	sub, err := mei.Submit(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	if m, open := mei.Modal(); sub.ResponseAction != "update" || !open || m.CallbackID != "" ||
		!strings.Contains(slackfake.BlocksText(m.Blocks), "保存できませんでした") {
		t.Fatalf("after a failed save the modal shows %q (%q)", m.CallbackID, slackfake.BlocksText(m.Blocks))
	}
	waitText(t, mei, "保存できませんでした", "忘れてほしくない自由記述", "営業部")
	_ = context.Background()
}
