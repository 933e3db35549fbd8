package slackfake_test

import (
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
		"message in group DM",
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
