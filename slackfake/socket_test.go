package slackfake_test

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestSocket_HelloAndPingsKeepClientConnected(t *testing.T) {
	s := newFake(t, slackfake.Options{PingInterval: 100 * time.Millisecond})
	a := startApp(t, s, ackAll, socketmode.OptionPingInterval(400*time.Millisecond))

	hello := a.waitEvents(t, socketmode.EventTypeHello, 1)[0]
	if got := hello.Request.ConnectionInfo.AppID; got != "A0FAKE" {
		t.Errorf("hello app_id = %q, want A0FAKE", got)
	}
	if hello.Request.NumConnections != 1 {
		t.Errorf("hello num_connections = %d, want 1", hello.Request.NumConnections)
	}
	// Ten pings at 100 ms span more than two of the client's 400 ms ping windows; each
	// answered pong shows the client still on its socket.
	if err := s.WaitPongs(ctxFor(t, 5*time.Second), 10); err != nil {
		t.Fatal(err)
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("connections opened = %d, want 1 (the client should stay on its first socket)", n)
	}
}

func TestSocket_WithoutPingsClientReconnects(t *testing.T) {
	s := newFake(t, slackfake.Options{PingInterval: time.Hour})
	startApp(t, s, ackAll, socketmode.OptionPingInterval(200*time.Millisecond))
	if err := s.WaitConnected(ctxFor(t, 5*time.Second), 2); err != nil {
		t.Fatalf("client did not reconnect after missing pings: %v", err)
	}
}

func TestSocket_ClientReconnects(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*slackfake.Server)
	}{
		{"dropped sockets", func(s *slackfake.Server) { s.DropConnections() }},
		{"disconnect refresh_requested", func(s *slackfake.Server) { s.Disconnect("refresh_requested") }},
		{"disconnect warning", func(s *slackfake.Server) { s.Disconnect("warning") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			a := startApp(t, s, ackAll)
			tt.break_(s)
			if err := s.WaitConnected(ctxFor(t, 5*time.Second), 2); err != nil {
				t.Fatalf("client did not reconnect: %v", err)
			}
			if err := s.WaitConnected(ctxFor(t, 5*time.Second), 1); err != nil {
				t.Fatal(err)
			}
			// The new socket carries envelopes.
			p := s.AddUser(slackfake.User{Name: "aiko"})
			if _, err := p.Command(ctxFor(t, 5*time.Second), "help"); err != nil {
				t.Fatalf("command after reconnect: %v", err)
			}
			if len(a.Events(socketmode.EventTypeSlashCommand)) != 1 {
				t.Error("command not received after reconnect")
			}
		})
	}
}

func TestSocket_UnknownEnvelopeTypeReachesClientAsBadMessage(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeErrorBadMessage {
			// slack-go gives no Request: ack from the raw envelope_id.
			var raw struct {
				EnvelopeID string `json:"envelope_id"`
			}
			_ = json.Unmarshal(evt.Data.(*socketmode.ErrorBadMessage).Message, &raw)
			_ = a.SM.Ack(socketmode.Request{EnvelopeID: raw.EnvelopeID})
		}
	})
	id, err := s.SendEnvelope(ctxFor(t, 5*time.Second), "brand_new_type", map[string]any{"x": 1}, false)
	if err != nil {
		t.Fatal(err)
	}
	bad := a.waitEvents(t, socketmode.EventTypeErrorBadMessage, 1)[0]
	if bad.Request != nil {
		t.Error("bad message event carries a Request")
	}
	if !strings.Contains(string(bad.Data.(*socketmode.ErrorBadMessage).Message), id) {
		t.Error("bad message does not hold the envelope")
	}
	ack, err := s.WaitAck(ctxFor(t, 5*time.Second), id)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Type != "brand_new_type" {
		t.Errorf("ack type = %q", ack.Type)
	}
}

func TestSocket_MalformedFrameKeepsClientConnected(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, ackAll)
	if err := s.SendRaw(ctxFor(t, 5*time.Second), []byte(`{"type":"events_api",`)); err != nil {
		t.Fatal(err)
	}
	p := s.AddUser(slackfake.User{Name: "ken"})
	if _, err := p.Command(ctxFor(t, 5*time.Second), "status"); err != nil {
		t.Fatalf("command after malformed frame: %v", err)
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
	_ = a
}

func TestEvents_UnackedEventIsRedeliveredWithSameEventID(t *testing.T) {
	s := newFake(t, slackfake.Options{RedeliverAfter: 100 * time.Millisecond})
	var seen atomic.Int32
	a := startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeEventsAPI && seen.Add(1) == 3 {
			_ = a.SM.Ack(*evt.Request) // ack only the second retry
		}
	})
	_, eventID, err := s.SendEvent(ctxFor(t, 5*time.Second), map[string]any{
		"type": "app_mention", "user": "U1", "text": "hi", "channel": "C1", "ts": "1.000001", "event_ts": "1.000001",
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WaitEventAck(ctxFor(t, 5*time.Second), eventID); err != nil {
		t.Fatal(err)
	}
	if acked, err := s.WaitEventSettled(ctxFor(t, 5*time.Second), eventID); err != nil || !acked {
		t.Errorf("settled: acked %v, err %v; want acked", acked, err)
	}
	evs := a.Events(socketmode.EventTypeEventsAPI)
	if len(evs) != 3 {
		t.Fatalf("deliveries = %d, want 3", len(evs))
	}
	envelopes := map[string]bool{}
	for i, e := range evs {
		if e.Request.RetryAttempt != i {
			t.Errorf("delivery %d retry_attempt = %d", i, e.Request.RetryAttempt)
		}
		wantReason := ""
		if i > 0 {
			wantReason = "timeout"
		}
		if e.Request.RetryReason != wantReason {
			t.Errorf("delivery %d retry_reason = %q, want %q", i, e.Request.RetryReason, wantReason)
		}
		cb := e.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
		if cb.EventID != eventID {
			t.Errorf("delivery %d event_id = %q, want %q", i, cb.EventID, eventID)
		}
		envelopes[e.Request.EnvelopeID] = true
	}
	if len(envelopes) != 3 {
		t.Errorf("envelope IDs not distinct: %v", envelopes)
	}
	if got := s.EventEnvelopes(eventID); len(got) != 3 {
		t.Errorf("EventEnvelopes = %v", got)
	}
}

func TestEvents_RedeliveryStopsAfterThreeRetries(t *testing.T) {
	s := newFake(t, slackfake.Options{RedeliverAfter: 50 * time.Millisecond})
	a := startApp(t, s, nil)
	_, eventID, err := s.SendEvent(ctxFor(t, 5*time.Second), map[string]any{"type": "app_mention", "user": "U1", "channel": "C1"})
	if err != nil {
		t.Fatal(err)
	}
	acked, err := s.WaitEventSettled(ctxFor(t, 5*time.Second), eventID)
	if err != nil || acked {
		t.Fatalf("settled: acked %v, err %v; want given up", acked, err)
	}
	if n := len(s.EventEnvelopes(eventID)); n != 4 {
		t.Errorf("deliveries = %d, want 1 + 3 retries", n)
	}
	a.waitEvents(t, socketmode.EventTypeEventsAPI, 4)
}

func TestEvents_NegativeRedeliverAfterDisablesRetries(t *testing.T) {
	s := newFake(t, slackfake.Options{RedeliverAfter: -1})
	a := startApp(t, s, nil)
	_, eventID, err := s.SendEvent(ctxFor(t, 5*time.Second), map[string]any{"type": "app_mention", "user": "U1", "channel": "C1"})
	if err != nil {
		t.Fatal(err)
	}
	acked, err := s.WaitEventSettled(ctxFor(t, 5*time.Second), eventID)
	if err != nil || acked {
		t.Fatalf("settled: acked %v, err %v; want given up", acked, err)
	}
	if n := len(s.EventEnvelopes(eventID)); n != 1 {
		t.Errorf("deliveries = %d, want 1", n)
	}
	a.waitEvents(t, socketmode.EventTypeEventsAPI, 1)
}

func TestSocket_DuplicateEnvelopesShareTheEnvelopeID(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := startApp(t, s, ackAll)
	s.DuplicateEnvelopes(true)
	p := s.AddUser(slackfake.User{Name: "mei"})
	reply, err := p.Command(ctxFor(t, 5*time.Second), "status")
	if err != nil {
		t.Fatal(err)
	}
	evs := a.waitEvents(t, socketmode.EventTypeSlashCommand, 2)
	for _, e := range evs {
		if e.Request.EnvelopeID != reply.EnvelopeID {
			t.Errorf("duplicate envelope_id = %q, want %q", e.Request.EnvelopeID, reply.EnvelopeID)
		}
	}
}

func TestSocket_AckLatencyIsRecorded(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		if evt.Type == socketmode.EventTypeSlashCommand {
			time.Sleep(30 * time.Millisecond) // a slow app: the latency to be measured
			_ = a.SM.Ack(*evt.Request)
		}
	})
	p := s.AddUser(slackfake.User{Name: "sora"})
	reply, err := p.Command(ctxFor(t, 5*time.Second), "status")
	if err != nil {
		t.Fatal(err)
	}
	if reply.AckLatency < 30*time.Millisecond || reply.AckLatency > 2*time.Second {
		t.Errorf("ack latency = %v, want about 30ms", reply.AckLatency)
	}
	acks := s.Acks()
	if len(acks) != 1 || acks[0].EnvelopeID != reply.EnvelopeID || acks[0].Type != "slash_commands" || acks[0].Latency != reply.AckLatency {
		t.Errorf("acks = %+v", acks)
	}
}
