package slackfake_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func sections(n int) []slack.Block {
	out := make([]slack.Block, n)
	for i := range out {
		out[i] = slack.NewSectionBlock(mrkdwn("line"), nil, nil)
	}
	return out
}

func options(n int, text, value string) []*slack.OptionBlockObject {
	out := make([]*slack.OptionBlockObject, n)
	for i := range out {
		out[i] = opt(text, value+strings.Repeat("x", i%2))
	}
	return out
}

func TestBlockKitLimits_Messages(t *testing.T) {
	long := func(n int) string { return strings.Repeat("あ", n) }
	button := func(text, actionID string) slack.Block {
		return slack.NewActionBlock("", slack.NewButtonBlockElement(actionID, "v", plain(text)))
	}
	selectOf := func(opts ...*slack.OptionBlockObject) slack.Block {
		return slack.NewActionBlock("", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Pick"), "pick", opts...))
	}
	tests := []struct {
		name    string
		blocks  []slack.Block
		problem string // "" when the blocks are valid
	}{
		{"50 blocks", sections(50), ""},
		{"51 blocks", sections(51), "no more than 50 items allowed [json-pointer:/blocks]"},
		{"section text of 3000", []slack.Block{slack.NewSectionBlock(mrkdwn(long(3000)), nil, nil)}, ""},
		{"section text of 3001", []slack.Block{slack.NewSectionBlock(mrkdwn(long(3001)), nil, nil)}, "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"},
		{"empty section text", []slack.Block{slack.NewSectionBlock(mrkdwn(""), nil, nil)}, "must be more than 0 characters [json-pointer:/blocks/0/text/text]"},
		{"11 section fields", []slack.Block{slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			mrkdwn("1"), mrkdwn("2"), mrkdwn("3"), mrkdwn("4"), mrkdwn("5"), mrkdwn("6"), mrkdwn("7"), mrkdwn("8"), mrkdwn("9"), mrkdwn("10"), mrkdwn("11"),
		}, nil)}, "no more than 10 items allowed [json-pointer:/blocks/0/fields]"},
		{"header of 150", []slack.Block{slack.NewHeaderBlock(plain(long(150)))}, ""},
		{"header of 151", []slack.Block{slack.NewHeaderBlock(plain(long(151)))}, "must be less than 151 characters [json-pointer:/blocks/0/text/text]"},
		{"mrkdwn header", []slack.Block{slack.NewHeaderBlock(mrkdwn("x"))}, `must be "plain_text" [json-pointer:/blocks/0/text/type]`},
		{"button text of 75", []slack.Block{button(long(75), "b")}, ""},
		{"button text of 76", []slack.Block{button(long(76), "b")}, "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"},
		{"option text of 76", []slack.Block{selectOf(opt(long(76), "v"))}, "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]"},
		{"option value of 151", []slack.Block{selectOf(opt("t", strings.Repeat("v", 151)))}, "must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]"},
		{"100 options", []slack.Block{selectOf(options(100, "t", "v")...)}, ""},
		{"101 options", []slack.Block{selectOf(options(101, "t", "v")...)}, "no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"action_id of 256", []slack.Block{button("b", strings.Repeat("a", 256))}, "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"},
		{"block_id of 256", []slack.Block{slack.NewDividerBlock(), slack.NewSectionBlock(mrkdwn("x"), nil, nil, slack.SectionBlockOptionBlockID(strings.Repeat("b", 256)))},
			"must be less than 256 characters [json-pointer:/blocks/1/block_id]"},
		{"duplicate block_id", []slack.Block{
			slack.NewSectionBlock(mrkdwn("x"), nil, nil, slack.SectionBlockOptionBlockID("same")),
			slack.NewSectionBlock(mrkdwn("y"), nil, nil, slack.SectionBlockOptionBlockID("same")),
		}, `duplicate block_id "same" [json-pointer:/blocks/1/block_id]`},
		{"input in a message", []slack.Block{slack.NewInputBlock("i", plain("Name"), nil, slack.NewPlainTextInputBlockElement(nil, "n"))},
			"input blocks are only allowed in modals [json-pointer:/blocks/0/type]"},
		{"11 radio buttons", []slack.Block{slack.NewActionBlock("", slack.NewRadioButtonsBlockElement("r", options(11, "t", "v")...))},
			"no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"},
		{"malformed initial_date", []slack.Block{slack.NewActionBlock("", &slack.DatePickerBlockElement{Type: slack.METDatepicker, ActionID: "d", InitialDate: "01/05/2026"})},
			"must be a date in the format YYYY-MM-DD [json-pointer:/blocks/0/elements/0/initial_date]"},
		{"text input outside an input block", []slack.Block{slack.NewActionBlock("", slack.NewPlainTextInputBlockElement(nil, "n"))},
			`"plain_text_input" is not allowed in an actions block [json-pointer:/blocks/0/elements/0/type]`},
		// Types the product does not use are refused, so that a new one is noticed and
		// added to the fake's tables.
		{"element type the fake does not model", []slack.Block{slack.NewActionBlock("", slack.NewOverflowBlockElement("o", opt("x", "x")))},
			`must be one of "button", "checkboxes", "datepicker", "multi_static_select", "plain_text_input", "radio_buttons", "static_select", "users_select" [json-pointer:/blocks/0/elements/0/type]`},
		{"block type the fake does not model", []slack.Block{slack.NewImageBlock("https://example.com/c.png", "chart", "", nil)},
			`must be one of "actions", "context", "divider", "header", "input", "section" [json-pointer:/blocks/0/type]`},
	}
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	api := apiFor(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := api.PostMessage(p.ID(), slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(tt.blocks...))
			checkProblem(t, err, "invalid_blocks", tt.problem)
		})
	}
	t.Run("chat.update checks too", func(t *testing.T) {
		ch, ts, err := api.PostMessage(p.ID(), slack.MsgOptionText("ok", false))
		if err != nil {
			t.Fatal(err)
		}
		_, _, _, err = api.UpdateMessage(ch, ts, slack.MsgOptionBlocks(sections(51)...))
		checkProblem(t, err, "invalid_blocks", "no more than 50 items allowed [json-pointer:/blocks]")
	})
}

func TestBlockKitLimits_Views(t *testing.T) {
	modal := func(change func(*slack.ModalViewRequest)) slack.ModalViewRequest {
		m := simpleModal("cb", "Title")
		change(&m)
		return m
	}
	tests := []struct {
		name    string
		view    slack.ModalViewRequest
		problem string
	}{
		{"title of 24", modal(func(m *slack.ModalViewRequest) { m.Title = plain(strings.Repeat("t", 24)) }), ""},
		{"title of 25", modal(func(m *slack.ModalViewRequest) { m.Title = plain(strings.Repeat("t", 25)) }), "must be less than 25 characters [json-pointer:/view/title/text]"},
		{"no title", modal(func(m *slack.ModalViewRequest) { m.Title = nil }), "missing required field: title [json-pointer:/view]"},
		{"submit of 25", modal(func(m *slack.ModalViewRequest) { m.Submit = plain(strings.Repeat("s", 25)) }), "must be less than 25 characters [json-pointer:/view/submit/text]"},
		{"close of 25", modal(func(m *slack.ModalViewRequest) { m.Close = plain(strings.Repeat("c", 25)) }), "must be less than 25 characters [json-pointer:/view/close/text]"},
		{"inputs without submit", modal(func(m *slack.ModalViewRequest) { m.Submit = nil }), "missing required field: submit [json-pointer:/view]"},
		{"private_metadata of 3000", modal(func(m *slack.ModalViewRequest) { m.PrivateMetadata = strings.Repeat("m", 3000) }), ""},
		{"private_metadata of 3001", modal(func(m *slack.ModalViewRequest) { m.PrivateMetadata = strings.Repeat("m", 3001) }), "must be less than 3001 characters [json-pointer:/view/private_metadata]"},
		{"100 blocks", modal(func(m *slack.ModalViewRequest) { m.Blocks.BlockSet = sections(100) }), ""},
		{"101 blocks", modal(func(m *slack.ModalViewRequest) { m.Blocks.BlockSet = sections(101) }), "no more than 100 items allowed [json-pointer:/view/blocks]"},
		{"button as an input", modal(func(m *slack.ModalViewRequest) {
			m.Blocks.BlockSet = []slack.Block{slack.NewInputBlock("b", plain("Go"), nil, slack.NewButtonBlockElement("go", "", plain("Go")))}
		}), `"button" is not allowed in an input block [json-pointer:/view/blocks/0/element/type]`},
		{"max_selected_items of 0", modal(func(m *slack.ModalViewRequest) {
			sel := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "t", opt("a", "a"))
			zero := 0
			sel.MaxSelectedItems = &zero
			m.Blocks.BlockSet = []slack.Block{slack.NewInputBlock("t", plain("Topics"), nil, sel)}
		}), "must be at least 1 [json-pointer:/view/blocks/0/element/max_selected_items]"},
	}
	s := newFake(t, slackfake.Options{})
	api := apiFor(s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The view is checked before the trigger_id: a valid view gets
			// invalid_trigger_id here.
			_, err := api.OpenView("1.2.unknown", tt.view)
			if tt.problem == "" {
				if got := slackErr(err); got != "invalid_trigger_id" {
					t.Errorf("err = %q, want invalid_trigger_id", got)
				}
				return
			}
			checkProblem(t, err, "invalid_arguments", tt.problem)
		})
	}
	t.Run("home of 101 blocks", func(t *testing.T) {
		p := s.AddUser(slackfake.User{Name: "mei"})
		_, err := api.PublishView(p.ID(), slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: sections(101)}}, "")
		checkProblem(t, err, "invalid_arguments", "no more than 100 items allowed [json-pointer:/view/blocks]")
	})
}

// checkProblem checks that err is Slack's error code with the problem listed
// in response_metadata.messages, or that err is nil when problem is "".
func checkProblem(t *testing.T, err error, code, problem string) {
	t.Helper()
	if problem == "" {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	for _, m := range se.ResponseMetadata.Messages {
		if m == "[ERROR] "+problem {
			return
		}
	}
	t.Errorf("messages = %q, want %q", se.ResponseMetadata.Messages, "[ERROR] "+problem)
}
