package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Values are what a person enters in a modal, keyed by action_id (a block_id
// is accepted too). A value is a string (text, option value, user or
// conversation ID, date "2006-01-02", time "15:04"), a []string for
// multi-selects and checkboxes, or a number for number inputs.
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
// text breaks min_length or max_length, a number is out of range or a
// value is not one of the element's options. view.state.values is built as
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
	p.actLocked("submitted %q%s", textOf(top.title), describeValues(values))
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

// stateFor builds an element's state entry for a value, refusing what the
// Slack client would not let a person enter.
func (s *Server) stateFor(elem map[string]any, val any) (map[string]any, error) {
	typ := asString(elem["type"])
	st := map[string]any{"type": typ}
	str, isStr := toString(val)
	list, isList := toStrings(val)
	needStr := func() error {
		if !isStr {
			return fmt.Errorf("%s takes a single value, got %T", typ, val)
		}
		return nil
	}
	switch typ {
	case "plain_text_input", "email_text_input", "url_text_input":
		if err := needStr(); err != nil {
			return nil, err
		}
		if str == "" {
			st["value"] = nil
			return st, nil
		}
		n := len([]rune(str))
		if maxLen, err := strconv.Atoi(asString(elem["max_length"])); err == nil && maxLen > 0 && n > maxLen {
			return nil, fmt.Errorf("%d characters, more than max_length %d", n, maxLen)
		}
		if minLen, err := strconv.Atoi(asString(elem["min_length"])); err == nil && n < minLen {
			return nil, fmt.Errorf("%d characters, fewer than min_length %d", n, minLen)
		}
		if typ == "email_text_input" && (!strings.Contains(str, "@") || strings.ContainsAny(str, " \t\n")) {
			return nil, fmt.Errorf("%q is not an email address", str)
		}
		if typ == "url_text_input" {
			if u, err := url.Parse(str); err != nil || u.Scheme == "" || u.Host == "" {
				return nil, fmt.Errorf("%q is not a URL", str)
			}
		}
		st["value"] = str
	case "number_input":
		if err := needStr(); err != nil {
			return nil, err
		}
		if str == "" {
			st["value"] = nil
			return st, nil
		}
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", str)
		}
		if dec, _ := elem["is_decimal_allowed"].(bool); !dec && strings.ContainsAny(str, ".eE") {
			return nil, fmt.Errorf("%q is not a whole number", str)
		}
		if lo, err := strconv.ParseFloat(asString(elem["min_value"]), 64); err == nil && f < lo {
			return nil, fmt.Errorf("%s is less than min_value %v", str, lo)
		}
		if hi, err := strconv.ParseFloat(asString(elem["max_value"]), 64); err == nil && f > hi {
			return nil, fmt.Errorf("%s is more than max_value %v", str, hi)
		}
		st["value"] = str
	case "static_select", "radio_buttons", "external_select":
		if err := needStr(); err != nil {
			return nil, err
		}
		if str == "" {
			st["selected_option"] = nil
			return st, nil
		}
		opt := findOption(elem, str)
		if opt == nil && typ == "external_select" {
			opt = map[string]any{"text": map[string]any{"type": "plain_text", "text": str, "emoji": true}, "value": str}
		}
		if opt == nil {
			return nil, fmt.Errorf("%q is not one of the options", str)
		}
		st["selected_option"] = opt
	case "multi_static_select", "checkboxes", "multi_external_select":
		if !isList {
			return nil, fmt.Errorf("%s takes a list of values, got %T", typ, val)
		}
		opts := []any{}
		for _, v := range list {
			opt := findOption(elem, v)
			if opt == nil {
				return nil, fmt.Errorf("%q is not one of the options", v)
			}
			opts = append(opts, opt)
		}
		if maxN, err := strconv.Atoi(asString(elem["max_selected_items"])); err == nil && maxN > 0 && len(list) > maxN {
			return nil, fmt.Errorf("%d selected, more than max_selected_items %d", len(list), maxN)
		}
		st["selected_options"] = opts
	case "users_select", "conversations_select", "channels_select":
		if err := needStr(); err != nil {
			return nil, err
		}
		key := map[string]string{"users_select": "selected_user", "conversations_select": "selected_conversation", "channels_select": "selected_channel"}[typ]
		if str == "" {
			st[key] = nil
			return st, nil
		}
		if typ == "users_select" && s.users[str] == nil {
			return nil, fmt.Errorf("no user %q in the workspace", str)
		}
		st[key] = str
	case "multi_users_select", "multi_conversations_select", "multi_channels_select":
		if !isList {
			return nil, fmt.Errorf("%s takes a list of values, got %T", typ, val)
		}
		key := map[string]string{"multi_users_select": "selected_users", "multi_conversations_select": "selected_conversations", "multi_channels_select": "selected_channels"}[typ]
		ids := []any{}
		for _, id := range list {
			if typ == "multi_users_select" && s.users[id] == nil {
				return nil, fmt.Errorf("no user %q in the workspace", id)
			}
			ids = append(ids, id)
		}
		if maxN, err := strconv.Atoi(asString(elem["max_selected_items"])); err == nil && maxN > 0 && len(list) > maxN {
			return nil, fmt.Errorf("%d selected, more than max_selected_items %d", len(list), maxN)
		}
		st[key] = ids
	case "rich_text_input":
		if err := needStr(); err != nil {
			return nil, err
		}
		if str == "" {
			st["rich_text_value"] = nil
			return st, nil
		}
		st["rich_text_value"] = map[string]any{
			"type": "rich_text",
			"elements": []any{map[string]any{
				"type":     "rich_text_section",
				"elements": []any{map[string]any{"type": "text", "text": str}},
			}},
		}
	case "datepicker":
		if err := needStr(); err != nil {
			return nil, err
		}
		if _, err := time.Parse(time.DateOnly, str); str != "" && err != nil {
			return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", str)
		}
		st["selected_date"] = nilIfEmpty(str)
	case "timepicker":
		if err := needStr(); err != nil {
			return nil, err
		}
		if _, err := time.Parse("15:04", str); str != "" && err != nil {
			return nil, fmt.Errorf("%q is not a time (HH:MM)", str)
		}
		st["selected_time"] = nilIfEmpty(str)
	default:
		return nil, fmt.Errorf("entering values in a %s is not supported", typ)
	}
	return st, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func toString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case json.Number:
		return t.String(), true
	case nil:
		return "", true
	}
	return "", false
}

func toStrings(v any) ([]string, bool) {
	switch t := v.(type) {
	case []string:
		return t, true
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			s, ok := toString(x)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	case nil:
		return nil, true
	}
	return nil, false
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

// describeValues renders what the person typed or chose, for the transcript.
func describeValues(values Values) string {
	if len(values) == 0 {
		return ""
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := fmt.Sprint(values[k])
		if r := []rune(v); len(r) > 40 {
			v = string(r[:39]) + "…"
		}
		parts = append(parts, k+"="+v)
	}
	return ": " + strings.Join(parts, ", ")
}
