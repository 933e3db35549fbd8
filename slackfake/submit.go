package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Values are what a person enters in a modal, keyed by action_id (a block_id is
// accepted too). A value is a string (typed text, an option's value, a user ID, a
// date "2006-01-02") or a number written as one, or a []string for multi-selects and
// checkboxes. elementKinds says how each element type takes it.
type Values map[string]any

// SubmitReply is the app's answer to a view submission.
type SubmitReply struct {
	AckPayload     json.RawMessage
	ResponseAction string            // "", "errors", "update", "push" or "clear"
	Errors         map[string]string // for "errors", by block_id
	AckLatency     time.Duration
}

// slackConnectionTrouble is what Slack shows in a modal when the app fails
// to answer a submission or answers it wrongly.
const slackConnectionTrouble = "We had some trouble connecting. Try again?"

// Fill enters values in the person's top modal without submitting it, as a
// person typing would; the values then appear in view.state of later
// payloads. The same client-side checks as Submit apply, except that
// required inputs may stay empty.
func (p *Person) Fill(values Values) error {
	s := p.s
	s.mu.Lock()
	defer s.mu.Unlock()
	top := p.topLocked()
	if top == nil {
		return ErrNoModal
	}
	entered, err := s.resolveValuesLocked(top, values)
	if err != nil {
		return err
	}
	mergeValues(top.values, entered)
	s.notifyLocked()
	return nil
}

func mergeValues(dst, src map[string]map[string]any) {
	for bid, actions := range src {
		if dst[bid] == nil {
			dst[bid] = map[string]any{}
		}
		maps.Copy(dst[bid], actions)
	}
}

// Submit fills in values and submits the person's top modal. Like Slack's
// client it refuses, sending nothing, when a required input is empty, a
// text breaks min_length or max_length or has a line break in a single-line
// input, a date is malformed, a user is unknown or deactivated, or a value is
// not one of the element's options. view.state.values is built as
// Slack builds it, unfilled optional inputs included with null values.
// Submit waits for the ack and applies its response_action: "errors" keeps
// the modal and shows the errors, "update" replaces the modal, "push"
// pushes a new one, "clear" closes them all, and none closes the top modal.
func (p *Person) Submit(ctx context.Context, values Values) (SubmitReply, error) {
	s := p.s
	s.mu.Lock()
	top := p.topLocked()
	if top == nil {
		s.mu.Unlock()
		return SubmitReply{}, ErrNoModal
	}
	entered, err := s.resolveValuesLocked(top, values)
	if err != nil {
		s.mu.Unlock()
		return SubmitReply{}, err
	}
	candidate := &view{blocks: top.blocks, values: map[string]map[string]any{}}
	mergeValues(candidate.values, top.values)
	mergeValues(candidate.values, entered)
	if err := checkRequired(candidate); err != nil {
		s.mu.Unlock()
		return SubmitReply{}, err
	}
	top.values = candidate.values

	payload := s.interactionBase("view_submission", s.users[p.id], s.newTriggerLocked(p.id))
	payload["view"] = s.viewJSON(top)
	payload["response_urls"] = []any{}
	e := s.newEnvelopeLocked("interactive", mustJSON(payload), true, 0, "")
	e.onTimeout = func() {
		p.seeLocked(Seen{Kind: "error", Text: slackConnectionTrouble, View: s.slackView(top)})
	}
	p.actLocked("submitted %q%s", textOf(top.title), describeEntered(entered))
	s.deliverLocked(e)
	s.mu.Unlock()

	ack, err := p.settle(ctx, e)
	if err != nil {
		return SubmitReply{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.applySubmitAckLocked(p, top, ack)
}

// SubmitRaw sends a view_submission for any view with the given state (the
// state object {"values":…} or just the values), for tests of input the
// Slack client would never send, such as a view the app never opened. If
// the view is the person's top modal, the ack's response_action is applied.
func (p *Person) SubmitRaw(ctx context.Context, v slack.View, state json.RawMessage) (SubmitReply, error) {
	s := p.s
	b, err := json.Marshal(v)
	if err != nil {
		return SubmitReply{}, err
	}
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		return SubmitReply{}, err
	}
	for _, k := range []string{"ok", "error", "warning", "errors", "response_metadata", "needed", "provided"} {
		delete(obj, k)
	}
	if len(state) > 0 {
		var st map[string]any
		if err := json.Unmarshal(state, &st); err != nil {
			return SubmitReply{}, fmt.Errorf("state: %w", err)
		}
		if _, wrapped := st["values"]; !wrapped {
			st = map[string]any{"values": st}
		}
		obj["state"] = st
	}
	s.mu.Lock()
	if p.deactivatedLocked() {
		s.mu.Unlock()
		return SubmitReply{}, ErrDeactivated
	}
	payload := s.interactionBase("view_submission", s.users[p.id], s.newTriggerLocked(p.id))
	payload["view"] = obj
	payload["response_urls"] = []any{}
	e := s.newEnvelopeLocked("interactive", mustJSON(payload), true, 0, "")
	top := p.topLocked()
	e.onTimeout = func() { p.seeLocked(Seen{Kind: "error", Text: slackConnectionTrouble}) }
	p.actLocked("submitted a crafted view %q", v.CallbackID)
	s.deliverLocked(e)
	s.mu.Unlock()

	ack, err := p.settle(ctx, e)
	if err != nil {
		return SubmitReply{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if top != nil && top.id == v.ID {
		return s.applySubmitAckLocked(p, top, ack)
	}
	reply := SubmitReply{AckPayload: ack.Payload, AckLatency: ack.Latency}
	var resp viewSubmissionResponse
	if !isEmptyJSON(ack.Payload) {
		_ = json.Unmarshal(ack.Payload, &resp)
	}
	reply.ResponseAction, reply.Errors = resp.ResponseAction, resp.Errors
	return reply, nil
}

type viewSubmissionResponse struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
	View           json.RawMessage   `json:"view"`
}

// applySubmitAckLocked applies the response_action of a submission's ack to
// the person's modal stack, as Slack does.
func (s *Server) applySubmitAckLocked(p *Person, submitted *view, ack Ack) (SubmitReply, error) {
	reply := SubmitReply{AckPayload: ack.Payload, AckLatency: ack.Latency}
	trouble := func(err error) (SubmitReply, error) {
		p.seeLocked(Seen{Kind: "error", Text: slackConnectionTrouble, View: s.slackView(submitted)})
		s.notifyLocked()
		return reply, err
	}
	var resp viewSubmissionResponse
	if !isEmptyJSON(ack.Payload) {
		if err := json.Unmarshal(ack.Payload, &resp); err != nil {
			return trouble(fmt.Errorf("ack payload is not a view submission response: %w", err))
		}
	}
	reply.ResponseAction, reply.Errors = resp.ResponseAction, resp.Errors
	at := slices.Index(p.modals, submitted)
	if at < 0 {
		return reply, nil // closed meanwhile, e.g. by views.open
	}
	closeFrom := func(i int) {
		for _, v := range p.modals[i:] {
			v.open = false
		}
		p.modals = p.modals[:i]
		s.notifyLocked()
	}
	newSpec := func() (map[string]any, error) {
		v, err := decodeJSON(resp.View)
		spec := asMap(v)
		if err != nil || spec == nil {
			return nil, fmt.Errorf("response_action %s without a view", resp.ResponseAction)
		}
		if problems := validateView(spec, "modal"); len(problems) > 0 {
			return nil, fmt.Errorf("response_action %s: invalid_arguments: %s", resp.ResponseAction, problemsText(problems))
		}
		return spec, nil
	}

	switch resp.ResponseAction {
	case "":
		closeFrom(at)
	case "clear":
		closeFrom(0)
	case "errors":
		inputs := map[string]string{}
		for _, b := range submitted.blocks {
			if block := asMap(b); asString(block["type"]) == "input" {
				inputs[asString(block["block_id"])] = textOf(block["label"])
			}
		}
		var unknown []string
		for bid := range resp.Errors {
			if _, isInput := inputs[bid]; !isInput {
				unknown = append(unknown, bid)
			}
		}
		if len(resp.Errors) == 0 || len(unknown) > 0 {
			slices.Sort(unknown)
			return trouble(fmt.Errorf("response_action errors must name input blocks of the view; not inputs: %v", unknown))
		}
		var lines []string
		for _, bid := range slices.Sorted(maps.Keys(resp.Errors)) {
			lines = append(lines, fmt.Sprintf("⚠ %s: %s", inputs[bid], resp.Errors[bid]))
		}
		sv := s.slackView(submitted)
		p.seeLocked(Seen{Kind: "modal_errors", Text: strings.Join(lines, "\n"), Blocks: sv.Blocks, View: sv})
		s.notifyLocked()
	case "update":
		spec, err := newSpec()
		if err != nil {
			return trouble(err)
		}
		s.applySpecLocked(submitted, spec)
		s.showViewLocked(p, submitted, "modal_update")
	case "push":
		spec, err := newSpec()
		if err != nil {
			return trouble(err)
		}
		if len(p.modals) >= maxModalStack {
			return trouble(fmt.Errorf("response_action push: push_limit_reached"))
		}
		v := s.newViewLocked(spec, p.id)
		v.rootID, v.previousID = p.modals[0].id, p.modals[len(p.modals)-1].id
		p.modals = append(p.modals, v)
		s.showViewLocked(p, v, "modal_push")
	default:
		return trouble(fmt.Errorf("unknown response_action %q", resp.ResponseAction))
	}
	return reply, nil
}

// Cancel closes the person's top modal with its close button (the whole
// stack when the view has clear_on_close). A view with notify_on_close sends
// view_closed, and Cancel waits for its ack.
func (p *Person) Cancel(ctx context.Context) error {
	s := p.s
	s.mu.Lock()
	top := p.topLocked()
	if top == nil {
		s.mu.Unlock()
		return ErrNoModal
	}
	from := len(p.modals) - 1
	if top.clearOnClose {
		from = 0
	}
	cleared := from == 0 && len(p.modals) > 1
	for _, v := range p.modals[from:] {
		v.open = false
	}
	p.modals = p.modals[:from]
	p.actLocked("closed %q", textOf(top.title))
	var e *envelope
	if top.notifyOnClose {
		payload := s.interactionBase("view_closed", s.users[p.id], "")
		payload["view"] = s.viewJSON(top)
		payload["is_cleared"] = cleared
		e = s.newEnvelopeLocked("interactive", mustJSON(payload), false, 0, "")
		e.onTimeout = func() {}
		s.deliverLocked(e)
	}
	s.notifyLocked()
	s.mu.Unlock()
	if e == nil {
		return nil
	}
	_, err := p.settle(ctx, e)
	return err
}

// resolveValuesLocked turns Values into view state entries, checking them
// as Slack's client does.
func (s *Server) resolveValuesLocked(v *view, values Values) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for _, key := range slices.Sorted(maps.Keys(values)) {
		bid, elem := findStateful(v.blocks, key)
		if elem == nil {
			return nil, fmt.Errorf("slackfake: the modal has no input with action_id or block_id %q", key)
		}
		st, err := s.stateFor(elem, values[key])
		if err != nil {
			return nil, fmt.Errorf("slackfake: input %q: %w", key, err)
		}
		if out[bid] == nil {
			out[bid] = map[string]any{}
		}
		out[bid][asString(elem["action_id"])] = st
	}
	return out, nil
}

// findStateful finds an element by action_id, or the element of the block
// with this block_id.
func findStateful(blocks []any, key string) (string, map[string]any) {
	if bid, elem := findElement(blocks, key); elem != nil {
		return bid, elem
	}
	for _, b := range blocks {
		block := asMap(b)
		if asString(block["block_id"]) == key {
			if els := blockElements(block); len(els) == 1 {
				return key, els[0]
			}
		}
	}
	return "", nil
}

// checkRequired refuses a submission whose required inputs are empty, as the
// Slack client does.
func checkRequired(v *view) error {
	state := v.stateJSON(true)
	for _, b := range v.blocks {
		block := asMap(b)
		if asString(block["type"]) != "input" {
			continue
		}
		if optional, _ := block["optional"].(bool); optional {
			continue
		}
		bid := asString(block["block_id"])
		aid := asString(asMap(block["element"])["action_id"])
		if !filled(asMap(asMap(state[bid])[aid])) {
			return fmt.Errorf("slackfake: required input %q (%s) is empty", textOf(block["label"]), aid)
		}
	}
	return nil
}

// filled reports whether a state entry holds a value.
func filled(st map[string]any) bool {
	for k, v := range st {
		if k == "type" || v == nil {
			continue
		}
		switch t := v.(type) {
		case string:
			if t != "" {
				return true
			}
		case []any:
			if len(t) > 0 {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// describeEntered renders what the person typed or chose, by action_id, for the
// transcript.
func describeEntered(entered map[string]map[string]any) string {
	byAction := map[string]map[string]any{}
	for _, actions := range entered {
		for aid, st := range actions {
			byAction[aid] = asMap(st)
		}
	}
	if len(byAction) == 0 {
		return ""
	}
	var parts []string
	for _, aid := range slices.Sorted(maps.Keys(byAction)) {
		v := describeState(byAction[aid])
		if r := []rune(v); len(r) > 40 {
			v = string(r[:39]) + "…"
		}
		parts = append(parts, aid+"="+v)
	}
	return ": " + strings.Join(parts, ", ")
}
