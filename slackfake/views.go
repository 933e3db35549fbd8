package slackfake

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// view is a modal or a Home tab.
type view struct {
	id, kind, user                              string
	externalID, hash                            string
	callbackID, privateMetadata                 string
	title, submit, closeText                    any // text objects as sent
	blocks                                      []any
	clearOnClose, notifyOnClose, submitDisabled bool
	rootID, previousID                          string
	open                                        bool
	// values holds what the person entered or selected, by block_id and
	// action_id, in the shape of view.state.values.
	values map[string]map[string]any
}

// trigger is a trigger_id handed to the app with an interaction.
type trigger struct {
	user   string
	issued time.Time
	used   bool
}

func (s *Server) newTriggerLocked(user string) string {
	// Forget long-dead triggers now and then; recent ones stay so that a
	// reuse is still told apart from an unknown trigger.
	now := s.now()
	if now.Sub(s.triggerSweep) > s.opts.TriggerTTL {
		s.triggerSweep = now
		for id, t := range s.triggers {
			if now.Sub(t.issued) > 10*s.opts.TriggerTTL {
				delete(s.triggers, id)
			}
		}
	}
	id := s.ids.trigger()
	s.triggers[id] = &trigger{user: user, issued: now}
	return id
}

// useTriggerLocked exchanges a trigger_id: it must exist, be unused and be
// younger than TriggerTTL on the server's clock (see Options.Clock).
func (s *Server) useTriggerLocked(id string) (*trigger, *apiResult) {
	t := s.triggers[id]
	var res apiResult
	switch {
	case t == nil:
		res = fail("invalid_trigger_id")
	case t.used:
		res = fail("exchanged_trigger_id")
	case s.now().Sub(t.issued) > s.opts.TriggerTTL:
		res = fail("expired_trigger_id")
	default:
		t.used = true
		return t, nil
	}
	return nil, &res
}

// viewParam reads and validates the view argument of views.* methods.
func viewParam(r *apiRequest, wantType string) (map[string]any, *apiResult) {
	v, present, err := r.jsonParam("view")
	spec := asMap(v)
	switch {
	case !present:
		res := failArgs("invalid_arguments", "missing required field: view")
		return nil, &res
	case err != nil || spec == nil:
		res := failArgs("invalid_arguments", "must be an object [json-pointer:/view]")
		return nil, &res
	case viewTooLarge(spec):
		res := fail("view_too_large")
		return nil, &res
	}
	if problems := validateView(spec, wantType); len(problems) > 0 {
		res := failArgs("invalid_arguments", problems...)
		return nil, &res
	}
	return spec, nil
}

// newViewLocked creates a view from a validated spec.
func (s *Server) newViewLocked(spec map[string]any, user string) *view {
	v := &view{id: s.ids.view(), user: user, open: true, values: map[string]map[string]any{}}
	s.applySpecLocked(v, spec)
	s.views[v.id] = v
	return v
}

// applySpecLocked sets a view's content from a spec and gives it a new hash.
// Entered values survive for inputs that are still there, as in Slack.
func (s *Server) applySpecLocked(v *view, spec map[string]any) {
	spec = asMap(deepCopy(spec))
	v.kind = asString(spec["type"])
	v.blocks = asSlice(spec["blocks"])
	ensureIDs(&s.ids, v.blocks)
	v.title, v.submit, v.closeText = spec["title"], spec["submit"], spec["close"]
	v.callbackID = asString(spec["callback_id"])
	v.privateMetadata = asString(spec["private_metadata"])
	if ext := asString(spec["external_id"]); ext != "" {
		v.externalID = ext // an update without one keeps the old one
	}
	v.clearOnClose, _ = spec["clear_on_close"].(bool)
	v.notifyOnClose, _ = spec["notify_on_close"].(bool)
	v.submitDisabled, _ = spec["submit_disabled"].(bool)
	v.hash = s.ids.hash()
	kept := map[string]map[string]any{}
	for bid, actions := range v.values {
		for aid, val := range actions {
			if _, elem := findElement(v.blocks, aid); elem != nil && blockHas(v.blocks, bid, aid) {
				if kept[bid] == nil {
					kept[bid] = map[string]any{}
				}
				kept[bid][aid] = val
			}
		}
	}
	v.values = kept
}

// blockHas reports whether block bid holds an element with action_id aid.
func blockHas(blocks []any, bid, aid string) bool {
	for _, b := range blocks {
		block := asMap(b)
		if asString(block["block_id"]) != bid {
			continue
		}
		for _, e := range blockElements(block) {
			if asString(e["action_id"]) == aid {
				return true
			}
		}
	}
	return false
}

// stateJSON renders view.state.values. With full, every input block is
// present, unfilled ones with null values, as in interaction payloads;
// without it only what the person entered, as views.* methods return.
func (v *view) stateJSON(full bool) map[string]any {
	out := map[string]any{}
	if full {
		for _, b := range v.blocks {
			block := asMap(b)
			if asString(block["type"]) != "input" {
				continue
			}
			elem := asMap(block["element"])
			bid, aid := asString(block["block_id"]), asString(elem["action_id"])
			out[bid] = map[string]any{aid: initialState(elem)}
		}
	}
	for bid, actions := range v.values {
		m := asMap(out[bid])
		if m == nil {
			m = map[string]any{}
			out[bid] = m
		}
		for aid, val := range actions {
			m[aid] = deepCopy(val)
		}
	}
	return out
}

// slackView converts a view to slack-go's type, state included.
func (s *Server) slackView(v *view) *slack.View {
	obj := s.viewJSON(v)
	obj["state"] = map[string]any{"values": v.stateJSON(true)}
	b, _ := json.Marshal(obj)
	var out slack.View
	_ = json.Unmarshal(b, &out)
	return &out
}

// viewText is the plain-text rendering of a view for Seen and transcripts.
func viewText(v *view) string {
	var lines []string
	if t := textOf(v.title); t != "" {
		lines = append(lines, "▣ "+t)
	}
	if body := renderBlocks(v.blocks); body != "" {
		lines = append(lines, body)
	}
	var buttons []string
	if t := textOf(v.closeText); t != "" {
		buttons = append(buttons, "["+t+"]")
	}
	if t := textOf(v.submit); t != "" {
		buttons = append(buttons, "["+t+"]")
	}
	if len(buttons) > 0 {
		lines = append(lines, strings.Join(buttons, " "))
	}
	return strings.Join(lines, "\n")
}

// showViewLocked records that a person was shown a view.
func (s *Server) showViewLocked(p *Person, v *view, kind string) {
	if p == nil {
		return
	}
	sv := s.slackView(v)
	p.seeLocked(Seen{At: time.Now(), Kind: kind, Text: viewText(v), Blocks: sv.Blocks, View: sv})
	s.notifyLocked()
}

func (s *Server) checkExternalIDLocked(spec map[string]any, self *view) *apiResult {
	ext := asString(spec["external_id"])
	if ext == "" {
		return nil
	}
	for _, v := range s.views {
		if v != self && v.externalID == ext {
			res := fail("duplicate_external_id")
			return &res
		}
	}
	return nil
}

// modalSpec reads the modal of a views.open or views.push request, which needs a trigger.
func modalSpec(r *apiRequest) (map[string]any, *apiResult) {
	if r.str("trigger_id") == "" {
		res := failArgs("invalid_arguments", "missing required field: trigger_id")
		return nil, &res
	}
	return viewParam(r, "modal")
}

// triggerForLocked checks a new modal's external_id and uses up the request's trigger, in
// the order Slack checks them. s.mu must be held.
func (s *Server) triggerForLocked(r *apiRequest, spec map[string]any) (*trigger, *apiResult) {
	if bad := s.checkExternalIDLocked(spec, nil); bad != nil {
		return nil, bad
	}
	return s.useTriggerLocked(r.str("trigger_id"))
}

func (s *Server) viewsOpen(r *apiRequest) apiResult {
	spec, bad := modalSpec(r)
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, bad := s.triggerForLocked(r, spec)
	if bad != nil {
		return *bad
	}
	v := s.newViewLocked(spec, t.user)
	v.rootID = v.id
	if p := s.people[t.user]; p != nil {
		for _, old := range p.modals {
			old.open = false
		}
		p.modals = []*view{v}
		s.showViewLocked(p, v, "modal_open")
	}
	return ok(map[string]any{"view": s.viewJSONForAPI(v)})
}

// viewJSONForAPI renders a view as views.* methods return it.
func (s *Server) viewJSONForAPI(v *view) map[string]any {
	obj := s.viewJSON(v)
	obj["state"] = map[string]any{"values": v.stateJSON(false)}
	return obj
}

func (s *Server) viewsPush(r *apiRequest) apiResult {
	spec, bad := modalSpec(r)
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, bad := s.triggerForLocked(r, spec)
	if bad != nil {
		return *bad
	}
	p := s.people[t.user]
	if p == nil || len(p.modals) == 0 {
		return fail("not_found")
	}
	if len(p.modals) >= maxModalStack {
		return fail("push_limit_reached")
	}
	top := p.modals[len(p.modals)-1]
	v := s.newViewLocked(spec, t.user)
	v.rootID, v.previousID = p.modals[0].id, top.id
	p.modals = append(p.modals, v)
	s.showViewLocked(p, v, "modal_push")
	return ok(map[string]any{"view": s.viewJSONForAPI(v)})
}

func (s *Server) viewsUpdate(r *apiRequest) apiResult {
	viewID, extID := r.str("view_id"), r.str("external_id")
	if viewID == "" && extID == "" {
		return failArgs("invalid_arguments", "missing required field: view_id")
	}
	s.mu.Lock()
	var v *view
	if viewID != "" {
		v = s.views[viewID]
	} else {
		for _, x := range s.views {
			if x.externalID == extID {
				v = x
			}
		}
	}
	if v == nil || !v.open {
		s.mu.Unlock()
		return fail("not_found")
	}
	kind := v.kind
	s.mu.Unlock()

	spec, bad := viewParam(r, kind)
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := r.str("hash"); h != "" && h != v.hash {
		return fail("hash_conflict")
	}
	if !v.open {
		return fail("not_found")
	}
	if bad := s.checkExternalIDLocked(spec, v); bad != nil {
		return *bad
	}
	s.applySpecLocked(v, spec)
	seenKind := "modal_update"
	if v.kind == "home" {
		seenKind = "home"
	}
	s.showViewLocked(s.people[v.user], v, seenKind)
	return ok(map[string]any{"view": s.viewJSONForAPI(v)})
}

func (s *Server) viewsPublish(r *apiRequest) apiResult {
	userID := r.str("user_id")
	if userID == "" {
		return failArgs("invalid_arguments", "missing required field: user_id")
	}
	spec, bad := viewParam(r, "home")
	if bad != nil {
		return *bad
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[userID] == nil {
		return fail("user_not_found")
	}
	p := s.people[userID]
	var home *view
	if p != nil {
		home = p.home
	}
	if h := r.str("hash"); h != "" && home != nil && h != home.hash {
		return fail("hash_conflict")
	}
	if bad := s.checkExternalIDLocked(spec, home); bad != nil {
		return *bad
	}
	if home == nil {
		home = s.newViewLocked(spec, userID)
		home.rootID = home.id
		if p != nil {
			p.home = home
		}
	} else {
		s.applySpecLocked(home, spec)
	}
	s.showViewLocked(p, home, "home")
	return ok(map[string]any{"view": s.viewJSONForAPI(home)})
}
