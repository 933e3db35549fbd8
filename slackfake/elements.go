package slackfake

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// placement is the set of places an element may sit in.
type placement uint8

const (
	inActions   placement = 1 << iota // an actions block
	inAccessory                       // the accessory of a section block
	inInput                           // the element of an input block
)

// element is how Slack treats one Block Kit element type. The one table of them,
// elementKinds, drives the fake wherever an element matters: checking a message or
// view against Slack's rules, building view.state.values and block_actions from what
// a person enters, and showing the element in transcripts.
type element struct {
	where placement
	// stateKey is the field of a state entry, and of a block_actions action, that
	// holds the element's value, as Slack names it ("value", "selected_option"…);
	// "" for an element without state.
	stateKey string
	multi    bool   // the value is a list: unfilled, it is [] rather than null
	initial  string // the field of the element that presets its value
	// parse turns what a person entered (one value, or any number when multi) into
	// the state value, refusing what Slack's client would not let them enter.
	parse func(s *Server, elem map[string]any, vals []string) (any, error)
	// check adds the element's own problems to those every element is checked for.
	check func(c *blockChecker, ptr string, elem map[string]any)
	// show is the element as a reader sees it; boxed ones are put in [brackets]
	// outside input blocks.
	show  func(elem map[string]any) string
	boxed bool
}

// elementKinds are the element types the product uses or is about to use. Any other
// type is refused as invalid_blocks, so a new one shows up in tests and gets a row here.
var elementKinds = map[string]element{
	"button": {
		where: inActions | inAccessory,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			if c.required(ptr, e, "text") {
				c.text(ptr+"/text", e["text"], maxButtonText, true)
			}
			c.length(ptr+"/value", asString(e["value"]), maxButtonValue)
			c.length(ptr+"/url", asString(e["url"]), maxURL)
			if st := asString(e["style"]); st != "" && st != "primary" && st != "danger" {
				c.add(ptr+"/style", `must be one of "primary", "danger"`)
			}
		},
		show:  func(e map[string]any) string { return textOf(e["text"]) },
		boxed: true,
	},
	"static_select": {
		where: inActions | inAccessory | inInput, stateKey: "selected_option", initial: "initial_option",
		parse: parseOption,
		check: func(c *blockChecker, ptr string, e map[string]any) { c.optionSource(ptr, e) },
		show:  showSelect, boxed: true,
	},
	"multi_static_select": {
		where: inActions | inAccessory | inInput, stateKey: "selected_options", multi: true, initial: "initial_options",
		parse: parseOptions,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			c.optionSource(ptr, e)
			c.atLeastOne(ptr, e, "max_selected_items")
		},
		show: showSelect, boxed: true,
	},
	"users_select": {
		where: inActions | inAccessory | inInput, stateKey: "selected_user", initial: "initial_user",
		parse: parseUser,
		show:  showSelect, boxed: true,
	},
	"radio_buttons": {
		where: inActions | inAccessory | inInput, stateKey: "selected_option", initial: "initial_option",
		parse: parseOption,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			c.options(ptr+"/options", e["options"], maxChoiceOptions, false)
		},
		show: func(e map[string]any) string { return showChoices(e, "(•) ", "( ) ") },
	},
	"checkboxes": {
		where: inActions | inAccessory | inInput, stateKey: "selected_options", multi: true, initial: "initial_options",
		parse: parseOptions,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			c.options(ptr+"/options", e["options"], maxChoiceOptions, false)
		},
		show: func(e map[string]any) string { return showChoices(e, "☑ ", "☐ ") },
	},
	"plain_text_input": {
		where: inInput, stateKey: "value", initial: "initial_value",
		parse: parseText,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			for _, f := range []string{"max_length", "min_length"} {
				if n, err := strconv.Atoi(asString(e[f])); err == nil && n > maxInputLength {
					c.add(ptr+"/"+f, "must be less than %d", maxInputLength+1)
				}
			}
		},
		show: func(e map[string]any) string { return shown(asString(e["initial_value"]), e) },
	},
	"datepicker": {
		where: inActions | inAccessory | inInput, stateKey: "selected_date", initial: "initial_date",
		parse: parseDate,
		check: func(c *blockChecker, ptr string, e map[string]any) {
			if d := asString(e["initial_date"]); d != "" && !isDate(d) {
				c.add(ptr+"/initial_date", "must be a date in the format YYYY-MM-DD")
			}
		},
		show:  func(e map[string]any) string { return "📅 " + shown(asString(e["initial_date"]), e) },
		boxed: true,
	},
}

// elementTypes lists the supported element types for error messages.
func elementTypes() string {
	return `"` + strings.Join(slices.Sorted(maps.Keys(elementKinds)), `", "`) + `"`
}

// initialState is an element's state entry before the person touches it: its preset
// value if it has one, null (or [] for lists) otherwise, as view.state.values has it.
func initialState(elem map[string]any) map[string]any {
	typ := asString(elem["type"])
	kind := elementKinds[typ]
	st := map[string]any{"type": typ}
	if kind.stateKey == "" {
		return st
	}
	preset := elem[kind.initial]
	switch {
	case kind.multi:
		list := []any{}
		for _, v := range asSlice(preset) {
			if o := asMap(v); o != nil {
				list = append(list, copyOption(o))
			} else {
				list = append(list, v)
			}
		}
		st[kind.stateKey] = list
	case asMap(preset) != nil:
		st[kind.stateKey] = copyOption(asMap(preset))
	case asString(preset) != "":
		st[kind.stateKey] = preset
	default:
		st[kind.stateKey] = nil
	}
	return st
}

// stateFor builds an element's state entry for what a person entered: a string (text,
// option value, user ID, date), a list of them for multi-valued elements, or a number.
func (s *Server) stateFor(elem map[string]any, val any) (map[string]any, error) {
	typ := asString(elem["type"])
	kind, known := elementKinds[typ]
	if !known || kind.stateKey == "" {
		return nil, fmt.Errorf("a %s holds no value", typ)
	}
	var vals []string
	if kind.multi {
		list, isList := toStrings(val)
		if !isList {
			return nil, fmt.Errorf("%s takes a list of values, got %T", typ, val)
		}
		vals = list
	} else {
		one, isOne := toString(val)
		if !isOne {
			return nil, fmt.Errorf("%s takes a single value, got %T", typ, val)
		}
		if one != "" {
			vals = []string{one}
		}
	}
	st := map[string]any{"type": typ}
	switch {
	case len(vals) == 0 && kind.multi:
		st[kind.stateKey] = []any{}
	case len(vals) == 0:
		st[kind.stateKey] = nil
	default:
		v, err := kind.parse(s, elem, vals)
		if err != nil {
			return nil, err
		}
		st[kind.stateKey] = v
	}
	return st, nil
}

// describeState is what a state entry holds, as a reader wants it: option texts, a
// user as a mention, a date or text as entered.
func describeState(st map[string]any) string {
	typ := asString(st["type"])
	v := st[elementKinds[typ].stateKey]
	items, isList := v.([]any)
	if !isList {
		items = []any{v}
	}
	var parts []string
	for _, x := range items {
		switch {
		case asMap(x) != nil:
			parts = append(parts, textOf(asMap(x)["text"]))
		case asString(x) != "" && typ == "users_select":
			parts = append(parts, "<@"+asString(x)+">")
		case asString(x) != "":
			parts = append(parts, asString(x))
		}
	}
	return strings.Join(parts, ", ")
}

// parseOption picks the option with this value.
func parseOption(_ *Server, elem map[string]any, vals []string) (any, error) {
	o := findOption(elem, vals[0])
	if o == nil {
		return nil, fmt.Errorf("%q is not one of the options", vals[0])
	}
	return o, nil
}

// parseOptions picks the options with these values, within max_selected_items.
func parseOptions(_ *Server, elem map[string]any, vals []string) (any, error) {
	opts := []any{}
	for _, v := range vals {
		o := findOption(elem, v)
		if o == nil {
			return nil, fmt.Errorf("%q is not one of the options", v)
		}
		opts = append(opts, o)
	}
	if n, err := strconv.Atoi(asString(elem["max_selected_items"])); err == nil && n > 0 && len(vals) > n {
		return nil, fmt.Errorf("%d selected, more than max_selected_items %d", len(vals), n)
	}
	return opts, nil
}

// parseUser picks a member; Slack's user picker offers no deactivated ones.
func parseUser(s *Server, _ map[string]any, vals []string) (any, error) {
	u := s.users[vals[0]]
	switch {
	case u == nil:
		return nil, fmt.Errorf("no user %q in the workspace", vals[0])
	case u.Deleted:
		return nil, fmt.Errorf("user %q is deactivated", vals[0])
	}
	return vals[0], nil
}

// parseText checks typed text against the input's limits and its lines.
func parseText(_ *Server, elem map[string]any, vals []string) (any, error) {
	str := vals[0]
	n := len([]rune(str))
	if maxLen, err := strconv.Atoi(asString(elem["max_length"])); err == nil && maxLen > 0 && n > maxLen {
		return nil, fmt.Errorf("%d characters, more than max_length %d", n, maxLen)
	}
	if minLen, err := strconv.Atoi(asString(elem["min_length"])); err == nil && n < minLen {
		return nil, fmt.Errorf("%d characters, fewer than min_length %d", n, minLen)
	}
	if multiline, _ := elem["multiline"].(bool); !multiline && strings.ContainsAny(str, "\r\n") {
		return nil, fmt.Errorf("a single-line input takes no line breaks")
	}
	return str, nil
}

// parseDate takes a date as the date picker gives it: "2006-01-02".
func parseDate(_ *Server, _ map[string]any, vals []string) (any, error) {
	if !isDate(vals[0]) {
		return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", vals[0])
	}
	return vals[0], nil
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// showSelect shows a select with what it presets, else its placeholder.
func showSelect(e map[string]any) string {
	var parts []string
	if o := asMap(e["initial_option"]); o != nil {
		parts = append(parts, textOf(o["text"]))
	}
	for _, o := range asSlice(e["initial_options"]) {
		parts = append(parts, textOf(asMap(o)["text"]))
	}
	if u := asString(e["initial_user"]); u != "" {
		parts = append(parts, "<@"+u+">")
	}
	return shown(strings.Join(parts, ", "), e) + " ▾"
}

// showChoices shows radio buttons or checkboxes, marking the preset ones.
func showChoices(e map[string]any, on, off string) string {
	picked := map[string]bool{}
	if o := asMap(e["initial_option"]); o != nil {
		picked[asString(o["value"])] = true
	}
	for _, o := range asSlice(e["initial_options"]) {
		picked[asString(asMap(o)["value"])] = true
	}
	var parts []string
	for _, o := range elementOptions(e) {
		mark := off
		if picked[asString(o["value"])] {
			mark = on
		}
		parts = append(parts, mark+textOf(o["text"]))
	}
	return strings.Join(parts, " ")
}

// shown is value, or else the element's placeholder, or else "…".
func shown(value string, e map[string]any) string {
	if value != "" {
		return value
	}
	if p := textOf(e["placeholder"]); p != "" {
		return p
	}
	return "…"
}

// showElement renders an element as a reader sees it where it sits.
func showElement(e map[string]any, where placement) string {
	kind, known := elementKinds[asString(e["type"])]
	if !known {
		return "[" + asString(e["type"]) + "]"
	}
	s := kind.show(e)
	if kind.boxed && where != inInput {
		s = "[" + s + "]"
	}
	return s
}

// elementOptions returns the options of a select, radio group or checkboxes, option
// groups flattened.
func elementOptions(elem map[string]any) []map[string]any {
	var out []map[string]any
	for _, o := range asSlice(elem["options"]) {
		if m := asMap(o); m != nil {
			out = append(out, m)
		}
	}
	for _, g := range asSlice(elem["option_groups"]) {
		for _, o := range asSlice(asMap(g)["options"]) {
			if m := asMap(o); m != nil {
				out = append(out, m)
			}
		}
	}
	return out
}

// findOption returns the option with this value, copied.
func findOption(elem map[string]any, value string) map[string]any {
	for _, o := range elementOptions(elem) {
		if asString(o["value"]) == value {
			return copyOption(o)
		}
	}
	return nil
}

// copyOption copies an option as Slack echoes it in state and actions: its text,
// value and description.
func copyOption(o map[string]any) map[string]any {
	out := map[string]any{"text": o["text"], "value": o["value"]}
	if d, present := o["description"]; present {
		out["description"] = d
	}
	return out
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
