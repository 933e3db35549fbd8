package slackfake_test

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func simpleModal(callbackID, title string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain(title), Submit: plain("Save"), Close: plain("Cancel"),
		CallbackID: callbackID,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock("note", plain("Note"), nil, slack.NewPlainTextInputBlockElement(nil, "note_text")),
		}},
	}
}

// triggerFor has p type a command and returns the trigger_id the app got.
func triggerFor(t *testing.T, s *slackfake.Server, p *slackfake.Person) string {
	t.Helper()
	triggers := make(chan string, 1)
	a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			triggers <- evt.Data.(slack.SlashCommand).TriggerID
			_ = a.SM.Ack(*evt.Request)
		}
	})
	if _, err := p.Command(ctxFor(t, 5*time.Second), "join"); err != nil {
		t.Fatal(err)
	}
	a.stop()
	return <-triggers
}

func TestViewsOpen_TriggerIDRules(t *testing.T) {
	tests := []struct {
		name    string
		trigger func(valid string) string
		before  func(api *slack.Client, valid string)
		advance time.Duration // on the simulated clock, between the command and views.open
		wantErr string
	}{
		{name: "fresh trigger", trigger: func(v string) string { return v }},
		{name: "trigger at the end of its 3 s", trigger: func(v string) string { return v }, advance: 3 * time.Second},
		{name: "unknown trigger", trigger: func(string) string { return "123.456.abcdef" }, wantErr: "invalid_trigger_id"},
		{name: "expired trigger", trigger: func(v string) string { return v }, advance: 3*time.Second + time.Millisecond, wantErr: "expired_trigger_id"},
		{name: "trigger used twice", trigger: func(v string) string { return v },
			before:  func(api *slack.Client, v string) { _, _ = api.OpenView(v, simpleModal("first", "First")) },
			wantErr: "exchanged_trigger_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTestClock()
			s := newFake(t, slackfake.Options{Clock: clock})
			p := s.AddUser(slackfake.User{Name: "aiko"})
			valid := triggerFor(t, s, p)
			api := apiFor(s)
			if tt.before != nil {
				tt.before(api, valid)
			}
			clock.Advance(tt.advance)
			resp, err := api.OpenView(tt.trigger(valid), simpleModal("join", "Join"))
			if got := slackErr(err); got != tt.wantErr {
				t.Fatalf("error = %q, want %q", got, tt.wantErr)
			}
			if tt.wantErr != "" {
				return
			}
			if resp.View.ID == "" || resp.View.Hash == "" || resp.View.RootViewID != resp.View.ID || resp.View.AppID != "A0FAKE" || resp.View.BotID != "B0FAKE" {
				t.Errorf("view = %+v", resp.View)
			}
			m, open := p.Modal()
			if !open || m.CallbackID != "join" || m.ID != resp.View.ID {
				t.Errorf("modal = %+v, %v", m, open)
			}
			seen := p.Seen()
			if seen[len(seen)-1].Kind != "modal_open" || seen[len(seen)-1].Text != "▣ Join\n«Note: …»\n[Cancel] [Save]" {
				t.Errorf("seen = %+v", seen[len(seen)-1])
			}
		})
	}
}

func TestViewsOpen_TriggerExpiresOnTheWallClockWithoutAClock(t *testing.T) {
	s := newFake(t, slackfake.Options{TriggerTTL: 50 * time.Millisecond})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	valid := triggerFor(t, s, p)
	// Without Options.Clock a trigger ages in real time: this sleep is what is measured.
	time.Sleep(100 * time.Millisecond)
	if _, err := apiFor(s).OpenView(valid, simpleModal("join", "Join")); slackErr(err) != "expired_trigger_id" {
		t.Fatalf("err = %v, want expired_trigger_id", err)
	}
}

func TestViews_PushLimitAndUpdateHash(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "ken"})
	triggers := make(chan string, 8)
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			triggers <- evt.Data.(slack.SlashCommand).TriggerID
			_ = a.SM.Ack(*evt.Request)
		}
	})
	api := apiFor(s)
	next := func() string {
		if _, err := p.Command(ctxFor(t, 5*time.Second), "x"); err != nil {
			t.Fatal(err)
		}
		return <-triggers
	}
	if _, err := api.PushView(next(), simpleModal("p", "Pushed")); slackErr(err) != "not_found" {
		t.Errorf("push without a modal: %v", err)
	}
	root, err := api.OpenView(next(), simpleModal("root", "Root"))
	if err != nil {
		t.Fatal(err)
	}
	var top *slack.ViewResponse
	for i := range 2 {
		if top, err = api.PushView(next(), simpleModal("pushed", "Pushed")); err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
	}
	if top.View.RootViewID != root.View.ID || top.View.PreviousViewID == "" {
		t.Errorf("pushed view root %q previous %q", top.View.RootViewID, top.View.PreviousViewID)
	}
	if _, err := api.PushView(next(), simpleModal("p", "Pushed")); slackErr(err) != "push_limit_reached" {
		t.Errorf("fourth modal: %v, want push_limit_reached", err)
	}

	if _, err := api.UpdateView(simpleModal("root", "Renamed"), "", "stale.hash", root.View.ID); slackErr(err) != "hash_conflict" {
		t.Errorf("stale hash: %v, want hash_conflict", err)
	}
	upd, err := api.UpdateView(simpleModal("root", "Renamed"), "", root.View.Hash, root.View.ID)
	if err != nil {
		t.Fatal(err)
	}
	if upd.View.ID != root.View.ID || upd.View.Hash == root.View.Hash || upd.View.Title.Text != "Renamed" {
		t.Errorf("updated view = %+v", upd.View)
	}
	ext := simpleModal("root", "By external ID")
	ext.ExternalID = "cycle-7-join"
	if _, err := api.UpdateView(ext, "", "", root.View.ID); err != nil {
		t.Fatal(err)
	}
	if byExt, err := api.UpdateView(simpleModal("root", "Again"), "cycle-7-join", "", ""); err != nil || byExt.View.ID != root.View.ID {
		t.Errorf("update by external_id: %v, %+v", err, byExt)
	}
	if _, err := api.UpdateView(simpleModal("x", "X"), "", "", "VNOSUCHVIEW"); slackErr(err) != "not_found" {
		t.Errorf("update of an unknown view: %v", err)
	}
}

func TestViewsPublish_Home(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "mei"})
	api := apiFor(s)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(mrkdwn("*Welcome*"), nil, slack.NewAccessory(slack.NewButtonBlockElement("join", "", plain("Join")))),
	}}}
	first, err := api.PublishView(p.ID(), home, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishView(p.ID(), home, "stale"); slackErr(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	if _, err := api.PublishView(p.ID(), home, first.View.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PublishView("UNOBODY", home, ""); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	h, ok := p.Home()
	if !ok || h.Type != slack.VTHomeTab || h.ID != first.View.ID {
		t.Errorf("home = %+v", h)
	}
	seen := p.Seen()
	if len(seen) != 2 || seen[1].Kind != "home" || seen[1].Text != "*Welcome*  [Join]" {
		t.Errorf("seen = %+v", seen)
	}
}

func TestOpenHome_SendsAppHomeOpened(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, ackAll)
	p := s.AddUser(slackfake.User{Name: "sora"})
	if err := p.OpenHome(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	evt := a.waitEvents(t, socketmode.EventTypeEventsAPI, 1)[0]
	inner := rawPayload(t, evt)["event"].(map[string]any)
	if inner["type"] != "app_home_opened" || inner["user"] != p.ID() || inner["tab"] != "home" || inner["channel"] != s.DMChannel(p.ID()) {
		t.Errorf("event = %v", inner)
	}
}
