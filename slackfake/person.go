package slackfake

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/slack-go/slack"
)

// ErrAckTimeout is returned when the app did not ack a person's slash
// command or interaction within Options.AckTimeout. The person was shown
// Slack's error, as a real user would be.
var ErrAckTimeout = errors.New("slackfake: no ack within the ack timeout")

// ErrDeactivated is returned when a deactivated person tries to act: they can no
// longer sign in to Slack.
var ErrDeactivated = errors.New("slackfake: the person is deactivated")

// ErrNoModal is returned by modal actions when the person has no modal open.
var ErrNoModal = errors.New("slackfake: no modal open")

// Person acts as a human member of the workspace in the Slack client.
type Person struct {
	s  *Server
	id string

	// Guarded by s.mu.
	seen    []Seen
	modals  []*view // bottom first
	home    *view
	actions []action
}

// Seen is one thing shown to a person.
type Seen struct {
	At time.Time
	// SimAt is the simulated time (Options.Clock) when it was shown; zero without a clock.
	SimAt time.Time
	// Seq numbers everything the server records people seeing and doing, in the
	// order it was recorded; see Entries.
	Seq uint64
	// Kind is one of "ephemeral", "message", "message_update",
	// "message_delete", "modal_open", "modal_update", "modal_push",
	// "modal_errors", "home", "file" or "error" (Slack's own error, e.g. an
	// unacked slash command).
	Kind        string
	Channel, TS string
	User        string // author of a message
	Text        string // plain-text rendering of the blocks, or the text
	Blocks      slack.Blocks
	View        *slack.View // for modal and home kinds
}

// action is something the person did, kept for transcripts.
type action struct {
	at, simAt time.Time
	seq       uint64
	text      string
}

// ID returns the person's user ID.
func (p *Person) ID() string { return p.id }

func (p *Person) deactivatedLocked() bool {
	u := p.s.users[p.id]
	return u != nil && u.Deleted
}

// seeLocked shows the person something, unless they are deactivated: they can no
// longer sign in, so they see nothing.
func (p *Person) seeLocked(seen Seen) {
	if p.deactivatedLocked() {
		return
	}
	if seen.At.IsZero() {
		seen.At = time.Now()
	}
	if seen.SimAt.IsZero() && p.s.opts.Clock != nil {
		seen.SimAt = p.s.opts.Clock.Now()
	}
	p.s.seq++
	seen.Seq = p.s.seq
	p.seen = append(p.seen, seen)
}

func (p *Person) actLocked(format string, args ...any) {
	p.s.seq++
	a := action{at: time.Now(), seq: p.s.seq, text: fmt.Sprintf(format, args...)}
	if p.s.opts.Clock != nil {
		a.simAt = p.s.opts.Clock.Now()
	}
	p.actions = append(p.actions, a)
}

// Seen returns everything shown to the person, in order.
func (p *Person) Seen() []Seen {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return append([]Seen(nil), p.seen...)
}

// WaitSeen waits until something matching pred has been shown to the person
// (possibly already) and returns the first such thing. pred may call the
// fake.
func (p *Person) WaitSeen(ctx context.Context, pred func(Seen) bool) (Seen, error) {
	s := p.s
	checked := 0
	for {
		s.mu.Lock()
		batch := append([]Seen(nil), p.seen[checked:]...)
		changed := s.changed
		s.mu.Unlock()
		for _, x := range batch {
			if pred(x) {
				return x, nil
			}
		}
		checked += len(batch)
		select {
		case <-changed:
		case <-ctx.Done():
			return Seen{}, ctx.Err()
		case <-s.closed:
			return Seen{}, ErrClosed
		}
	}
}

// Messages returns the messages of the conversations the person is in (DMs
// with the bot, group DMs, channels) plus ephemeral messages to them, oldest
// first. Deleted messages are included and flagged.
func (p *Person) Messages() []Message {
	s := p.s
	s.mu.Lock()
	defer s.mu.Unlock()
	var ms []*message
	for _, c := range s.convs {
		member := c.hasMember(p.id)
		for _, m := range c.messages {
			if (m.ephemeral && m.to == p.id) || (!m.ephemeral && member) {
				ms = append(ms, m)
			}
		}
	}
	slices.SortFunc(ms, func(a, b *message) int { return cmp.Compare(tsValue(a.ts), tsValue(b.ts)) })
	out := make([]Message, len(ms))
	for i, m := range ms {
		out[i] = m.export()
	}
	return out
}

// Home returns the person's last published App Home view.
func (p *Person) Home() (slack.View, bool) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if p.home == nil {
		return slack.View{}, false
	}
	return *p.s.slackView(p.home), true
}

func (p *Person) topLocked() *view {
	if len(p.modals) == 0 {
		return nil
	}
	return p.modals[len(p.modals)-1]
}

// Modal returns the top of the person's modal stack.
func (p *Person) Modal() (slack.View, bool) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	top := p.topLocked()
	if top == nil {
		return slack.View{}, false
	}
	return *p.s.slackView(top), true
}

// WaitModal waits until a modal with this callback_id (any modal if "") is
// on top of the person's stack and returns it.
func (p *Person) WaitModal(ctx context.Context, callbackID string) (slack.View, error) {
	var out *slack.View
	err := p.s.waitFor(ctx, func() bool {
		top := p.topLocked()
		if top != nil && (callbackID == "" || top.callbackID == callbackID) {
			out = p.s.slackView(top)
			return true
		}
		return false
	})
	if err != nil {
		return slack.View{}, fmt.Errorf("wait for modal %q: %w", callbackID, err)
	}
	return *out, nil
}

// settle waits until the app acked e or the ack timed out.
func (p *Person) settle(ctx context.Context, e *envelope) (Ack, error) {
	select {
	case <-e.settled:
	case <-ctx.Done():
		return Ack{}, fmt.Errorf("waiting for the ack of %s: %w", e.typ, ctx.Err())
	case <-p.s.closed:
		return Ack{}, ErrClosed
	}
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if e.timedOut {
		return Ack{}, fmt.Errorf("%s envelope %s: %w", e.typ, e.id, ErrAckTimeout)
	}
	return *e.first, nil
}

// waitEvent waits until some delivery of an event is acked.
func (p *Person) waitEvent(ctx context.Context, e *envelope) error {
	select {
	case <-e.event.acked:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the ack of event %s: %w", e.event.id, ctx.Err())
	case <-p.s.closed:
		return ErrClosed
	}
}

// CommandReply is the app's answer to a slash command.
type CommandReply struct {
	EnvelopeID string
	AckPayload json.RawMessage
	AckLatency time.Duration
}

// Command types the app's slash command with text in the person's DM with
// the bot. See CommandIn.
func (p *Person) Command(ctx context.Context, text string) (CommandReply, error) {
	return p.CommandIn(ctx, "", text)
}

// CommandIn types the slash command in a channel ("" for the DM with the
// bot; a channel never added with AddChannel is one the bot is not in). The
// payload has a fresh trigger_id and a response_url on the fake, and text
// escaped as Slack escapes it. CommandIn waits for the ack (bounded by ctx)
// and shows the person the ack's message, ephemeral unless its
// response_type is in_channel. Without an ack within Options.AckTimeout the
// person sees Slack's "failed with the error operation_timeout" and
// ErrAckTimeout is returned.
func (p *Person) CommandIn(ctx context.Context, channelID, text string) (CommandReply, error) {
	s := p.s
	s.mu.Lock()
	if p.deactivatedLocked() {
		s.mu.Unlock()
		return CommandReply{}, ErrDeactivated
	}
	u := s.users[p.id]
	c := s.commandChannelLocked(p.id, channelID)
	trig := s.newTriggerLocked(p.id)
	rurl := s.newResponseURLLocked("commands", c.id, p.id, nil)
	e := s.newEnvelopeLocked("slash_commands", s.slashCommandPayload(u, c, text, rurl, trig), true, 0, "")
	e.onTimeout = func() {
		p.seeLocked(Seen{Kind: "error", Channel: c.id, Text: fmt.Sprintf("%s failed with the error %q", s.opts.Command, "operation_timeout")})
	}
	p.actLocked("%s %s", s.opts.Command, text)
	s.deliverLocked(e)
	s.mu.Unlock()

	reply := CommandReply{EnvelopeID: e.id}
	ack, err := p.settle(ctx, e)
	if err != nil {
		return reply, err
	}
	reply.AckPayload, reply.AckLatency = ack.Payload, ack.Latency
	s.mu.Lock()
	defer s.mu.Unlock()
	return reply, s.applyCommandAckLocked(p, c, ack.Payload)
}

// applyCommandAckLocked shows the person the message in a slash command's ack.
func (s *Server) applyCommandAckLocked(p *Person, c *conversation, payload json.RawMessage) error {
	if isEmptyJSON(payload) {
		return nil
	}
	var msg struct {
		Text         string `json:"text"`
		ResponseType string `json:"response_type"`
		Blocks       []any  `json:"blocks"`
	}
	if err := json.Unmarshal(payload, &msg); err != nil {
		p.seeLocked(Seen{Kind: "error", Channel: c.id, Text: fmt.Sprintf("%s failed with the error %q", s.opts.Command, "invalid_response")})
		s.notifyLocked()
		return fmt.Errorf("slash command ack payload: %w", err)
	}
	if msg.Blocks != nil {
		blocks, _ := decodeJSON(mustJSON(msg.Blocks))
		msg.Blocks = asSlice(blocks)
		if problems := validateMessageBlocks(msg.Blocks); len(problems) > 0 {
			p.seeLocked(Seen{Kind: "error", Channel: c.id, Text: fmt.Sprintf("%s failed with the error %q", s.opts.Command, "invalid_blocks")})
			s.notifyLocked()
			return fmt.Errorf("slash command ack: invalid_blocks: %s", problemsText(problems))
		}
	}
	if msg.Text == "" && len(msg.Blocks) == 0 {
		return nil
	}
	m := &message{user: s.opts.BotUserID, botID: s.opts.BotID, text: msg.Text, blocks: msg.Blocks}
	if msg.ResponseType != "in_channel" {
		m.ephemeral, m.to = true, p.id
	}
	s.postLocked(c, m)
	return nil
}

func isEmptyJSON(b json.RawMessage) bool {
	switch string(b) {
	case "", "null", "{}", `""`:
		return true
	}
	return false
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// OpenHome opens the app's Home tab: an app_home_opened event (tab "home",
// with the published view if any) is sent, and OpenHome waits until the app
// acks some delivery of it.
func (p *Person) OpenHome(ctx context.Context) error {
	s := p.s
	s.mu.Lock()
	if p.deactivatedLocked() {
		s.mu.Unlock()
		return ErrDeactivated
	}
	c, _ := s.openConvLocked([]string{p.id})
	ev := map[string]any{"type": "app_home_opened", "user": p.id, "channel": c.id, "tab": "home", "event_ts": s.ids.ts()}
	if p.home != nil {
		ev["view"] = s.viewJSON(p.home)
	}
	e := s.queueEventLocked(ev)
	p.actLocked("opened the Home tab")
	s.mu.Unlock()
	return p.waitEvent(ctx, e)
}

// SendDM writes text to the bot in the person's DM with it. The message is
// stored and a `message` event (channel_type "im") is sent; SendDM waits
// until the app acks some delivery of it.
func (p *Person) SendDM(ctx context.Context, text string) error {
	s := p.s
	s.mu.Lock()
	if p.deactivatedLocked() {
		s.mu.Unlock()
		return ErrDeactivated
	}
	c, _ := s.openConvLocked([]string{p.id})
	m := &message{
		user: p.id, clientMsgID: newUUID(), text: escapeText(text),
		blocks: []any{map[string]any{
			"type": "rich_text",
			"elements": []any{map[string]any{
				"type":     "rich_text_section",
				"elements": []any{map[string]any{"type": "text", "text": text}},
			}},
		}},
	}
	s.postLocked(c, m)
	ev := s.messageJSON(m, false)
	ev["channel"], ev["event_ts"], ev["channel_type"] = c.id, m.ts, "im"
	e := s.queueEventLocked(ev)
	s.mu.Unlock()
	return p.waitEvent(ctx, e)
}
