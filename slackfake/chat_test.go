package slackfake_test

import (
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestConversationsOpen_IDsAreStablePerSet(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := s.AddUser(slackfake.User{Name: "a"})
	b := s.AddUser(slackfake.User{Name: "b"})
	c := s.AddUser(slackfake.User{Name: "c"})
	api := apiFor(s)
	open := func(users ...string) string {
		t.Helper()
		ch, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: users})
		if err != nil {
			t.Fatal(err)
		}
		return ch.ID
	}
	tests := []struct {
		name   string
		users  []string
		prefix string
		sameAs []string
	}{
		{"DM", []string{a.ID()}, "D", []string{a.ID()}},
		{"DM with the bot named too", []string{a.ID(), s.BotUserID()}, "D", []string{a.ID()}},
		{"group DM", []string{a.ID(), b.ID()}, "G", []string{b.ID(), a.ID()}},
		{"bigger group DM", []string{a.ID(), b.ID(), c.ID()}, "G", []string{c.ID(), a.ID(), b.ID()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := open(tt.users...)
			if !strings.HasPrefix(id, tt.prefix) {
				t.Errorf("id %q, want prefix %s", id, tt.prefix)
			}
			if again := open(tt.sameAs...); again != id {
				t.Errorf("reopened as %q, first %q", again, id)
			}
			if got := s.DMChannel(tt.users...); got != id {
				t.Errorf("DMChannel = %q, want %q", got, id)
			}
		})
	}
	if open(a.ID()) == open(b.ID()) {
		t.Error("two people share a DM")
	}
	if _, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{"UNOBODY"}}); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
}

func TestPostMessage_ToUserIDLandsInTheDM(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	api := apiFor(s)
	ch, ts, err := api.PostMessage(p.ID(), slack.MsgOptionText("Welcome!", false))
	if err != nil {
		t.Fatal(err)
	}
	if ch != s.DMChannel(p.ID()) || ts == "" {
		t.Errorf("posted to %q at %q", ch, ts)
	}
	msgs := p.Messages()
	if len(msgs) != 1 || msgs[0].Text != "Welcome!" || msgs[0].User != s.BotUserID() || msgs[0].Channel != ch {
		t.Errorf("messages = %+v", msgs)
	}
	if seen := p.Seen(); len(seen) != 1 || seen[0].Kind != "message" || seen[0].Text != "Welcome!" {
		t.Errorf("seen = %+v", seen)
	}
}

func TestPostMessage_Errors(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	api := apiFor(s)
	tests := []struct {
		name    string
		channel string
		opts    []slack.MsgOption
		wantErr string
	}{
		{"unknown channel", "CNOWHERE1", []slack.MsgOption{slack.MsgOptionText("x", false)}, "channel_not_found"},
		{"no text", p.ID(), nil, "no_text"},
		{"text too long", p.ID(), []slack.MsgOption{slack.MsgOptionText(strings.Repeat("x", 40001), false)}, "msg_too_long"},
		{"bad metadata", p.ID(), []slack.MsgOption{slack.MsgOptionText("x", false), slack.MsgOptionMetadata(slack.SlackMetadata{})}, "invalid_metadata_schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessage(tt.channel, tt.opts...)
			if got := slackErr(err); got != tt.wantErr {
				t.Errorf("err = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestPostEphemeral(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	in := s.AddUser(slackfake.User{Name: "in"})
	out := s.AddUser(slackfake.User{Name: "out"})
	s.AddChannel("CHR000001", "hr", in.ID())
	api := apiFor(s)
	tests := []struct {
		name, channel, user, wantErr string
	}{
		{"in the bot's DM", in.ID(), in.ID(), ""},
		{"in a channel of both", "CHR000001", in.ID(), ""},
		{"to someone not in the channel", "CHR000001", out.ID(), "user_not_in_channel"},
		{"in a channel the bot is not in", "CSECRET01", in.ID(), "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.PostEphemeral(tt.channel, tt.user, slack.MsgOptionText("psst", false))
			if got := slackErr(err); got != tt.wantErr {
				t.Errorf("err = %q, want %q", got, tt.wantErr)
			}
		})
	}
	for _, m := range in.Messages() {
		if !m.Ephemeral || m.To != in.ID() {
			t.Errorf("message = %+v", m)
		}
	}
	if n := len(out.Seen()); n != 0 {
		t.Errorf("out saw %d things", n)
	}
	if msgs := s.Messages("CHR000001"); len(msgs) != 1 || !msgs[0].Ephemeral {
		t.Errorf("channel messages = %+v", msgs)
	}
}

func TestChat_UpdateAndDelete(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	api := apiFor(s)
	ch, ts, err := api.PostMessage(p.ID(), slack.MsgOptionText("Mood today?", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage(ch, ts, slack.MsgOptionText("Thanks for answering", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessage(ch, "1.000001", slack.MsgOptionText("x", false)); slackErr(err) != "message_not_found" {
		t.Errorf("update of a missing message: %v", err)
	}
	if _, _, err := api.DeleteMessage(ch, ts); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages(ch)
	if len(msgs) != 1 || msgs[0].Text != "Thanks for answering" || !msgs[0].Edited || !msgs[0].Deleted {
		t.Errorf("messages = %+v", msgs)
	}
	var kinds []string
	for _, x := range p.Seen() {
		kinds = append(kinds, x.Kind)
	}
	if strings.Join(kinds, ",") != "message,message_update,message_delete" {
		t.Errorf("seen kinds = %v", kinds)
	}
}

func TestConversationsHistory_MetadataAndPaging(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	api := apiFor(s)
	var tss []string
	for i := range 5 {
		_, ts, err := api.PostMessage(p.ID(), slack.MsgOptionText("nudge", false), slack.MsgOptionMetadata(slack.SlackMetadata{
			EventType: "outbox_sent", EventPayload: map[string]any{"key": "k" + string(rune('0'+i))},
		}))
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	ch := s.DMChannel(p.ID())
	var got []slack.Message
	cursor := ""
	for range 10 {
		h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: ch, Limit: 2, Cursor: cursor, IncludeAllMetadata: true})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Messages...)
		if !h.HasMore {
			break
		}
		cursor = h.ResponseMetaData.NextCursor
	}
	if len(got) != 5 {
		t.Fatalf("history = %d messages", len(got))
	}
	for i, m := range got {
		if m.Timestamp != tss[4-i] {
			t.Errorf("message %d ts %s, want newest first", i, m.Timestamp)
		}
		if m.Metadata.EventType != "outbox_sent" || m.Metadata.EventPayload["key"] != "k"+string(rune('0'+4-i)) {
			t.Errorf("message %d metadata = %+v", i, m.Metadata)
		}
	}
	h, err := api.GetConversationHistory(&slack.GetConversationHistoryParameters{ChannelID: ch, Oldest: tss[2]})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 2 || h.Messages[0].Metadata.EventType != "" {
		t.Errorf("after oldest: %d messages, metadata %+v", len(h.Messages), h.Messages[0].Metadata)
	}
}

func TestSendDM_ArrivesAsMessageEvent(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, ackAll)
	p := s.AddUser(slackfake.User{Name: "aiko"})
	if err := p.SendDM(ctxFor(t, 5*time.Second), "I need help & <fast>"); err != nil {
		t.Fatal(err)
	}
	evt := a.waitEvents(t, socketmode.EventTypeEventsAPI, 1)[0]
	msg, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok {
		t.Fatalf("inner event = %T", evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	if msg.ChannelType != "im" || msg.User != p.ID() || msg.Text != "I need help &amp; &lt;fast&gt;" || msg.Channel != s.DMChannel(p.ID()) || msg.BotID != "" {
		t.Errorf("message event = %+v", msg)
	}
}

func TestEchoBotMessages(t *testing.T) {
	s := newFake(t, slackfake.Options{EchoBotMessages: true})
	a := startApp(t, s, ackAll)
	p := s.AddUser(slackfake.User{Name: "aiko"})
	if _, _, err := a.API.PostMessage(p.ID(), slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	evt := a.waitEvents(t, socketmode.EventTypeEventsAPI, 1)[0]
	msg := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.MessageEvent)
	if msg.BotID != "B0FAKE" || msg.Text != "hello" {
		t.Errorf("echo = %+v", msg)
	}
}

func TestChatUpdate_TextAndBlocksAsSlackKeepsThem(t *testing.T) {
	buttons := slack.MsgOptionBlocks(slack.NewActionBlock("mood", slack.NewButtonBlockElement("mood_5", "5", plain("😀"))))
	thanks := slack.MsgOptionBlocks(slack.NewSectionBlock(mrkdwn("Thanks!"), nil, nil))
	tests := []struct {
		name       string
		update     []slack.MsgOption
		wantText   string
		wantRender string
	}{
		{"text only drops the blocks", []slack.MsgOption{slack.MsgOptionText("Thanks", false)}, "Thanks", "Thanks"},
		{"blocks only keep the text", []slack.MsgOption{thanks}, "Mood today?", "Thanks!"},
		{"text and blocks replace both", []slack.MsgOption{slack.MsgOptionText("Thanks", false), thanks}, "Thanks", "Thanks!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			p := s.AddUser(slackfake.User{Name: "aiko"})
			api := apiFor(s)
			ch, ts, err := api.PostMessage(p.ID(), slack.MsgOptionText("Mood today?", false), buttons)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := api.UpdateMessage(ch, ts, tt.update...); err != nil {
				t.Fatal(err)
			}
			m := s.Messages(ch)[0]
			if m.Text != tt.wantText || !m.Edited {
				t.Errorf("text %q edited %v, want %q", m.Text, m.Edited, tt.wantText)
			}
			if seen := p.Seen(); seen[len(seen)-1].Kind != "message_update" || seen[len(seen)-1].Text != tt.wantRender {
				t.Errorf("seen = %+v, want %q", seen[len(seen)-1], tt.wantRender)
			}
		})
	}
}
