package slackfake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestCommand_EnvelopeHasSlacksShape(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, ackAll)
	p := s.AddUser(slackfake.User{ID: "U0AIKO001", Name: "aiko"})
	if _, err := p.Command(ctxFor(t, 5*time.Second), "join & <now>"); err != nil {
		t.Fatal(err)
	}
	evt := a.waitEvents(t, socketmode.EventTypeSlashCommand, 1)[0]
	if !evt.Request.AcceptsResponsePayload {
		t.Error("accepts_response_payload is false")
	}
	raw := rawPayload(t, evt)
	for k, v := range raw {
		if _, isString := v.(string); !isString {
			t.Errorf("field %s = %#v, want a string as Slack sends", k, v)
		}
	}
	want := map[string]string{
		"command": "/reverse-mentor", "text": "join &amp; &lt;now&gt;", "user_id": "U0AIKO001", "user_name": "aiko",
		"team_id": "T0FAKE", "api_app_id": "A0FAKE", "is_enterprise_install": "false",
		"channel_id": s.DMChannel("U0AIKO001"), "channel_name": "directmessage",
	}
	for k, v := range want {
		if raw[k] != v {
			t.Errorf("%s = %q, want %q", k, raw[k], v)
		}
	}
	cmd := evt.Data.(slack.SlashCommand)
	if cmd.TriggerID == "" || !strings.HasPrefix(cmd.ResponseURL, strings.TrimSuffix(s.APIURL(), "api/")) {
		t.Errorf("trigger_id %q, response_url %q", cmd.TriggerID, cmd.ResponseURL)
	}
}

func TestCommand_AckPayloadIsShownToThePerson(t *testing.T) {
	tests := []struct {
		name     string
		payload  any
		wantKind string
		wantText string
	}{
		{"text is ephemeral", map[string]any{"text": "Hello!"}, "ephemeral", "Hello!"},
		{"in_channel is a message", map[string]any{"text": "Everyone!", "response_type": "in_channel"}, "message", "Everyone!"},
		{"blocks are rendered", slack.Msg{Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewHeaderBlock(plain("Help")),
			slack.NewActionBlock("", slack.NewButtonBlockElement("join", "j", plain("Join"))),
		}}}, "ephemeral", "# Help\n[Join]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			startApp(t, s, func(a *testApp, evt socketmode.Event) {
				if evt.Type == socketmode.EventTypeSlashCommand {
					_ = a.SM.Ack(*evt.Request, tt.payload)
				}
			})
			p := s.AddUser(slackfake.User{Name: "ken"})
			reply, err := p.Command(ctxFor(t, 5*time.Second), "help")
			if err != nil {
				t.Fatal(err)
			}
			if len(reply.AckPayload) == 0 {
				t.Error("ack payload not returned")
			}
			seen := p.Seen()
			if len(seen) != 1 || seen[0].Kind != tt.wantKind || seen[0].Text != tt.wantText {
				t.Fatalf("seen = %+v", seen)
			}
			msgs := p.Messages()
			if len(msgs) != 1 || msgs[0].Ephemeral != (tt.wantKind == "ephemeral") {
				t.Errorf("messages = %+v", msgs)
			}
		})
	}
}

func TestCommand_UnackedCommandShowsOperationTimeout(t *testing.T) {
	s := newFake(t, slackfake.Options{AckTimeout: 150 * time.Millisecond})
	startApp(t, s, nil)
	p := s.AddUser(slackfake.User{Name: "mei"})
	_, err := p.Command(ctxFor(t, 5*time.Second), "status")
	if !errors.Is(err, slackfake.ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", err)
	}
	seen := p.Seen()
	want := `/reverse-mentor failed with the error "operation_timeout"`
	if len(seen) != 1 || seen[0].Kind != "error" || seen[0].Text != want {
		t.Errorf("seen = %+v", seen)
	}
}

func TestCommand_ManyConcurrentCommandsAreAllAcked(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Request != nil && evt.Type == socketmode.EventTypeSlashCommand {
			req := *evt.Request
			go func() { _ = a.SM.Ack(req, map[string]any{"text": "ok"}) }()
		}
	})
	const n = 200
	people := make([]*slackfake.Person, n)
	for i := range people {
		people[i] = s.AddUser(slackfake.User{Name: fmt.Sprintf("user%03d", i)})
	}
	ctx := ctxFor(t, 20*time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, p := range people {
		wg.Go(func() {
			if _, err := p.Command(ctx, "status"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(s.Acks()); got != n {
		t.Errorf("acks = %d, want %d", got, n)
	}
	for _, p := range people {
		if seen := p.Seen(); len(seen) != 1 || seen[0].Text != "ok" {
			t.Fatalf("%s saw %+v", p.ID(), seen)
		}
	}
}

func TestCommand_InChannelTheBotIsNotIn(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	var got slack.SlashCommand
	a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			got = evt.Data.(slack.SlashCommand)
			_ = a.SM.Ack(*evt.Request)
		}
	})
	p := s.AddUser(slackfake.User{Name: "jun"})
	if _, err := p.CommandIn(ctxFor(t, 5*time.Second), "CRANDOM01", "help"); err != nil {
		t.Fatal(err)
	}
	if got.ChannelID != "CRANDOM01" {
		t.Errorf("channel_id = %q", got.ChannelID)
	}
	_, err := a.API.PostEphemeral("CRANDOM01", p.ID(), slack.MsgOptionText("hi", false))
	if slackErr(err) != "not_in_channel" {
		t.Errorf("postEphemeral err = %v, want not_in_channel", err)
	}
	// The response_url still works there.
	if _, _, err := a.API.PostMessage("", slack.MsgOptionResponseURL(got.ResponseURL, slack.ResponseTypeEphemeral), slack.MsgOptionText("via response_url", false)); err != nil {
		t.Fatalf("response_url: %v", err)
	}
	if seen := p.Seen(); len(seen) != 1 || seen[0].Kind != "ephemeral" || seen[0].Channel != "CRANDOM01" {
		t.Errorf("seen = %+v", seen)
	}
}

func TestResponseURL(t *testing.T) {
	tests := []struct {
		name     string
		opts     []slack.MsgOption
		wantKind string
	}{
		{"ephemeral by default", []slack.MsgOption{slack.MsgOptionText("just you", false)}, "ephemeral"},
		{"in_channel", []slack.MsgOption{slack.MsgOptionText("everyone", false)}, "message"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			urls := make(chan string, 1)
			a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
				if evt.Type == socketmode.EventTypeSlashCommand {
					urls <- evt.Data.(slack.SlashCommand).ResponseURL
					_ = a.SM.Ack(*evt.Request)
				}
			})
			p := s.AddUser(slackfake.User{Name: "nao"})
			if _, err := p.Command(ctxFor(t, 5*time.Second), "status"); err != nil {
				t.Fatal(err)
			}
			u := <-urls
			rt := slack.ResponseTypeEphemeral
			if i == 1 {
				rt = slack.ResponseTypeInChannel
			}
			opts := append([]slack.MsgOption{slack.MsgOptionResponseURL(u, rt)}, tt.opts...)
			if _, _, err := a.API.PostMessageContext(context.Background(), "", opts...); err != nil {
				t.Fatal(err)
			}
			seen, err := p.WaitSeen(ctxFor(t, 5*time.Second), func(x slackfake.Seen) bool { return x.Kind == tt.wantKind })
			if err != nil {
				t.Fatal(err)
			}
			if seen.Channel != s.DMChannel(p.ID()) {
				t.Errorf("channel = %q", seen.Channel)
			}
			// A response_url takes five uses in all.
			for range 4 {
				if _, _, err := a.API.PostMessage("", slack.MsgOptionResponseURL(u, rt), slack.MsgOptionText("again", false)); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := a.API.PostMessage("", slack.MsgOptionResponseURL(u, rt), slack.MsgOptionText("sixth", false)); err == nil {
				t.Error("sixth use of a response_url succeeded")
			}
			if calls := s.Calls("response_url"); len(calls) != 6 {
				t.Errorf("response_url calls = %d", len(calls))
			}
		})
	}
}

func TestResponseURL_ExpiresAfter30MinutesOnTheClock(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		wantErr string
	}{
		{"at 30 minutes", 30 * time.Minute, ""},
		{"after 30 minutes", 30*time.Minute + time.Second, "expired_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTestClock()
			s := newFake(t, slackfake.Options{Clock: clock})
			urls := make(chan string, 1)
			a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
				if evt.Type == socketmode.EventTypeSlashCommand {
					urls <- evt.Data.(slack.SlashCommand).ResponseURL
					_ = a.SM.Ack(*evt.Request)
				}
			})
			p := s.AddUser(slackfake.User{Name: "nao"})
			if _, err := p.Command(ctxFor(t, 5*time.Second), "status"); err != nil {
				t.Fatal(err)
			}
			u := <-urls
			clock.Advance(tt.advance)
			_, _, err := a.API.PostMessage("", slack.MsgOptionResponseURL(u, slack.ResponseTypeEphemeral), slack.MsgOptionText("late", false))
			calls := s.Calls("response_url")
			if got := calls[len(calls)-1].Error; got != tt.wantErr || (err == nil) != (tt.wantErr == "") {
				t.Errorf("error %q (%v), want %q", got, err, tt.wantErr)
			}
		})
	}
}
