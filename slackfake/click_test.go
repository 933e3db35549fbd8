package slackfake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

// clickApp records block_actions and acks everything.
func clickApp(t *testing.T, s *slackfake.Server) (*testApp, func() (slack.InteractionCallback, map[string]any)) {
	a := startApp(t, s, ackAll)
	last := func() (slack.InteractionCallback, map[string]any) {
		evs := a.waitEvents(t, socketmode.EventTypeInteractive, 1)
		e := evs[len(evs)-1]
		return e.Data.(slack.InteractionCallback), rawPayload(t, e)
	}
	return a, last
}

func TestClick_ButtonInMessage(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a, last := clickApp(t, s)
	p := s.AddUser(slackfake.User{Name: "aiko"})
	_, ts, err := a.API.PostMessage(p.ID(), slack.MsgOptionText("Check in?", false), slack.MsgOptionBlocks(
		slack.NewSectionBlock(mrkdwn("How did it go?"), nil, nil),
		slack.NewActionBlock("checkin", slack.NewButtonBlockElement("checkin_open", "pair-42", plain("Check in")).WithStyle(slack.StylePrimary)),
	))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Click(ctxFor(t, 5*time.Second), "checkin_open"); err != nil {
		t.Fatal(err)
	}
	cb, raw := last()
	if cb.Type != slack.InteractionTypeBlockActions || cb.TriggerID == "" || cb.User.ID != p.ID() {
		t.Errorf("callback = %+v", cb)
	}
	act := cb.ActionCallback.BlockActions[0]
	if act.ActionID != "checkin_open" || act.BlockID != "checkin" || act.Value != "pair-42" || act.Type != "button" || act.ActionTs == "" || act.Text.Text != "Check in" {
		t.Errorf("action = %+v", act)
	}
	if cb.Container.Type != "message" || cb.Container.MessageTs != ts || cb.Container.ChannelID != s.DMChannel(p.ID()) || cb.Container.IsEphemeral {
		t.Errorf("container = %+v", cb.Container)
	}
	if cb.Message.Timestamp != ts || cb.Message.BotID != "B0FAKE" || cb.Channel.ID != s.DMChannel(p.ID()) {
		t.Errorf("message = %+v, channel %+v", cb.Message.Msg, cb.Channel)
	}
	if _, hasState := raw["state"]; !hasState || cb.ResponseURL == "" {
		t.Error("no state or response_url")
	}

	// replace_original through the response_url updates the message in place.
	if _, _, err := a.API.PostMessage("", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Thanks!", false)); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages(p.ID())
	if len(msgs) != 1 || msgs[0].Text != "Thanks!" || !msgs[0].Edited || msgs[0].Blocks.BlockSet != nil {
		t.Errorf("messages = %+v", msgs)
	}
	if seen := p.Seen(); seen[len(seen)-1].Kind != "message_update" {
		t.Errorf("last seen = %+v", seen[len(seen)-1])
	}
}

func TestClick_FindsTheElementWhereSlackShowsIt(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a, last := clickApp(t, s)
	p := s.AddUser(slackfake.User{Name: "ken"})
	api := a.API
	button := func(value string) slack.MsgOption {
		return slack.MsgOptionBlocks(slack.NewActionBlock("", slack.NewButtonBlockElement("pick", value, plain("Pick"))))
	}
	_, oldTS, _ := api.PostMessage(p.ID(), slack.MsgOptionText("old", false), button("old"))
	if _, _, err := api.PostMessage(p.ID(), slack.MsgOptionText("new", false), button("new")); err != nil {
		t.Fatal(err)
	}
	mood := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Mood"), "mood", opt("😀", "5"), opt("😐", "3"))
	if _, err := api.PublishView(p.ID(), slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewActionBlock("home_actions", slack.NewButtonBlockElement("pick", "home", plain("Pick")), mood),
	}}}, ""); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		actionID  string
		opts      []slackfake.ClickOption
		wantValue string
		wantView  string
	}{
		{"home before messages", "pick", nil, "home", "home"},
		{"newest message", "pick", []slackfake.ClickOption{slackfake.InMessage("")}, "new", ""},
		{"given message", "pick", []slackfake.ClickOption{slackfake.InMessage(oldTS)}, "old", ""},
		{"tampered value", "pick", []slackfake.ClickOption{slackfake.OnHome(), slackfake.WithValue("forged")}, "forged", "home"},
		{"select option", "mood", []slackfake.ClickOption{slackfake.SelectOption("3")}, "3", "home"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.Click(ctxFor(t, 5*time.Second), tt.actionID, tt.opts...); err != nil {
				t.Fatal(err)
			}
			a.waitEvents(t, socketmode.EventTypeInteractive, i+1)
			cb, _ := last()
			act := cb.ActionCallback.BlockActions[0]
			got := act.Value
			if act.Type == "static_select" {
				got = act.SelectedOption.Value
			}
			if got != tt.wantValue || string(cb.View.Type) != tt.wantView {
				t.Errorf("value %q in view %q, want %q in %q", got, cb.View.Type, tt.wantValue, tt.wantView)
			}
			if tt.wantView != "" && (cb.Container.Type != "view" || cb.Container.ViewID != cb.View.ID) {
				t.Errorf("container = %+v", cb.Container)
			}
		})
	}
	err := p.Click(ctxFor(t, time.Second), "mood", slackfake.SelectOption("9"))
	if err == nil || !strings.Contains(err.Error(), "not one of the options") {
		t.Errorf("selecting a missing option: %v", err)
	}
	if err := p.Click(ctxFor(t, time.Second), "nowhere"); err == nil {
		t.Error("click on a missing element succeeded")
	}
}

func TestClick_SelectInModalUpdatesItsState(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	modal := formModal()
	modal.Blocks.BlockSet = append(modal.Blocks.BlockSet, slack.NewActionBlock("more",
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Cadence"), "cadence", opt("Weekly", "weekly"), opt("Monthly", "monthly"))))
	app := startModalApp(t, s, modal, nil)
	p := s.AddUser(slackfake.User{Name: "mei"})
	openForm(t, s, p)
	if err := p.Click(ctxFor(t, 5*time.Second), "cadence", slackfake.SelectOption("monthly")); err != nil {
		t.Fatal(err)
	}
	cb, _ := app.last(t, slack.InteractionTypeBlockActions)
	act := cb.ActionCallback.BlockActions[0]
	if act.SelectedOption.Value != "monthly" || act.SelectedOption.Text.Text != "Monthly" || cb.Container.Type != "view" {
		t.Errorf("action = %+v, container %+v", act, cb.Container)
	}
	if got := cb.View.State.Values["more"]["cadence"].SelectedOption.Value; got != "monthly" {
		t.Errorf("view state cadence = %q", got)
	}
}

func TestClick_UnackedShowsTrouble(t *testing.T) {
	s := newFake(t, slackfake.Options{AckTimeout: 100 * time.Millisecond})
	a := startApp(t, s, nil)
	p := s.AddUser(slackfake.User{Name: "jun"})
	if _, _, err := a.API.PostMessage(p.ID(), slack.MsgOptionBlocks(slack.NewActionBlock("", slack.NewButtonBlockElement("go", "", plain("Go"))))); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(ctxFor(t, 5*time.Second), "go"); err == nil {
		t.Fatal("unacked click succeeded")
	}
	if seen := p.Seen(); seen[len(seen)-1].Kind != "error" {
		t.Errorf("seen = %+v", seen)
	}
}
