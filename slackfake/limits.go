package slackfake

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Block Kit limits Slack enforces when a message is posted or a view is
// opened, pushed, updated or published. Problems are reported as Slack does:
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
const (
	maxMessageBlocks   = 50
	maxSurfaceBlocks   = 100 // modals and the Home tab
	maxMessageText     = 40000
	maxViewTitle       = 24 // title, submit and close of a modal
	maxPrivateMetadata = 3000
	maxViewID          = 255 // callback_id and external_id
	maxID              = 255 // block_id and action_id
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxHeaderText      = 150
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxURL             = 3000
	maxOptionText      = 75
	maxOptionValue     = 150
	maxOptionDesc      = 75
	maxOptions         = 100
	maxOptionGroups    = 100
	maxGroupLabel      = 75
	maxChoiceOptions   = 10 // checkboxes and radio buttons
	maxPlaceholder     = 150
	maxLabel           = 2000
	maxHint            = 2000
	maxContextElements = 10
	maxActionsElements = 25
	maxContextText     = 3000
	maxInputLength     = 3000
	maxConfirmTitle    = 100
	maxConfirmText     = 300
	maxConfirmButton   = 30
	maxViewBytes       = 250 * 1024
)

type surface int

const (
	surfaceMessage surface = iota
	surfaceModal
	surfaceHome
)

// blockChecker collects the Block Kit problems of one surface.
type blockChecker struct {
	surface  surface
	problems []string
	blockIDs map[string]bool
}

func (c *blockChecker) add(ptr, format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

func (c *blockChecker) length(ptr, s string, maxLen int) {
	if n := utf8.RuneCountInString(s); n > maxLen {
		c.add(ptr, "must be less than %d characters", maxLen+1)
	}
}

func (c *blockChecker) required(ptr string, obj map[string]any, field string) bool {
	if v, present := obj[field]; !present || v == nil {
		c.add(ptr, "missing required field: %s", field)
		return false
	}
	return true
}

// text checks a text object. plainOnly requires plain_text.
func (c *blockChecker) text(ptr string, v any, maxLen int, plainOnly bool) {
	obj := asMap(v)
	if obj == nil {
		c.add(ptr, "must be an object")
		return
	}
	switch t := asString(obj["type"]); {
	case t != "plain_text" && t != "mrkdwn":
		c.add(ptr+"/type", `must be one of "plain_text", "mrkdwn"`)
	case plainOnly && t != "plain_text":
		c.add(ptr+"/type", `must be "plain_text"`)
	}
	s, isString := obj["text"].(string)
	switch {
	case !isString:
		c.add(ptr, "missing required field: text")
	case s == "":
		c.add(ptr+"/text", "must be more than 0 characters")
	default:
		c.length(ptr+"/text", s, maxLen)
	}
}

func (c *blockChecker) optionalText(ptr string, obj map[string]any, field string, maxLen int, plainOnly bool) {
	if v, present := obj[field]; present && v != nil {
		c.text(ptr+"/"+field, v, maxLen, plainOnly)
	}
}

func (c *blockChecker) blocks(ptr string, v any, maxBlocks int) {
	list, isList := v.([]any)
	if !isList {
		c.add(ptr, "must be an array")
		return
	}
	if len(list) > maxBlocks {
		c.add(ptr, "no more than %d items allowed", maxBlocks)
	}
	for i, b := range list {
		c.block(ptr+"/"+strconv.Itoa(i), b)
	}
}

func (c *blockChecker) block(ptr string, v any) {
	block := asMap(v)
	if block == nil {
		c.add(ptr, "must be an object")
		return
	}
	if id, present := block["block_id"]; present {
		s := asString(id)
		c.length(ptr+"/block_id", s, maxID)
		if c.blockIDs[s] {
			c.add(ptr+"/block_id", "duplicate block_id %q", s)
		}
		c.blockIDs[s] = true
	}
	typ := asString(block["type"])
	kind := blockKinds[typ]
	switch {
	case typ == "":
		c.add(ptr, "missing required field: type")
	case kind.check == nil:
		c.add(ptr+"/type", "must be one of %s", blockTypes())
	default:
		kind.check(c, ptr, block)
	}
}

// items checks the length of a list of 1 to maxItems items and returns it.
func (c *blockChecker) items(ptr string, v any, maxItems int) []any {
	list := asSlice(v)
	switch {
	case len(list) == 0:
		c.add(ptr, "must provide at least 1 item")
	case len(list) > maxItems:
		c.add(ptr, "no more than %d items allowed", maxItems)
	}
	return list
}

// element checks an element that sits in where: the rules of every element, then
// those of its type from elementKinds.
func (c *blockChecker) element(ptr string, v any, where placement, actionIDs map[string]bool) {
	elem := asMap(v)
	if elem == nil {
		c.add(ptr, "must be an object")
		return
	}
	typ := asString(elem["type"])
	kind, known := elementKinds[typ]
	switch {
	case typ == "":
		c.add(ptr, "missing required field: type")
	case !known:
		c.add(ptr+"/type", "must be one of %s", elementTypes())
	case kind.where&where == 0:
		c.add(ptr+"/type", "%q is not allowed in %s", typ, placeName[where])
	}
	if id, present := elem["action_id"]; present {
		s := asString(id)
		c.length(ptr+"/action_id", s, maxID)
		if actionIDs[s] {
			c.add(ptr+"/action_id", "duplicate action_id %q", s)
		}
		actionIDs[s] = true
	}
	c.optionalText(ptr, elem, "placeholder", maxPlaceholder, true)
	if cf := asMap(elem["confirm"]); cf != nil {
		c.optionalText(ptr+"/confirm", cf, "title", maxConfirmTitle, true)
		c.optionalText(ptr+"/confirm", cf, "text", maxConfirmText, false)
		c.optionalText(ptr+"/confirm", cf, "confirm", maxConfirmButton, true)
		c.optionalText(ptr+"/confirm", cf, "deny", maxConfirmButton, true)
	}
	if known && kind.check != nil {
		kind.check(c, ptr, elem)
	}
}

var placeName = map[placement]string{inActions: "an actions block", inAccessory: "a section accessory", inInput: "an input block"}

// optionSource checks the options or option groups of a select.
func (c *blockChecker) optionSource(ptr string, elem map[string]any) {
	opts, hasOpts := elem["options"]
	groups, hasGroups := elem["option_groups"]
	if !hasOpts && !hasGroups {
		c.add(ptr, `must provide either "options" or "option_groups"`)
	}
	if hasOpts {
		c.options(ptr+"/options", opts, maxOptions, true)
	}
	if hasGroups {
		list := asSlice(groups)
		if len(list) > maxOptionGroups {
			c.add(ptr+"/option_groups", "no more than %d items allowed", maxOptionGroups)
		}
		for i, g := range list {
			gp := ptr + "/option_groups/" + strconv.Itoa(i)
			group := asMap(g)
			if c.required(gp, group, "label") {
				c.text(gp+"/label", group["label"], maxGroupLabel, true)
			}
			c.options(gp+"/options", group["options"], maxOptions, true)
		}
	}
}

// atLeastOne checks that a number field, when present, is 1 or more.
func (c *blockChecker) atLeastOne(ptr string, elem map[string]any, field string) {
	if v, present := elem[field]; present {
		if n, err := strconv.Atoi(asString(v)); err != nil || n < 1 {
			c.add(ptr+"/"+field, "must be at least 1")
		}
	}
}

func (c *blockChecker) options(ptr string, v any, maxItems int, plainOnly bool) {
	list, isList := v.([]any)
	if !isList {
		c.add(ptr, "must be an array")
		return
	}
	if len(list) > maxItems {
		c.add(ptr, "no more than %d items allowed", maxItems)
	}
	for i, o := range list {
		op := ptr + "/" + strconv.Itoa(i)
		opt := asMap(o)
		if opt == nil {
			c.add(op, "must be an object")
			continue
		}
		if c.required(op, opt, "text") {
			c.text(op+"/text", opt["text"], maxOptionText, plainOnly)
		}
		if c.required(op, opt, "value") {
			c.length(op+"/value", asString(opt["value"]), maxOptionValue)
		}
		c.optionalText(op, opt, "description", maxOptionDesc, plainOnly)
	}
}

// validateMessageBlocks returns the problems of a message's blocks.
func validateMessageBlocks(blocks []any) []string {
	c := &blockChecker{surface: surfaceMessage, blockIDs: map[string]bool{}}
	c.blocks("/blocks", blocks, maxMessageBlocks)
	return c.problems
}

// validateView returns the problems of a view for views.open, views.push,
// views.update (wantType "modal" or "") or views.publish ("home").
func validateView(view map[string]any, wantType string) []string {
	const ptr = "/view"
	typ := asString(view["type"])
	kind := surfaceModal
	if typ == "home" {
		kind = surfaceHome
	}
	c := &blockChecker{surface: kind, blockIDs: map[string]bool{}}
	switch {
	case typ == "":
		c.add(ptr, "missing required field: type")
	case wantType != "" && typ != wantType:
		c.add(ptr+"/type", "must be %q", wantType)
	case typ != "modal" && typ != "home":
		c.add(ptr+"/type", `must be one of "modal", "home"`)
	}
	if typ == "modal" {
		if c.required(ptr, view, "title") {
			c.text(ptr+"/title", view["title"], maxViewTitle, true)
		}
		c.optionalText(ptr, view, "submit", maxViewTitle, true)
		c.optionalText(ptr, view, "close", maxViewTitle, true)
		if _, hasSubmit := view["submit"]; !hasSubmit && hasInputBlock(asSlice(view["blocks"])) {
			c.add(ptr, "missing required field: submit")
		}
	}
	c.length(ptr+"/private_metadata", asString(view["private_metadata"]), maxPrivateMetadata)
	c.length(ptr+"/callback_id", asString(view["callback_id"]), maxViewID)
	c.length(ptr+"/external_id", asString(view["external_id"]), maxViewID)
	if c.required(ptr, view, "blocks") {
		c.blocks(ptr+"/blocks", view["blocks"], maxSurfaceBlocks)
	}
	return c.problems
}

func hasInputBlock(blocks []any) bool {
	for _, b := range blocks {
		if asString(asMap(b)["type"]) == "input" {
			return true
		}
	}
	return false
}

// viewTooLarge reports whether a view exceeds Slack's 250 kB limit.
func viewTooLarge(view map[string]any) bool {
	b, _ := json.Marshal(view)
	return len(b) > maxViewBytes
}

// problemsText joins problems for an error message.
func problemsText(problems []string) string {
	return strings.Join(problems, "; ")
}
