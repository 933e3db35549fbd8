package slackfake

import (
	"context"
	"fmt"
	"slices"
)

// ClickOption says where a click happens or what it selects.
type ClickOption func(*clickConfig)

type clickConfig struct {
	where   string // "", "modal", "home" or "message"
	ts      string
	value   *string
	options []string
}

// InMessage clicks in the message with this ts.
func InMessage(ts string) ClickOption {
	return func(c *clickConfig) { c.where, c.ts = "message", ts }
}

// OnHome clicks on the person's App Home.
func OnHome() ClickOption { return func(c *clickConfig) { c.where = "home" } }

// InModal clicks in the person's top modal.
func InModal() ClickOption { return func(c *clickConfig) { c.where = "modal" } }

// WithValue sets the value sent: a button's value (overriding the one in the view,
// for tests of tampered input), or a user ID or date for a users_select or datepicker.
func WithValue(v string) ClickOption { return func(c *clickConfig) { c.value = &v } }

// SelectOption picks the option with this value in a select, radio group or
// checkboxes; give it several times for multi-selects and checkboxes.
func SelectOption(v string) ClickOption {
	return func(c *clickConfig) { c.options = append(c.options, v) }
}

// clickTarget is the surface holding the clicked element.
type clickTarget struct {
	view    *view
	conv    *conversation
	msg     *message
	blockID string
	elem    map[string]any
}

// Click clicks the first element with actionID on the most recent surface
// that shows it: the top modal, then the App Home, then the newest message
// the person can see (or where the options say). A block_actions payload is
// sent as Slack sends it, with a fresh trigger_id, the container, the message
// or view, and the action; Click waits for the ack (bounded by ctx). Without
// an ack within Options.AckTimeout the person sees Slack's error and
// ErrAckTimeout is returned.
func (p *Person) Click(ctx context.Context, actionID string, opts ...ClickOption) error {
	var cfg clickConfig
	for _, o := range opts {
		o(&cfg)
	}
	s := p.s
	s.mu.Lock()
	if p.deactivatedLocked() {
		s.mu.Unlock()
		return ErrDeactivated
	}
	t, err := p.findClickTargetLocked(actionID, cfg)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	act, state, err := s.clickAction(t, cfg)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("slackfake: click %q: %w", actionID, err)
	}
	payload := s.interactionBase("block_actions", s.users[p.id], s.newTriggerLocked(p.id))
	if t.view != nil {
		if state != nil && t.view.kind == "modal" {
			mergeValues(t.view.values, map[string]map[string]any{t.blockID: {actionID: state}})
		}
		payload["container"] = map[string]any{"type": "view", "view_id": t.view.id}
		payload["view"] = s.viewJSON(t.view)
	} else {
		container := map[string]any{
			"type": "message", "message_ts": t.msg.ts, "channel_id": t.conv.id, "is_ephemeral": t.msg.ephemeral,
		}
		if t.msg.threadTS != "" {
			container["thread_ts"] = t.msg.threadTS
		}
		payload["container"] = container
		payload["channel"] = map[string]any{"id": t.conv.id, "name": t.conv.channelName()}
		if !t.msg.ephemeral {
			payload["message"] = s.messageJSON(t.msg, false)
		}
		payload["state"] = map[string]any{"values": map[string]any{}}
		payload["response_url"] = s.newResponseURLLocked("actions", t.conv.id, p.id, t.msg)
	}
	payload["actions"] = []any{act}
	e := s.newEnvelopeLocked("interactive", mustJSON(payload), false, 0, "")
	e.onTimeout = func() {
		seen := Seen{Kind: "error", Text: slackConnectionTrouble}
		if t.msg != nil {
			seen.Channel, seen.TS = t.conv.id, t.msg.ts
		}
		p.seeLocked(seen)
	}
	if state != nil {
		p.actLocked("picked %s in %s", describeState(state), actionID)
	} else {
		p.actLocked("clicked [%s]", textOf(t.elem["text"]))
	}
	s.deliverLocked(e)
	s.mu.Unlock()

	_, err = p.settle(ctx, e)
	return err
}

func (p *Person) findClickTargetLocked(actionID string, cfg clickConfig) (clickTarget, error) {
	s := p.s
	inView := func(v *view) (clickTarget, bool) {
		if v == nil {
			return clickTarget{}, false
		}
		bid, elem := findElement(v.blocks, actionID)
		return clickTarget{view: v, blockID: bid, elem: elem}, elem != nil
	}
	if cfg.where == "" || cfg.where == "modal" {
		if t, found := inView(p.topLocked()); found {
			return t, nil
		}
	}
	if cfg.where == "" || cfg.where == "home" {
		if t, found := inView(p.home); found {
			return t, nil
		}
	}
	if cfg.where == "" || cfg.where == "message" {
		var best clickTarget
		for _, c := range s.convs {
			member := c.hasMember(p.id)
			for _, m := range slices.Backward(c.messages) {
				visible := (m.ephemeral && m.to == p.id) || (!m.ephemeral && member)
				if !visible || m.deleted || (cfg.ts != "" && m.ts != cfg.ts) {
					continue
				}
				if best.msg != nil && tsValue(m.ts) <= tsValue(best.msg.ts) {
					break
				}
				if bid, elem := findElement(m.blocks, actionID); elem != nil {
					best = clickTarget{conv: c, msg: m, blockID: bid, elem: elem}
					break
				}
			}
		}
		if best.msg != nil {
			return best, nil
		}
	}
	where := cfg.where
	if where == "" {
		where = "any surface"
	}
	return clickTarget{}, fmt.Errorf("slackfake: %s sees no element with action_id %q on %s", p.id, actionID, where)
}

// clickAction builds the action object of a click and, for elements that
// hold state, the element's new state.
func (s *Server) clickAction(t clickTarget, cfg clickConfig) (act, state map[string]any, err error) {
	typ := asString(t.elem["type"])
	act = map[string]any{
		"type":      typ,
		"block_id":  t.blockID,
		"action_id": asString(t.elem["action_id"]),
		"action_ts": s.ids.ts(),
	}
	if typ == "button" {
		act["text"] = t.elem["text"]
		value, has := t.elem["value"]
		if cfg.value != nil {
			value, has = *cfg.value, true
		}
		if has {
			act["value"] = value
		}
		if st := asString(t.elem["style"]); st != "" {
			act["style"] = st
		}
		return act, nil, nil
	}
	var val any
	switch {
	case len(cfg.options) > 0 && isMulti(typ):
		val = cfg.options
	case len(cfg.options) == 1:
		val = cfg.options[0]
	case len(cfg.options) > 1:
		return nil, nil, fmt.Errorf("%s takes one value", typ)
	case cfg.value != nil && isMulti(typ):
		val = []string{*cfg.value}
	case cfg.value != nil:
		val = *cfg.value
	default:
		return nil, nil, fmt.Errorf("clicking a %s needs SelectOption or WithValue", typ)
	}
	state, err = s.stateFor(t.elem, val)
	if err != nil {
		return nil, nil, err
	}
	for k, v := range state {
		if k != "type" {
			act[k] = v
		}
	}
	return act, state, nil
}

func isMulti(typ string) bool { return elementKinds[typ].multi }
