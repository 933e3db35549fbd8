package slackfake

import (
	"strings"

	"github.com/slack-go/slack"
)

// BlocksText renders Block Kit as plain text, the way a reader of a transcript wants
// to see it: headers as "# text", sections and their fields as lines, context elements
// joined with " · ", buttons as [label], selects as [choice or placeholder ▾], date
// pickers as [📅 date], radio buttons as "(•) picked ( ) other", checkboxes as
// "☑ picked ☐ other", inputs as «label: …», dividers as ───. Users a select presets
// appear as <@ID> mentions, which transcripts show as names.
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
	typ := asString(block["type"])
	if kind, known := blockKinds[typ]; known {
		return kind.render(block)
	}
	return "[" + typ + "]"
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
