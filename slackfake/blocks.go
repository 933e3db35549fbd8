package slackfake

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"
)

// Blocks are kept as decoded JSON ([]any of map[string]any) so that they can be
// checked with JSON pointers, echoed back unchanged and walked without depending on
// which block types slack-go knows.

// blockKind is how Slack treats one block type: its rules, how a reader sees it, and
// where the interactive elements it holds sit.
type blockKind struct {
	// check adds the block's problems; nil for a block only people write (rich text
	// in what they type), which the fake does not take from the app.
	check  func(c *blockChecker, ptr string, block map[string]any)
	render func(block map[string]any) string
	holds  placement // 0 when the block holds no interactive element
}

// blockKinds are the block types the product uses; any other type is refused as
// invalid_blocks.
var blockKinds = map[string]blockKind{
	"header": {
		check: func(c *blockChecker, ptr string, b map[string]any) {
			if c.required(ptr, b, "text") {
				c.text(ptr+"/text", b["text"], maxHeaderText, true)
			}
		},
		render: func(b map[string]any) string { return "# " + textOf(b["text"]) },
	},
	"section": {
		check:  checkSection,
		render: renderSection,
		holds:  inAccessory,
	},
	"divider": {
		check:  func(*blockChecker, string, map[string]any) {},
		render: func(map[string]any) string { return "───" },
	},
	"context": {
		check: func(c *blockChecker, ptr string, b map[string]any) {
			list := c.items(ptr+"/elements", b["elements"], maxContextElements)
			for i, e := range list {
				c.text(ptr+"/elements/"+strconv.Itoa(i), e, maxContextText, false)
			}
		},
		render: func(b map[string]any) string {
			var parts []string
			for _, e := range asSlice(b["elements"]) {
				parts = append(parts, textOf(e))
			}
			return strings.Join(parts, " · ")
		},
	},
	"actions": {
		check: func(c *blockChecker, ptr string, b map[string]any) {
			list := c.items(ptr+"/elements", b["elements"], maxActionsElements)
			actionIDs := map[string]bool{}
			for i, e := range list {
				c.element(ptr+"/elements/"+strconv.Itoa(i), e, inActions, actionIDs)
			}
		},
		render: func(b map[string]any) string {
			var parts []string
			for _, e := range asSlice(b["elements"]) {
				parts = append(parts, showElement(asMap(e), inActions))
			}
			return strings.Join(parts, " ")
		},
		holds: inActions,
	},
	"input": {
		check: func(c *blockChecker, ptr string, b map[string]any) {
			if c.surface == surfaceMessage {
				c.add(ptr+"/type", "input blocks are only allowed in modals")
			}
			if c.required(ptr, b, "label") {
				c.text(ptr+"/label", b["label"], maxLabel, true)
			}
			c.optionalText(ptr, b, "hint", maxHint, true)
			if c.required(ptr, b, "element") {
				c.element(ptr+"/element", b["element"], inInput, map[string]bool{})
			}
		},
		render: func(b map[string]any) string {
			label := textOf(b["label"])
			if optional, _ := b["optional"].(bool); optional {
				label += " (optional)"
			}
			return "«" + label + ": " + showElement(asMap(b["element"]), inInput) + "»"
		},
		holds: inInput,
	},
	"rich_text": {render: func(b map[string]any) string { return renderRichText(asSlice(b["elements"])) }},
}

// blockTypes lists the block types the app may send, for error messages.
func blockTypes() string {
	var names []string
	for _, name := range slices.Sorted(maps.Keys(blockKinds)) {
		if blockKinds[name].check != nil {
			names = append(names, name)
		}
	}
	return `"` + strings.Join(names, `", "`) + `"`
}

func checkSection(c *blockChecker, ptr string, b map[string]any) {
	_, hasText := b["text"]
	fields, hasFields := b["fields"]
	if !hasText && !hasFields {
		c.add(ptr, `must provide either "text" or "fields"`)
	}
	if hasText {
		c.text(ptr+"/text", b["text"], maxSectionText, false)
	}
	if hasFields {
		list := asSlice(fields)
		if len(list) > maxSectionFields {
			c.add(ptr+"/fields", "no more than %d items allowed", maxSectionFields)
		}
		for i, f := range list {
			c.text(ptr+"/fields/"+strconv.Itoa(i), f, maxFieldText, false)
		}
	}
	if acc, present := b["accessory"]; present {
		c.element(ptr+"/accessory", acc, inAccessory, map[string]bool{})
	}
}

func renderSection(b map[string]any) string {
	var lines []string
	if t := textOf(b["text"]); t != "" {
		lines = append(lines, t)
	}
	for _, f := range asSlice(b["fields"]) {
		lines = append(lines, textOf(f))
	}
	if acc := asMap(b["accessory"]); acc != nil {
		el := showElement(acc, inAccessory)
		if len(lines) == 0 {
			lines = append(lines, el)
		} else {
			lines[len(lines)-1] += "  " + el
		}
	}
	return strings.Join(lines, "\n")
}

// blockElements returns the interactive elements of a block: those of an actions
// block, a section's accessory and an input's element.
func blockElements(block map[string]any) []map[string]any {
	var out []map[string]any
	switch blockKinds[asString(block["type"])].holds {
	case inActions:
		for _, e := range asSlice(block["elements"]) {
			if m := asMap(e); m != nil {
				out = append(out, m)
			}
		}
	case inAccessory:
		if m := asMap(block["accessory"]); m != nil {
			out = append(out, m)
		}
	case inInput:
		if m := asMap(block["element"]); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// ensureIDs gives every block a block_id and every element an action_id, as Slack
// does when it stores a message or a view.
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
			if asString(e["action_id"]) == "" {
				e["action_id"] = g.blockID()
			}
		}
	}
}

// findElement returns the first element with actionID and the block_id of its block.
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
