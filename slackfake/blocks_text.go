package slackfake

import (
	"strings"

	"github.com/slack-go/slack"
)

// BlocksText renders Block Kit as plain text, the way a reader of a
// transcript wants to see it: headers as "# text", sections and their fields
// as lines, context elements joined with " · ", buttons as [label], selects
// as [placeholder ▾], inputs as «label: …», dividers as ───.
func BlocksText(blocks slack.Blocks) string {
	return renderBlocks(fromSlackBlocks(blocks))
}

// renderBlocks renders decoded blocks; see BlocksText.
func renderBlocks(blocks []any) string {
	var lines []string
	for _, b := range blocks {
		if s := renderBlock(asMap(b)); s != "" {
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}

func renderBlock(block map[string]any) string {
	switch typ := asString(block["type"]); typ {
	case "header":
		return "# " + textOf(block["text"])
	case "section":
		var lines []string
		if t := textOf(block["text"]); t != "" {
			lines = append(lines, t)
		}
		for _, f := range asSlice(block["fields"]) {
			lines = append(lines, textOf(f))
		}
		if acc := asMap(block["accessory"]); acc != nil {
			el := renderElement(acc)
			if len(lines) == 0 {
				lines = append(lines, el)
			} else {
				lines[len(lines)-1] += "  " + el
			}
		}
		return strings.Join(lines, "\n")
	case "divider":
		return "───"
	case "context":
		var parts []string
		for _, e := range asSlice(block["elements"]) {
			el := asMap(e)
			if asString(el["type"]) == "image" {
				parts = append(parts, renderElement(el))
			} else {
				parts = append(parts, textOf(el))
			}
		}
		return strings.Join(parts, " · ")
	case "actions":
		var parts []string
		for _, e := range asSlice(block["elements"]) {
			parts = append(parts, renderElement(asMap(e)))
		}
		return strings.Join(parts, " ")
	case "input":
		label := textOf(block["label"])
		if optional, _ := block["optional"].(bool); optional {
			label += " (optional)"
		}
		return "«" + label + ": " + inputShown(asMap(block["element"])) + "»"
	case "image":
		s := "[image: " + asString(block["alt_text"]) + "]"
		if t := textOf(block["title"]); t != "" {
			s = t + " " + s
		}
		return s
	case "rich_text":
		return renderRichText(asSlice(block["elements"]))
	case "markdown":
		return asString(block["text"])
	case "video":
		return "[video: " + textOf(block["title"]) + "]"
	default:
		return "[" + typ + "]"
	}
}

// renderElement renders an interactive element inline.
func renderElement(el map[string]any) string {
	switch typ := asString(el["type"]); typ {
	case "button":
		return "[" + textOf(el["text"]) + "]"
	case "image":
		return "[image: " + asString(el["alt_text"]) + "]"
	case "overflow":
		return "[⋯]"
	case "checkboxes", "radio_buttons":
		var opts []string
		for _, o := range elementOptions(el) {
			opts = append(opts, "( ) "+textOf(o["text"]))
		}
		return strings.Join(opts, " ")
	default:
		shown := inputShown(el)
		if strings.Contains(typ, "select") {
			shown += " ▾"
		}
		return "[" + shown + "]"
	}
}

// inputShown is what an input shows before the person touches it: its
// initial value, or its placeholder, or "…".
func inputShown(el map[string]any) string {
	if v := asString(el["initial_value"]); v != "" {
		return v
	}
	if o := asMap(el["initial_option"]); o != nil {
		return textOf(o["text"])
	}
	var parts []string
	for _, o := range asSlice(el["initial_options"]) {
		parts = append(parts, textOf(asMap(o)["text"]))
	}
	for _, key := range []string{"initial_user", "initial_conversation", "initial_channel", "initial_date", "initial_time"} {
		if v := asString(el[key]); v != "" {
			parts = append(parts, v)
		}
	}
	for _, key := range []string{"initial_users", "initial_conversations", "initial_channels"} {
		for _, v := range asSlice(el[key]) {
			parts = append(parts, asString(v))
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, ", ")
	}
	if p := textOf(el["placeholder"]); p != "" {
		return p
	}
	return "…"
}

// renderRichText flattens rich text elements to plain text.
func renderRichText(elements []any) string {
	var lines []string
	for _, e := range elements {
		el := asMap(e)
		switch asString(el["type"]) {
		case "rich_text_list":
			for _, item := range asSlice(el["elements"]) {
				lines = append(lines, "• "+richTextInline(asSlice(asMap(item)["elements"])))
			}
		case "rich_text_quote":
			lines = append(lines, "> "+richTextInline(asSlice(el["elements"])))
		default:
			lines = append(lines, richTextInline(asSlice(el["elements"])))
		}
	}
	return strings.Join(lines, "\n")
}

func richTextInline(elements []any) string {
	var b strings.Builder
	for _, e := range elements {
		el := asMap(e)
		switch asString(el["type"]) {
		case "text":
			b.WriteString(asString(el["text"]))
		case "link":
			if t := asString(el["text"]); t != "" {
				b.WriteString(t)
			} else {
				b.WriteString(asString(el["url"]))
			}
		case "user":
			b.WriteString("<@" + asString(el["user_id"]) + ">")
		case "channel":
			b.WriteString("<#" + asString(el["channel_id"]) + ">")
		case "emoji":
			b.WriteString(":" + asString(el["name"]) + ":")
		default:
			b.WriteString(asString(el["text"]))
		}
	}
	return b.String()
}
