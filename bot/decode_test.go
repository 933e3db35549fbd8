package bot

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// A state.values document as Slack sends it for a filled opt-in modal.
const sampleJoinState = `{"values":{
 "role":{"role":{"type":"radio_buttons","selected_option":{"text":{"type":"plain_text","text":"Mentor: I teach","emoji":true},"value":"mentor"}}},
 "department":{"department":{"type":"plain_text_input","value":"  Ｓａｌｅｓ\u3000 "}},
 "manager":{"manager":{"type":"users_select","selected_user":"U0MANAGER"}},
 "topics":{"topics":{"type":"multi_static_select","selected_options":[{"text":{"type":"plain_text","text":"x"},"value":"genai"},{"text":{"type":"plain_text","text":"y"},"value":"genai"}]}},
 "free_topics":{"free_topics":{"type":"plain_text_input","value":null}},
 "languages":{"languages":{"type":"checkboxes","selected_options":[{"text":{"type":"plain_text","text":"English"},"value":"en"}]}},
 "cadence":{"cadence":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"Every week"},"value":"weekly"}}},
 "capacity":{"capacity":{"type":"static_select","selected_option":null}},
 "consent":{"consent":{"type":"checkboxes","selected_options":[{"text":{"type":"plain_text","text":"I agree"},"value":"yes"}]}}
}}`

func TestDecodeJoin_ReadsSlackState(t *testing.T) {
	var state slack.ViewState
	if err := json.Unmarshal([]byte(sampleJoinState), &state); err != nil {
		t.Fatal(err)
	}
	p := decodeJoin(&state).Normalize()
	if p.Role != mentoring.RoleMentor || p.Department != "Sales" || p.ManagerID != "U0MANAGER" ||
		len(p.Topics) != 1 || p.Topics[0] != "genai" || len(p.Languages) != 1 || p.Languages[0] != mentoring.LangEN ||
		p.Cadence != mentoring.CadenceWeekly || p.Capacity != 1 || !p.Consent {
		t.Fatalf("decoded %+v", p)
	}
	if errs := p.Validate("U0ME", mentoring.DefaultCatalogue()); errs != nil {
		t.Fatalf("valid state judged invalid: %v", errs)
	}
}

func TestDecodeJoin_OddValuesBecomeFieldErrors(t *testing.T) {
	tests := []struct {
		name, state, field string
	}{
		{"unknown role", `{"values":{"role":{"role":{"selected_option":{"value":"boss"}}}}}`, "role"},
		{"capacity not a number", `{"values":{"role":{"role":{"selected_option":{"value":"mentor"}}},"capacity":{"capacity":{"selected_option":{"value":"lots"}}}}}`, "capacity"},
		{"capacity too big", `{"values":{"role":{"role":{"selected_option":{"value":"mentor"}}},"capacity":{"capacity":{"selected_option":{"value":"99"}}}}}`, "capacity"},
		{"unknown topic", `{"values":{"topics":{"topics":{"selected_options":[{"value":"astrology"}]}}}}`, "topics"},
		{"unknown cadence", `{"values":{"cadence":{"cadence":{"selected_option":{"value":"hourly"}}}}}`, "cadence"},
		{"manager not a user", `{"values":{"manager":{"manager":{"selected_user":"<!channel>"}}}}`, "manager"},
		{"language not offered", `{"values":{"languages":{"languages":{"selected_options":[{"value":"fr"}]}}}}`, "languages"},
		{"empty state", `{"values":{}}`, "consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var state slack.ViewState
			if err := json.Unmarshal([]byte(tt.state), &state); err != nil {
				t.Fatal(err)
			}
			errs := decodeJoin(&state).Normalize().Validate("U0ME", mentoring.DefaultCatalogue())
			if _, ok := errs[tt.field]; !ok {
				t.Fatalf("no error on %s: %v", tt.field, errs)
			}
		})
	}
}

func TestDecodeSlashCommand_AcceptsSocketModeShape(t *testing.T) {
	raw := `{"token":"x","team_id":"T1","team_domain":"d","channel_id":"C1","channel_name":"general","user_id":"U1","user_name":"u",
	"command":"/reverse-mentor","text":"join","api_app_id":"A1","is_enterprise_install":"false",
	"response_url":"https://hooks.slack.com/commands/T1/1/x","trigger_id":"1.2.3"}`
	cmd, ok := decodeSlashCommand(json.RawMessage(raw))
	if !ok || cmd.UserID != "U1" || cmd.Text != "join" || cmd.IsEnterpriseInstall || cmd.TriggerID != "1.2.3" {
		t.Fatalf("decoded %+v ok=%v", cmd, ok)
	}
	// slack-go itself cannot read this shape, which is why the bot decodes it.
	var direct slack.SlashCommand
	if err := json.Unmarshal([]byte(raw), &direct); err == nil {
		t.Log("slack-go now decodes is_enterprise_install as a string; the fallback path is still harmless")
	}
}

func FuzzDecodePayloads(f *testing.F) {
	f.Add([]byte(sampleJoinState))
	f.Add([]byte(`{"values":{"role":{"x":{"selected_option":{"value":"mentee"}}}}}`))
	f.Add([]byte(`{"user_id":"U1","is_enterprise_install":true,"text":"\u0000"}`))
	f.Add([]byte(`{"v":1,"lang":"ja"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var state slack.ViewState
		if json.Unmarshal(data, &state) == nil {
			p := decodeJoin(&state).Normalize()
			errs := p.Validate("U0ME", mentoring.DefaultCatalogue())
			if errs == nil {
				// Anything accepted must be within the limits.
				if !p.Role.Valid() || !p.Cadence.Valid() || !p.Consent || len(p.Languages) == 0 ||
					utf8.RuneCountInString(p.Department) > mentoring.MaxDepartmentLen || p.Department == "" {
					t.Fatalf("accepted an invalid profile %+v", p)
				}
			}
		}
		if cmd, ok := decodeSlashCommand(data); ok && cmd.UserID == "" {
			t.Fatal("accepted a command without a user")
		}
		if m, ok := decodeMeta(string(data)); ok && m.Lang != mentoring.LangJA && m.Lang != mentoring.LangEN {
			t.Fatalf("meta with language %q", m.Lang)
		}
	})
}
