package slackfake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Ack is an acknowledgement the app sent over Socket Mode.
type Ack struct {
	EnvelopeID   string
	Type         string // type of the acked envelope; "" when the fake never sent that ID
	Payload      json.RawMessage
	Latency      time.Duration // from writing the envelope to reading the ack
	At           time.Time
	RetryAttempt int
}

// envelope is one Socket Mode message carrying a request to the app.
type envelope struct {
	id, typ      string
	payload      json.RawMessage
	accepts      bool
	retryAttempt int
	retryReason  string
	event        *eventDelivery // for events_api envelopes sent with SendEvent
	frame        []byte

	sentMu  sync.Mutex
	sentAt  time.Time
	written chan struct{} // closed on the first write to a socket

	// Guarded by Server.mu.
	acked     chan struct{} // closed on the first ack
	settled   chan struct{} // closed on the first ack or when the ack timed out
	first     *Ack
	timedOut  bool
	onTimeout func() // called with Server.mu held when no ack came in time
}

// markSent records the first write and reports whether this was it.
func (e *envelope) markSent(at time.Time) bool {
	e.sentMu.Lock()
	defer e.sentMu.Unlock()
	if !e.sentAt.IsZero() {
		return false
	}
	e.sentAt = at
	close(e.written)
	return true
}

func (e *envelope) sentTime() time.Time {
	e.sentMu.Lock()
	defer e.sentMu.Unlock()
	return e.sentAt
}

// eventDelivery tracks one Events API event across its deliveries.
type eventDelivery struct {
	id        string
	payload   json.RawMessage
	acked     chan struct{}
	isAcked   bool
	envelopes []string
	// settled is closed once the event is acked or the fake gives up redelivering it.
	settled   chan struct{}
	isSettled bool
}

// settleLocked marks the event as settled. Server.mu must be held.
func (ev *eventDelivery) settleLocked() {
	if !ev.isSettled {
		ev.isSettled = true
		close(ev.settled)
	}
}

// newEnvelopeLocked creates and registers an envelope.
func (s *Server) newEnvelopeLocked(typ string, payload json.RawMessage, accepts bool, retryAttempt int, retryReason string) *envelope {
	e := &envelope{
		id: s.ids.envelope(), typ: typ, payload: payload, accepts: accepts,
		retryAttempt: retryAttempt, retryReason: retryReason,
		written: make(chan struct{}), acked: make(chan struct{}), settled: make(chan struct{}),
	}
	frame := map[string]any{
		"envelope_id":              e.id,
		"payload":                  payload,
		"type":                     typ,
		"accepts_response_payload": accepts,
	}
	if typ == "events_api" {
		frame["retry_attempt"] = retryAttempt
		frame["retry_reason"] = retryReason
	}
	e.frame, _ = json.Marshal(frame)
	s.pending[e.id] = e
	return e
}

// deliverLocked queues an envelope on an open connection (twice when
// duplicates are on), or keeps it until one opens.
func (s *Server) deliverLocked(e *envelope) {
	copies := 1
	if s.duplicate {
		copies = 2
	}
	for range copies {
		if !s.enqueueLocked(outFrame{data: e.frame, env: e}) {
			s.backlog = append(s.backlog, e)
			return
		}
	}
}

// enqueueLocked puts a frame on the next usable connection, round robin.
func (s *Server) enqueueLocked(f outFrame) bool {
	n := len(s.conns)
	for i := range n {
		c := s.conns[(s.rr+i)%n]
		if c.draining {
			continue
		}
		if c.push(f) {
			s.rr = (s.rr + i + 1) % n
			return true
		}
	}
	return false
}

// envelopesWritten starts the clock for redelivery or for the ack timeout
// of envelopes now on the wire.
func (s *Server) envelopesWritten(written []*envelope) {
	if len(written) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range written {
		if e.first != nil {
			continue
		}
		switch {
		case e.event != nil && s.opts.RedeliverAfter > 0:
			s.afterLocked(s.opts.RedeliverAfter-time.Since(e.sentTime()), func() { s.redeliver(e) })
		case e.event != nil:
			e.event.settleLocked() // no redelivery: nothing more will be sent
			s.notifyLocked()
		case e.onTimeout != nil:
			s.afterLocked(s.opts.AckTimeout-time.Since(e.sentTime()), func() { s.ackTimedOut(e) })
		}
	}
}

// redeliver sends an unacked event again with a new envelope ID, as Slack
// does, up to maxRetries times.
func (s *Server) redeliver(e *envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := e.event
	if ev.isAcked {
		return
	}
	if e.retryAttempt >= maxRetries {
		ev.settleLocked() // Slack gives up after the last retry
		s.notifyLocked()
		return
	}
	n := s.newEnvelopeLocked("events_api", ev.payload, false, e.retryAttempt+1, "timeout")
	n.event = ev
	ev.envelopes = append(ev.envelopes, n.id)
	s.deliverLocked(n)
	s.log.Debug("slackfake: redelivering event", "event_id", ev.id, "retry_attempt", n.retryAttempt)
	s.notifyLocked()
}

func (s *Server) ackTimedOut(e *envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.first != nil || e.timedOut {
		return
	}
	e.timedOut = true
	close(e.settled)
	if e.onTimeout != nil {
		e.onTimeout()
	}
	s.notifyLocked()
}

// handleAck records an ack read from a socket at time at.
func (s *Server) handleAck(at time.Time, data []byte) {
	var a struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &a); err != nil || a.EnvelopeID == "" {
		s.log.Debug("slackfake: unreadable frame from app", "frame", string(data))
		return
	}
	if string(a.Payload) == "null" {
		a.Payload = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ack := Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, At: at}
	e := s.pending[a.EnvelopeID]
	if e != nil {
		ack.Type, ack.RetryAttempt = e.typ, e.retryAttempt
		if sent := e.sentTime(); !sent.IsZero() {
			ack.Latency = at.Sub(sent)
		}
	}
	s.acks = append(s.acks, ack)
	if e != nil && e.first == nil {
		first := ack
		e.first = &first
		close(e.acked)
		if !e.timedOut {
			close(e.settled)
		}
		if ev := e.event; ev != nil && !ev.isAcked {
			ev.isAcked = true
			close(ev.acked)
			ev.settleLocked()
		}
	}
	s.notifyLocked()
}

// waitWritten waits until an envelope is on the wire.
func (s *Server) waitWritten(ctx context.Context, e *envelope) error {
	select {
	case <-e.written:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("envelope %s not delivered: %w", e.id, ctx.Err())
	case <-s.closed:
		return ErrClosed
	}
}

// SendEnvelope sends an envelope of any type, even one Slack never sends,
// with payload marshalled as JSON (a json.RawMessage is sent as is). It
// returns once the envelope is written to a socket; when no socket is open
// it waits for one until ctx ends (the envelope stays queued). Raw envelopes
// are neither redelivered nor timed out.
func (s *Server) SendEnvelope(ctx context.Context, typ string, payload any, acceptsResponsePayload bool) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("marshal payload: %w", err)
	}
	s.mu.Lock()
	e := s.newEnvelopeLocked(typ, raw, acceptsResponsePayload, 0, "")
	s.deliverLocked(e)
	s.mu.Unlock()
	return e.id, s.waitWritten(ctx, e)
}

// SendRaw writes frame as a text message, unchanged, to every open socket
// (for tests of malformed input). It waits for a socket until ctx ends.
func (s *Server) SendRaw(ctx context.Context, frame []byte) error {
	if err := s.WaitConnected(ctx, 1); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sent := false
	for _, c := range s.conns {
		if !c.draining && c.push(outFrame{data: append([]byte(nil), frame...)}) {
			sent = true
		}
	}
	if !sent {
		return fmt.Errorf("slackfake: no open socket")
	}
	return nil
}

// SendEvent sends an Events API event (any value that marshals to the inner
// event object, e.g. a map or a slackevents type) wrapped in an
// event_callback payload in an events_api envelope. Unacked, it is
// redelivered as Options.RedeliverAfter says. It returns once the first
// envelope is written to a socket.
func (s *Server) SendEvent(ctx context.Context, event any) (envelopeID, eventID string, err error) {
	raw, err := json.Marshal(event)
	if err != nil {
		return "", "", fmt.Errorf("marshal event: %w", err)
	}
	var inner map[string]any
	if err := json.Unmarshal(raw, &inner); err != nil {
		return "", "", fmt.Errorf("event must be a JSON object: %w", err)
	}
	s.mu.Lock()
	e := s.queueEventLocked(inner)
	s.mu.Unlock()
	return e.id, e.event.id, s.waitWritten(ctx, e)
}

// queueEventLocked wraps an event in an event_callback payload and delivers it.
func (s *Server) queueEventLocked(event map[string]any) *envelope {
	ev := &eventDelivery{id: s.ids.event(), acked: make(chan struct{}), settled: make(chan struct{})}
	typ := asString(event["type"])
	ctxJSON, _ := json.Marshal(map[string]any{
		"et": typ, "tid": s.opts.TeamID, "aid": s.opts.AppID, "cid": asString(event["channel"]),
	})
	ev.payload, _ = json.Marshal(map[string]any{
		"token":                 s.verificationToken(),
		"team_id":               s.opts.TeamID,
		"context_team_id":       s.opts.TeamID,
		"context_enterprise_id": nil,
		"api_app_id":            s.opts.AppID,
		"event":                 event,
		"type":                  "event_callback",
		"event_id":              ev.id,
		"event_time":            time.Now().Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id":         nil,
			"team_id":               s.opts.TeamID,
			"user_id":               s.opts.BotUserID,
			"is_bot":                true,
			"is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         "4-" + base64.RawURLEncoding.EncodeToString(ctxJSON),
	})
	s.events[ev.id] = ev
	e := s.newEnvelopeLocked("events_api", ev.payload, false, 0, "")
	e.event = ev
	ev.envelopes = append(ev.envelopes, e.id)
	s.deliverLocked(e)
	s.notifyLocked()
	return e
}

// verificationToken is the deprecated verification token Slack still puts in
// payloads.
func (s *Server) verificationToken() string { return "fakeVerificationToken" + s.opts.TeamID }

// WaitAck waits for the first ack of an envelope and returns it.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	s.mu.Lock()
	e := s.pending[envelopeID]
	s.mu.Unlock()
	if e == nil {
		var found Ack
		err := s.waitFor(ctx, func() bool {
			for _, a := range s.acks {
				if a.EnvelopeID == envelopeID {
					found = a
					return true
				}
			}
			return false
		})
		return found, err
	}
	select {
	case <-e.acked:
	case <-ctx.Done():
		return Ack{}, fmt.Errorf("no ack for envelope %s: %w", envelopeID, ctx.Err())
	case <-s.closed:
		return Ack{}, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return *e.first, nil
}

// WaitEventAck waits until some delivery of an event is acked.
func (s *Server) WaitEventAck(ctx context.Context, eventID string) error {
	s.mu.Lock()
	ev := s.events[eventID]
	s.mu.Unlock()
	if ev == nil {
		return fmt.Errorf("slackfake: unknown event %s", eventID)
	}
	select {
	case <-ev.acked:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("no ack for event %s: %w", eventID, ctx.Err())
	case <-s.closed:
		return ErrClosed
	}
}

// WaitEventSettled waits until Slack would be done with an event: some delivery of it
// is acked (acked is true), or the fake has given up redelivering it, when the last
// retry's RedeliverAfter has passed or, with redelivery off, once the first delivery
// is written. Once it has given up, no further delivery is sent.
func (s *Server) WaitEventSettled(ctx context.Context, eventID string) (acked bool, err error) {
	s.mu.Lock()
	ev := s.events[eventID]
	s.mu.Unlock()
	if ev == nil {
		return false, fmt.Errorf("slackfake: unknown event %s", eventID)
	}
	select {
	case <-ev.settled:
	case <-ctx.Done():
		return false, fmt.Errorf("event %s not settled: %w", eventID, ctx.Err())
	case <-s.closed:
		return false, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ev.isAcked, nil
}

// EventEnvelopes returns the envelope IDs an event was delivered in, first
// delivery first.
func (s *Server) EventEnvelopes(eventID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev := s.events[eventID]; ev != nil {
		return append([]string(nil), ev.envelopes...)
	}
	return nil
}

// Acks returns every ack received, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// DuplicateEnvelopes makes the fake send every envelope twice with the same
// envelope_id (to two connections when there are two), as Slack sometimes
// does. Retries of unacked events are different: they carry a new
// envelope_id and the same event_id.
func (s *Server) DuplicateEnvelopes(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.duplicate = on
}
