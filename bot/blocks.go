package bot

import (
	"github.com/slack-go/slack"
)

// Slack's Block Kit limits, defined once: rendering stays within them, and the
// configuration checks its menus (departments, topics) against them.
const (
	MaxMessageBlocks = 50   // blocks in one message
	MaxSurfaceBlocks = 100  // blocks in a modal or the App Home
	MaxSectionText   = 3000 // characters of a section's text
	MaxHeaderText    = 150  // characters of a header
	MaxButtonText    = 75   // characters of a button's label
	MaxOptionText    = 75   // characters of an option's text
	MaxOptionValue   = 150  // characters of an option's value
	MaxOptions       = 100  // options in one select menu
	MaxModalTitle    = 24   // characters of a modal's title, submit or close label
)

// mrkdwn returns a mrkdwn text object, cut to the section limit.
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, truncate(s, MaxSectionText), false, false)
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
	return slack.NewHeaderBlock(plain(s, MaxHeaderText))
}

// contextText is a context block with one mrkdwn element.
func contextText(s string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(s))
}

// button is a button element; value may be empty.
func button(actionID, label, value string, style slack.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(label, MaxButtonText))
	if style != "" {
		b.Style = style
	}
	return b
}

// option is a select or checkbox option with its text and value cut to Slack's limits.
func option(value, text string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(truncate(value, MaxOptionValue), plain(text, MaxOptionText), nil)
}

// capBlocks keeps at most n blocks, replacing the tail with a note when it cuts.
func capBlocks(blocks []slack.Block, n int, more string) []slack.Block {
	if len(blocks) <= n {
		return blocks
	}
	out := append([]slack.Block{}, blocks[:n-1]...)
	return append(out, contextText(more))
}
