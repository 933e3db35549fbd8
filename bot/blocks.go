package bot

import (
	"github.com/slack-go/slack"
)

// Block Kit limits (Slack's, see DESIGN.md). Rendering stays within them.
const (
	maxMessageBlocks = 50
	maxSurfaceBlocks = 100 // modal or App Home
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxOptionText    = 75
	maxOptionValue   = 150
	maxOptions       = 100
	maxModalTitle    = 24
)

// mrkdwn returns a mrkdwn text object, cut to the section limit.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(s, maxSectionText), false, false)
}

// plain returns a plain_text object cut to n runes.
func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, truncate(s, n), true, false)
}

// section is a mrkdwn section block.
func section(s string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(s), nil, nil)
}

// header is a header block.
func header(s string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(s, maxHeaderText))
}

// contextText is a context block with one mrkdwn element.
func contextText(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(s))
}

// button is a button element; value may be empty.
func button(actionID, label, value string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(label, maxButtonText))
	if style != "" {
		b.Style = style
	}
	return b
}

// option is a select or checkbox option with its text and value cut to Slack's limits.
func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(truncate(value, maxOptionValue), plain(text, maxOptionText), nil)
}

// capBlocks keeps at most n blocks, replacing the tail with a note when it cuts.
func capBlocks(blocks []slack.Block, n int, more string) []slack.Block {
	if len(blocks) <= n {
		return blocks
	}
	out := append([]slack.Block{}, blocks[:n-1]...)
	return append(out, contextText(more))
}
