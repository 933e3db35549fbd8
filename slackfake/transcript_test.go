package slackfake_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestBlocksText(t *testing.T) {
	tests := []struct {
		name   string
		blocks []slack.Block
		want   string
	}{
		{"header", []slack.Block{slack.NewHeaderBlock(plain("Weekly summary"))}, "# Weekly summary"},
		{"section with button", []slack.Block{slack.NewSectionBlock(mrkdwn("*Pair:* Aiko & Ken"), nil,
			slack.NewAccessory(slack.NewButtonBlockElement("open", "", plain("Open"))))}, "*Pair:* Aiko & Ken  [Open]"},
		{"fields", []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{mrkdwn("Joined: 12"), mrkdwn("Active: 9")}, nil)}, "Joined: 12\nActive: 9"},
		{"context", []slack.Block{slack.NewContextBlock("", mrkdwn("Cycle 3"), plain("fewer than 5"))}, "Cycle 3 · fewer than 5"},
		{"actions", []slack.Block{slack.NewActionBlock("",
			slack.NewButtonBlockElement("a", "", plain("Approve")),
			slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Cadence"), "c", opt("Weekly", "w")),
			slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Pick a manager"), "u"),
			slack.NewDatePickerBlockElement("d"),
		)}, "[Approve] [Cadence ▾] [Pick a manager ▾] [📅 …]"},
		{"inputs", []slack.Block{
			slack.NewInputBlock("", plain("Department"), nil, slack.NewPlainTextInputBlockElement(nil, "d")),
			input("", "Note", true, slack.NewPlainTextInputBlockElement(plain("Anything else?"), "n")),
		}, "«Department: …»\n«Note (optional): Anything else?»"},
		{"preset inputs", []slack.Block{
			input("", "Cadence", false, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "c", opt("Weekly", "w")).WithInitialOption(opt("Weekly", "w"))),
			input("", "Manager", false, &slack.SelectBlockElement{Type: slack.OptTypeUser, ActionID: "m", InitialUser: "U0BOSS001"}),
			input("", "Start", false, &slack.DatePickerBlockElement{Type: slack.METDatepicker, ActionID: "s", InitialDate: "2026-05-01"}),
		}, "«Cadence: Weekly ▾»\n«Manager: <@U0BOSS001> ▾»\n«Start: 📅 2026-05-01»"},
		{"choices", []slack.Block{
			input("", "Role", false, &slack.RadioButtonsBlockElement{Type: slack.METRadioButtons, ActionID: "r",
				Options: []*slack.OptionBlockObject{opt("Mentor", "mentor"), opt("Mentee", "mentee")}, InitialOption: opt("Mentee", "mentee")}),
			input("", "Languages", false, &slack.CheckboxGroupsBlockElement{Type: slack.METCheckboxGroups, ActionID: "l",
				Options: []*slack.OptionBlockObject{opt("日本語", "ja"), opt("English", "en")}, InitialOptions: []*slack.OptionBlockObject{opt("日本語", "ja")}}),
		}, "«Role: ( ) Mentor (•) Mentee»\n«Languages: ☑ 日本語 ☐ English»"},
		{"divider", []slack.Block{slack.NewSectionBlock(mrkdwn("a"), nil, nil), slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("b"), nil, nil)}, "a\n───\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackfake.BlocksText(slack.Blocks{BlockSet: tt.blocks}); got != tt.want {
				t.Errorf("BlocksText = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTranscript(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = a.SM.Ack(*evt.Request, map[string]any{"text": "Use `/reverse-mentor join` to take part."})
		}
	})
	aiko := s.AddUser(slackfake.User{Name: "aiko", RealName: "Aiko Tanaka"})
	ken := s.AddUser(slackfake.User{Name: "ken", RealName: "Ken Mori"})
	api := apiFor(s)
	if _, err := aiko.Command(ctxFor(t, 5*time.Second), "help"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage(s.DMChannel(aiko.ID(), ken.ID()), slack.MsgOptionBlocks(
		slack.NewHeaderBlock(plain("Meet your pair")),
		slack.NewSectionBlock(mrkdwn("Aiko will guide Ken"), nil, nil),
	), slack.MsgOptionText("Meet your pair", false)); err != nil {
		t.Fatal(err)
	}

	var all, one strings.Builder
	s.Transcript(&all)
	s.Transcript(&one, ken.ID())
	for _, want := range []string{
		"=== Aiko Tanaka (" + aiko.ID() + ") ===",
		"> /reverse-mentor help",
		"ephemeral in DM",
		"      Use `/reverse-mentor join` to take part.",
		"message in group DM with Aiko Tanaka, Ken Mori",
		"      # Meet your pair",
		"      Aiko will guide Ken",
		"=== Ken Mori (" + ken.ID() + ") ===",
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, all.String())
		}
	}
	if strings.Contains(one.String(), "Aiko Tanaka (") || !strings.Contains(one.String(), "# Meet your pair") {
		t.Errorf("transcript of Ken:\n%s", one.String())
	}
}

// playScene has two people and the app do a fixed sequence of things over simulated
// time and returns the fake's entries.
func playScene(t *testing.T) (*slackfake.Server, []slackfake.Entry) {
	t.Helper()
	clock := newTestClock()
	s := newFake(t, slackfake.Options{Clock: clock})
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			_ = a.SM.Ack(*evt.Request, map[string]any{"text": "Hello <@" + evt.Data.(slack.SlashCommand).UserID + ">"})
			return
		}
		ackAll(a, evt)
	})
	aiko := s.AddUser(slackfake.User{ID: "U0AIKO001", Name: "aiko", RealName: "Aiko Tanaka", TZ: "Asia/Tokyo"})
	ken := s.AddUser(slackfake.User{ID: "U0KEN0001", Name: "ken", RealName: "Ken Mori", TZ: "Europe/London"})
	s.AddChannel("CHR000001", "hr", aiko.ID())
	api := apiFor(s)
	ctx := ctxFor(t, 5*time.Second)
	if _, err := aiko.Command(ctx, "help"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	if _, _, err := api.PostMessage(s.DMChannel(aiko.ID(), ken.ID()), slack.MsgOptionText("Meet your pair", false), slack.MsgOptionBlocks(
		slack.NewHeaderBlock(plain("Meet your pair")),
		slack.NewSectionBlock(mrkdwn("<@U0KEN0001> learns from <@U0AIKO001>"), nil, nil),
	)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessage("CHR000001", slack.MsgOptionText("Weekly summary in <#CHR000001>", false)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := ken.SendDM(ctx, "Thanks!"); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishView(ken.ID(), slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(mrkdwn("Your pair: <@U0AIKO001>"), nil, nil),
	}}}, ""); err != nil {
		t.Fatal(err)
	}
	return s, s.Entries()
}

func TestEntries_OneOrderAcrossPeopleWithoutIDs(t *testing.T) {
	s, entries := playScene(t)
	start := newTestClock().Now()
	type row struct {
		at                              time.Duration
		user, kind, channel, from, text string
	}
	want := []row{
		{0, "U0AIKO001", "action", "", "", "/reverse-mentor help"},
		{0, "U0AIKO001", "ephemeral", "DM", "", "Hello @Aiko Tanaka"},
		{time.Hour, "U0AIKO001", "message", "group DM with Aiko Tanaka, Ken Mori", "", "# Meet your pair\n@Ken Mori learns from @Aiko Tanaka"},
		{time.Hour, "U0KEN0001", "message", "group DM with Aiko Tanaka, Ken Mori", "", "# Meet your pair\n@Ken Mori learns from @Aiko Tanaka"},
		{time.Hour, "U0AIKO001", "message", "#hr", "", "Weekly summary in #hr"},
		{time.Hour + time.Minute, "U0KEN0001", "message", "DM", "Ken Mori", "Thanks!"},
		{time.Hour + time.Minute, "U0KEN0001", "home", "", "", "Your pair: @Aiko Tanaka"},
	}
	var got []row
	for i, e := range entries {
		got = append(got, row{e.SimAt.Sub(start), e.UserID, e.Kind, e.Channel, e.From, e.Text})
		if i > 0 && e.Seq <= entries[i-1].Seq {
			t.Errorf("entry %d has Seq %d after %d", i, e.Seq, entries[i-1].Seq)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%+v\nwant:\n%+v", got, want)
	}
	// Nothing the fake makes up at random shows: channel IDs, message ts, view IDs.
	ids := []string{s.DMChannel("U0AIKO001"), s.DMChannel("U0KEN0001"), s.DMChannel("U0AIKO001", "U0KEN0001"), "CHR000001"}
	for _, ch := range ids {
		for _, m := range s.Messages(ch) {
			ids = append(ids, m.TS)
		}
	}
	if h, ok := s.Person("U0KEN0001").Home(); ok {
		ids = append(ids, h.ID)
	}
	for _, e := range entries {
		for _, id := range ids {
			if strings.Contains(e.Text+e.Channel, id) {
				t.Errorf("entry %+v shows %s", e, id)
			}
		}
	}
}

func TestEntries_SameActionsSameEntries(t *testing.T) {
	strip := func(es []slackfake.Entry) []slackfake.Entry {
		for i := range es {
			es[i].At = time.Time{}
		}
		return es
	}
	_, first := playScene(t)
	_, second := playScene(t)
	if !reflect.DeepEqual(strip(first), strip(second)) {
		t.Errorf("two runs differ:\n%+v\n%+v", first, second)
	}
	var a, b strings.Builder
	for _, e := range first {
		fmt.Fprintln(&a, e.SimAt, e.Name, e.Kind, e.Channel, e.Text)
	}
	for _, e := range second {
		fmt.Fprintln(&b, e.SimAt, e.Name, e.Kind, e.Channel, e.Text)
	}
	if a.String() != b.String() {
		t.Error("timelines differ")
	}
}

func TestTranscript_SimulatedTimeInEachPersonsZone(t *testing.T) {
	s, _ := playScene(t)
	var out strings.Builder
	s.Transcript(&out, "U0KEN0001")
	for _, want := range []string{
		"=== Ken Mori (U0KEN0001) ===",
		"Mon 04-06 02:00  message in group DM with Aiko Tanaka, Ken Mori", // 01:00 UTC in London, summer time
		"Mon 04-06 02:01  message (you) in DM",
		"      Thanks!",
		"Mon 04-06 02:01  home",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
}
