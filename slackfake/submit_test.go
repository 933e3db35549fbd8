package slackfake_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func opt(text, value string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(value, plain(text), nil)
}

func input(blockID, label string, optional bool, el slack.BlockElement) *slack.InputBlock {
	b := slack.NewInputBlock(blockID, plain(label), nil, el)
	b.Optional = optional
	return b
}

// formModal has an input of every element type the fake keeps state for.
func formModal() slack.ModalViewRequest {
	name := slack.NewPlainTextInputBlockElement(nil, "name_in")
	name.MaxLength, name.MinLength = 20, 2
	note := slack.NewPlainTextInputBlockElement(nil, "note_in").WithMultiline(true)
	topics := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "topics_in", opt("Generative AI", "genai"), opt("Slack", "slack"), opt("TikTok", "tiktok"))
	two := 2
	topics.MaxSelectedItems = &two
	return slack.ModalViewRequest{
		Type: slack.VTModal, Title: plain("Join"), Submit: plain("Join"), Close: plain("Cancel"),
		CallbackID: "join", PrivateMetadata: "cycle-7", NotifyOnClose: true,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewHeaderBlock(plain("Tell us about you")),
			input("name", "Name", false, name),
			input("dept", "Department", false, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "dept_in", opt("Sales", "sales"), opt("Design", "design"))),
			input("topics", "Topics", false, topics),
			input("role", "Role", false, slack.NewRadioButtonsBlockElement("role_in", opt("Mentor", "mentor"), opt("Mentee", "mentee"))),
			input("consent", "Consent", false, slack.NewCheckboxGroupsBlockElement("consent_in", opt("I agree", "yes"))),
			input("manager", "Manager", false, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, nil, "manager_in")),
			input("capacity", "Capacity", true, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "capacity_in", opt("1", "1"), opt("2", "2"), opt("3", "3"))),
			input("note", "Note", true, note),
			input("lang", "Language", true, slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "lang_in", opt("日本語", "ja"), opt("English", "en"))),
			input("extras", "Extras", true, slack.NewCheckboxGroupsBlockElement("extras_in", opt("Lunch", "lunch"))),
			input("start", "Start", true, slack.NewDatePickerBlockElement("start_in")),
		}},
	}
}

// modalApp opens view on every slash command and records interactions,
// answering view submissions with answer.
type modalApp struct {
	mu           sync.Mutex
	interactions []socketmode.Event
}

func (m *modalApp) last(t *testing.T, typ slack.InteractionType) (slack.InteractionCallback, map[string]any) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.interactions) - 1; i >= 0; i-- {
		cb := m.interactions[i].Data.(slack.InteractionCallback)
		if cb.Type == typ {
			return cb, rawPayload(t, m.interactions[i])
		}
	}
	t.Fatalf("no %s interaction", typ)
	return slack.InteractionCallback{}, nil
}

func (m *modalApp) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.interactions)
}

func startModalApp(t *testing.T, s *slackfake.Server, view slack.ModalViewRequest, answer func(cb slack.InteractionCallback) any) *modalApp {
	m := &modalApp{}
	startApp(t, s, func(a *testApp, evt socketmode.Event) {
		switch evt.Type {
		case socketmode.EventTypeSlashCommand:
			_ = a.SM.Ack(*evt.Request)
			if _, err := a.API.OpenView(evt.Data.(slack.SlashCommand).TriggerID, view); err != nil {
				t.Errorf("open view: %v", err)
			}
		case socketmode.EventTypeInteractive:
			m.mu.Lock()
			m.interactions = append(m.interactions, evt)
			m.mu.Unlock()
			cb := evt.Data.(slack.InteractionCallback)
			var payload any
			if cb.Type == slack.InteractionTypeViewSubmission && answer != nil {
				payload = answer(cb)
			}
			_ = a.SM.Ack(*evt.Request, payload)
		}
	})
	return m
}

func openForm(t *testing.T, s *slackfake.Server, p *slackfake.Person) {
	t.Helper()
	if _, err := p.Command(ctxFor(t, 5*time.Second), "join"); err != nil {
		t.Fatal(err)
	}
	if _, err := p.WaitModal(ctxFor(t, 5*time.Second), ""); err != nil {
		t.Fatal(err)
	}
}

func fullValues(managerID string) slackfake.Values {
	return slackfake.Values{
		"name_in": "Aiko", "dept": "design", "topics_in": []string{"genai", "slack"}, "role_in": "mentor",
		"consent_in": []string{"yes"}, "manager_in": managerID, "capacity_in": 2,
	}
}

func TestSubmit_BuildsStateValuesAsSlackDoes(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	app := startModalApp(t, s, formModal(), nil)
	boss := s.AddUser(slackfake.User{Name: "boss"})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)

	reply, err := p.Submit(ctxFor(t, 5*time.Second), fullValues(boss.ID()))
	if err != nil {
		t.Fatal(err)
	}
	if reply.ResponseAction != "" {
		t.Errorf("response_action = %q", reply.ResponseAction)
	}
	cb, raw := app.last(t, slack.InteractionTypeViewSubmission)
	if cb.View.CallbackID != "join" || cb.View.PrivateMetadata != "cycle-7" || cb.TriggerID == "" || cb.User.ID != p.ID() || cb.Team.ID != "T0FAKE" {
		t.Errorf("callback = %+v", cb)
	}
	v := cb.View.State.Values
	checks := []struct {
		block, action string
		got, want     any
	}{
		{"name", "name_in", v["name"]["name_in"].Value, "Aiko"},
		{"dept", "dept_in", v["dept"]["dept_in"].SelectedOption.Value, "design"},
		{"dept", "dept_in", v["dept"]["dept_in"].SelectedOption.Text.Text, "Design"},
		{"topics", "topics_in", len(v["topics"]["topics_in"].SelectedOptions), 2},
		{"role", "role_in", v["role"]["role_in"].SelectedOption.Value, "mentor"},
		{"consent", "consent_in", v["consent"]["consent_in"].SelectedOptions[0].Value, "yes"},
		{"manager", "manager_in", v["manager"]["manager_in"].SelectedUser, boss.ID()},
		{"capacity", "capacity_in", v["capacity"]["capacity_in"].SelectedOption.Value, "2"},
		{"dept", "type", string(v["dept"]["dept_in"].Type), "static_select"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s/%s = %v, want %v", c.block, c.action, c.got, c.want)
		}
	}
	// Unfilled optional inputs are present with null values (or empty lists).
	values := raw["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
	nulls := map[string]map[string]any{
		"note":   {"type": "plain_text_input", "value": nil},
		"lang":   {"type": "static_select", "selected_option": nil},
		"start":  {"type": "datepicker", "selected_date": nil},
		"extras": {"type": "checkboxes", "selected_options": []any{}},
	}
	for block, want := range nulls {
		action := block + "_in"
		got := values[block].(map[string]any)[action]
		if !reflect.DeepEqual(got, any(want)) {
			t.Errorf("state of unfilled %s = %#v, want %#v", block, got, want)
		}
	}
	if _, open := p.Modal(); open {
		t.Error("modal still open after a submission without response_action")
	}
}

// TestSubmit_StateEntryOfEachElementType checks view.state.values entry by entry
// against the shapes Slack sends (bolt-python's view_submission scenario tests,
// slack-go's view state types): the element's type and its value under Slack's key.
func TestSubmit_StateEntryOfEachElementType(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	app := startModalApp(t, s, formModal(), nil)
	boss := s.AddUser(slackfake.User{ID: "UBOSS0001", Name: "boss"})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)
	v := fullValues(boss.ID())
	v["note_in"], v["start_in"], v["extras_in"] = "line one\nline two", "2026-05-01", []string{"lunch"}
	if _, err := p.Submit(ctxFor(t, 5*time.Second), v); err != nil {
		t.Fatal(err)
	}
	_, raw := app.last(t, slack.InteractionTypeViewSubmission)
	state := raw["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
	option := func(text, value string) string {
		return `{"text":{"type":"plain_text","text":"` + text + `","emoji":false},"value":"` + value + `"}`
	}
	tests := []struct{ block, want string }{
		{"name", `{"type":"plain_text_input","value":"Aiko"}`},
		{"note", `{"type":"plain_text_input","value":"line one\nline two"}`},
		{"dept", `{"type":"static_select","selected_option":` + option("Design", "design") + `}`},
		{"topics", `{"type":"multi_static_select","selected_options":[` + option("Generative AI", "genai") + `,` + option("Slack", "slack") + `]}`},
		{"role", `{"type":"radio_buttons","selected_option":` + option("Mentor", "mentor") + `}`},
		{"consent", `{"type":"checkboxes","selected_options":[` + option("I agree", "yes") + `]}`},
		{"extras", `{"type":"checkboxes","selected_options":[` + option("Lunch", "lunch") + `]}`},
		{"manager", `{"type":"users_select","selected_user":"UBOSS0001"}`},
		{"start", `{"type":"datepicker","selected_date":"2026-05-01"}`},
	}
	for _, tt := range tests {
		t.Run(tt.block, func(t *testing.T) {
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			got := state[tt.block].(map[string]any)[tt.block+"_in"]
			if !reflect.DeepEqual(got, want) {
				t.Errorf("state = %s, want %s", mustMarshal(t, got), tt.want)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSubmit_RefusesWhatTheClientWouldNotSend(t *testing.T) {
	tests := []struct {
		name    string
		change  func(slackfake.Values)
		wantErr string
	}{
		{"required text empty", func(v slackfake.Values) { delete(v, "name_in") }, "required input"},
		{"required select empty", func(v slackfake.Values) { v["dept_in"] = "" }, "required input"},
		{"required checkboxes empty", func(v slackfake.Values) { v["consent_in"] = []string{} }, "required input"},
		{"text over max_length", func(v slackfake.Values) { v["name_in"] = strings.Repeat("a", 21) }, "max_length"},
		{"text under min_length", func(v slackfake.Values) { v["name_in"] = "A" }, "min_length"},
		{"option not in the select", func(v slackfake.Values) { v["dept_in"] = "finance" }, "not one of the options"},
		{"option not in the multi-select", func(v slackfake.Values) { v["topics_in"] = []string{"cobol"} }, "not one of the options"},
		{"unknown user", func(v slackfake.Values) { v["manager_in"] = "UNOBODY" }, "no user"},
		{"deactivated user", func(v slackfake.Values) { v["manager_in"] = "UGONE0001" }, "deactivated"},
		{"line break in a single-line input", func(v slackfake.Values) { v["name_in"] = "Ai\nko" }, "line breaks"},
		{"more than max_selected_items", func(v slackfake.Values) { v["topics_in"] = []string{"genai", "slack", "tiktok"} }, "max_selected_items"},
		{"number not among the options", func(v slackfake.Values) { v["capacity_in"] = 4 }, "not one of the options"},
		{"no such input", func(v slackfake.Values) { v["shoe_size"] = "42" }, "no input"},
		{"bad date", func(v slackfake.Values) { v["start_in"] = "next tuesday" }, "not a date"},
	}
	s := newFake(t, slackfake.Options{})
	app := startModalApp(t, s, formModal(), nil)
	boss := s.AddUser(slackfake.User{Name: "boss"})
	s.AddUser(slackfake.User{ID: "UGONE0001", Name: "gone", Deleted: true})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fullValues(boss.ID())
			tt.change(v)
			_, err := p.Submit(ctxFor(t, 5*time.Second), v)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.wantErr)
			}
			if app.count() != 0 {
				t.Error("a refused submission reached the app")
			}
		})
	}
	if _, open := p.Modal(); !open {
		t.Error("modal closed by refused submissions")
	}
}

func TestSubmit_AppliesResponseAction(t *testing.T) {
	next := simpleModal("thanks", "Thanks")
	tests := []struct {
		name        string
		answer      any
		wantStack   []string // callback IDs, bottom first
		wantSeen    string
		wantErrors  map[string]string
		wantFailure bool
	}{
		{name: "none closes", answer: nil, wantStack: nil},
		{name: "clear closes all", answer: slack.NewClearViewSubmissionResponse(), wantStack: nil},
		{name: "errors keep the modal", answer: slack.NewErrorsViewSubmissionResponse(map[string]string{"name": "Too short"}),
			wantStack: []string{"join"}, wantSeen: "modal_errors", wantErrors: map[string]string{"name": "Too short"}},
		{name: "errors on a non-input block", answer: slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "x"}),
			wantStack: []string{"join"}, wantSeen: "error", wantErrors: map[string]string{"nope": "x"}, wantFailure: true},
		{name: "update replaces", answer: slack.NewUpdateViewSubmissionResponse(&next), wantStack: []string{"thanks"}, wantSeen: "modal_update"},
		{name: "push pushes", answer: slack.NewPushViewSubmissionResponse(&next), wantStack: []string{"join", "thanks"}, wantSeen: "modal_push"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			startModalApp(t, s, formModal(), func(slack.InteractionCallback) any { return tt.answer })
			boss := s.AddUser(slackfake.User{Name: "boss"})
			p := s.AddUser(slackfake.User{Name: "aiko"})
			openForm(t, s, p)
			reply, err := p.Submit(ctxFor(t, 5*time.Second), fullValues(boss.ID()))
			if (err != nil) != tt.wantFailure {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(reply.Errors, tt.wantErrors) {
				t.Errorf("errors = %v", reply.Errors)
			}
			var stack []string
			if m, open := p.Modal(); open {
				stack = append(stack, m.CallbackID)
				if m.PreviousViewID != "" {
					stack = []string{"join", m.CallbackID}
				}
			}
			if !reflect.DeepEqual(stack, tt.wantStack) {
				t.Errorf("stack = %v, want %v", stack, tt.wantStack)
			}
			if tt.wantSeen != "" {
				seen := p.Seen()
				if last := seen[len(seen)-1]; last.Kind != tt.wantSeen {
					t.Errorf("last seen = %+v, want kind %s", last, tt.wantSeen)
				}
			}
		})
	}
}

func TestSubmit_ErrorsAreShownWithTheLabel(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	startModalApp(t, s, formModal(), func(slack.InteractionCallback) any {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{"dept": "Pick another department"})
	})
	boss := s.AddUser(slackfake.User{Name: "boss"})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)
	if _, err := p.Submit(ctxFor(t, 5*time.Second), fullValues(boss.ID())); err != nil {
		t.Fatal(err)
	}
	seen := p.Seen()
	if got := seen[len(seen)-1].Text; got != "⚠ Department: Pick another department" {
		t.Errorf("errors shown as %q", got)
	}
	// What was entered stays in the modal for the next try.
	m, _ := p.Modal()
	if m.State.Values["name"]["name_in"].Value != "Aiko" {
		t.Errorf("entered values lost: %+v", m.State.Values["name"])
	}
}

func TestSubmitRaw_SendsAnyView(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	app := startModalApp(t, s, formModal(), nil)
	p := s.AddUser(slackfake.User{Name: "eve"})
	forged := slack.View{ID: "VFORGED001", Type: slack.VTModal, CallbackID: "admin_round", PrivateMetadata: "round=1"}
	if _, err := p.SubmitRaw(ctxFor(t, 5*time.Second), forged, json.RawMessage(`{"x":{"y":{"type":"plain_text_input","value":"z"}}}`)); err != nil {
		t.Fatal(err)
	}
	cb, raw := app.last(t, slack.InteractionTypeViewSubmission)
	if cb.View.ID != "VFORGED001" || cb.View.State.Values["x"]["y"].Value != "z" {
		t.Errorf("view = %+v", cb.View)
	}
	if _, leaked := raw["view"].(map[string]any)["ok"]; leaked {
		t.Error("view carries slack-go's response fields")
	}
}

func TestCancel_SendsViewClosedWhenAsked(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	app := startModalApp(t, s, formModal(), nil)
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)
	if err := p.Fill(slackfake.Values{"name_in": "Ai"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Cancel(ctxFor(t, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	cb, raw := app.last(t, slack.InteractionTypeViewClosed)
	if cb.View.CallbackID != "join" || cb.View.State.Values["name"]["name_in"].Value != "Ai" {
		t.Errorf("view_closed view = %+v", cb.View)
	}
	if raw["is_cleared"] != false {
		t.Errorf("is_cleared = %v", raw["is_cleared"])
	}
	if _, open := p.Modal(); open {
		t.Error("modal still open")
	}
	if err := p.Cancel(ctxFor(t, time.Second)); err != slackfake.ErrNoModal {
		t.Errorf("cancel without a modal: %v", err)
	}
}
