package slackfake

import (
	"encoding/json"

	"github.com/slack-go/slack"
)

// Blocks are kept as decoded JSON ([]any of map[string]any) so that they can
// be validated with JSON pointers, echoed back unchanged and walked without
// depending on which block types slack-go knows.

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func asString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	}
	return ""
}

// textOf returns the text of a text object ({"type":…,"text":…}).
func textOf(v any) string {
	return asString(asMap(v)["text"])
}

// toSlackBlocks converts decoded blocks to slack-go's types.
func toSlackBlocks(blocks []any) slack.Blocks {
	var out slack.Blocks
	if blocks == nil {
		return out
	}
	b, err := json.Marshal(blocks)
	if err != nil {
		return out
	}
	_ = json.Unmarshal(b, &out)
	return out
}

// fromSlackBlocks converts slack-go blocks to decoded JSON.
func fromSlackBlocks(blocks slack.Blocks) []any {
	b, err := json.Marshal(blocks.BlockSet)
	if err != nil {
		return nil
	}
	v, err := decodeJSON(b)
	if err != nil {
		return nil
	}
	return asSlice(v)
}

// blockElements returns the interactive elements of a block: those of an
// actions block, a section's accessory and an input's element.
func blockElements(block map[string]any) []map[string]any {
	var out []map[string]any
	switch asString(block["type"]) {
	case "actions":
		for _, e := range asSlice(block["elements"]) {
			if m := asMap(e); m != nil {
				out = append(out, m)
			}
		}
	case "section":
		if m := asMap(block["accessory"]); m != nil {
			out = append(out, m)
		}
	case "input":
		if m := asMap(block["element"]); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// interactive reports whether an element sends actions (images do not).
func interactive(elem map[string]any) bool {
	t := asString(elem["type"])
	return t != "" && t != "image"
}

// ensureIDs gives every block a block_id and every interactive element an
// action_id, as Slack does when it stores a message or a view.
func ensureIDs(g *ids, blocks []any) {
	for _, b := range blocks {
		block := asMap(b)
		if block == nil {
			continue
		}
		if asString(block["block_id"]) == "" {
			block["block_id"] = g.blockID()
		}
		for _, e := range blockElements(block) {
			if interactive(e) && asString(e["action_id"]) == "" {
				e["action_id"] = g.blockID()
			}
		}
	}
}

// findElement returns the first interactive element with actionID and the
// block_id of its block.
func findElement(blocks []any, actionID string) (blockID string, elem map[string]any) {
	for _, b := range blocks {
		block := asMap(b)
		for _, e := range blockElements(block) {
			if asString(e["action_id"]) == actionID {
				return asString(block["block_id"]), e
			}
		}
	}
	return "", nil
}

// elementOptions returns the options of a select, overflow, radio or
// checkbox element, option groups flattened.
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

// copyOption copies an option as Slack echoes it in state and actions: its
// text, value and description.
func copyOption(o map[string]any) map[string]any {
	out := map[string]any{"text": o["text"], "value": o["value"]}
	if d, present := o["description"]; present {
		out["description"] = d
	}
	return out
}

// deepCopy copies decoded JSON so that stored state is never shared.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = deepCopy(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = deepCopy(x)
		}
		return out
	default:
		return v
	}
}
