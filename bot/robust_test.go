package bot_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/bot"
	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestRobust_PanicInHandlerIsAnsweredAndBotStaysUp(t *testing.T) {
	h := newHarness(t, withProgramme(func(p botProgramme) botProgramme { return &panicky{botProgramme: p, userID: "UPANIC001"} }))
	p := h.user("UPANIC001", "Panic", "ja-JP")
	other := h.user("UCALM0001", "Calm", "ja-JP")
	ctx := ctxT(t)
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "問題が起きました")
	if _, err := other.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	waitText(t, other, "まだプログラムに参加していません")
}

func TestRobust_UnknownButtonIsExplained(t *testing.T) {
	h := newHarness(t)
	p := h.user("UCLICK001", "Click", "en-US")
	payload := map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "UCLICK001", "username": "click", "team_id": "T0FAKE"},
		"api_app_id": "A0FAKE", "token": "x", "trigger_id": "1.2.3", "team": map[string]any{"id": "T0FAKE"},
		"container": map[string]any{"type": "message", "message_ts": "1.1", "channel_id": "D1"},
		"actions":   []any{map[string]any{"action_id": "self_destruct", "block_id": "b", "type": "button", "value": "x", "action_ts": "1.1"}},
	}
	env, err := h.fake.SendEnvelope(ctxT(t), "interactive", payload, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctxT(t), env); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "That button is no longer in use")
}

func TestRobust_SubmissionOfAViewTheBotNeverOpened(t *testing.T) {
	h := newHarness(t)
	p := h.user("USTALE001", "Stale", "ja-JP")
	view := slack.View{ID: "VFORGED01", Type: slack.VTModal, CallbackID: "join", PrivateMetadata: "not json",
		Title: &slack.TextBlockObject{Type: "plain_text", Text: "Old"}}
	sub, err := p.SubmitRaw(ctxT(t), view, json.RawMessage(`{"values":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if sub.ResponseAction == "errors" {
		t.Fatalf("stale view should close, got %v", sub.Errors)
	}
	waitText(t, p, "フォームが古くなっていた")
}

func TestRobust_OddEnvelopesAreAckedAndIgnored(t *testing.T) {
	h := newHarness(t)
	p := h.user("UAFTER001", "After", "ja-JP")
	ctx := ctxT(t)
	// An Events API event of a type nobody subscribed to.
	env, _, err := h.fake.SendEvent(ctx, map[string]any{"type": "reaction_added", "user": "UAFTER001", "reaction": "tada", "event_ts": "1.2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatalf("unknown event not acked: %v", err)
	}
	// An envelope type slack-go does not know.
	env, err = h.fake.SendEnvelope(ctx, "mystery_type", map[string]any{"x": 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatalf("unknown envelope type not acked: %v", err)
	}
	// An interactive payload of the wrong shape.
	env, err = h.fake.SendEnvelope(ctx, "interactive", []any{"not", "an", "object"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitAck(ctx, env); err != nil {
		t.Fatalf("malformed interactive not acked: %v", err)
	}
	// Frames that are not JSON at all.
	for _, frame := range []string{"{not json", `{"type":"slash_commands","envelope_id":`} {
		if err := h.fake.SendRaw(ctx, []byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	// The bot still answers.
	if _, err := p.Command(ctx, "help"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "/reverse-mentor join")
}

func TestRobust_RetriedEventIsHandledOnce(t *testing.T) {
	logs := newLogWatch()
	h := newHarness(t, withFake(func(o *slackfake.Options) { o.RedeliverAfter = -1 }),
		withBot(func(o *bot.Options) { o.Logger = slog.New(logs) }))
	p := h.user("UHOME0001", "Home", "ja-JP")
	h.fake.DuplicateEnvelopes(true)
	ctx := ctxT(t)
	if err := p.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitSeen(ctx, func(s slackfake.Seen) bool { return s.Kind == "home" }); err != nil {
		t.Fatal(err)
	}
	h.fake.DuplicateEnvelopes(false)
	// The copy is done with once the bot finds its event already handled.
	if err := logs.wait(ctx, "duplicate event dropped", 1); err != nil {
		t.Fatalf("the copy of the event was never dropped: %v", err)
	}
	// The fake shows the Home before it logs the call that published it.
	for len(h.fake.Calls("views.publish")) == 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	if n := len(h.fake.Calls("views.publish")); n != 1 {
		t.Fatalf("views.publish called %d times for one event", n)
	}
	if n := logs.count("duplicate event dropped"); n != 1 {
		t.Fatalf("%d copies dropped, want 1", n)
	}
}

func TestRobust_ReconnectsAfterDropAndDisconnect(t *testing.T) {
	h := newHarness(t)
	p := h.user("URECON001", "Recon", "ja-JP")
	ctx := ctxT(t)
	// The bot reports itself connected once it has dialled; the fake may register the
	// socket a moment later, and only a registered socket can be dropped.
	if err := h.fake.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	h.fake.DropConnections()
	if err := h.fake.WaitConnected(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Command(ctx, "help"); err != nil {
		t.Fatal(err)
	}
	waitText(t, p, "/reverse-mentor join")
	h.fake.Disconnect("refresh_requested")
	if err := h.fake.WaitConnected(ctx, 3); err != nil {
		t.Fatal(err)
	}
	before := len(p.Seen())
	if _, err := p.Command(ctx, "status"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitSeen(ctx, func(slackfake.Seen) bool { return len(p.Seen()) > before }); err != nil {
		t.Fatal(err)
	}
}

func TestRobust_AppHomeForNewcomerAndAdmin(t *testing.T) {
	h := newHarness(t)
	newcomer := h.user("UNEW00001", "New", "en-US")
	admin := h.user(adminID, "HR", "ja-JP")
	ctx := ctxT(t)
	if err := newcomer.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	home := waitText(t, newcomer, "You haven't joined yet")
	if strings.Contains(home.Text, "HR admin") {
		t.Fatal("a newcomer sees the admin section")
	}
	if err := newcomer.Click(ctx, "open_join", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	if _, err := newcomer.WaitModal(ctx, "join"); err != nil {
		t.Fatal(err)
	}
	if err := admin.OpenHome(ctx); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "人事担当", "参加者")
	// Switching language from the Home button republishes it in English.
	if err := admin.Click(ctx, "set_lang", slackfake.OnHome()); err != nil {
		t.Fatal(err)
	}
	waitText(t, admin, "HR admin", "Participants:")
}
