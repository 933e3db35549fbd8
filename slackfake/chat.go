package slackfake

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// Message is a message in a conversation of the fake workspace, or an
// ephemeral message shown to one person.
type Message struct {
	Channel, TS, ThreadTS, User, Text string
	Blocks                            slack.Blocks
	Metadata                          json.RawMessage // {"event_type":…,"event_payload":…} as posted, or nil
	Ephemeral                         bool
	To                                string // the person an ephemeral message is shown to
	Deleted                           bool
	Edited                            bool
	Files                             []string // IDs of files shared with the message
}

// message is the stored form of a Message.
type message struct {
	channel, ts, threadTS string
	user, botID           string
	clientMsgID           string
	text                  string
	blocks                []any // nil when the message has no blocks
	metadata              map[string]any
	ephemeral             bool
	to                    string
	deleted, edited       bool
	editedTS              string
	files                 []string
	fileLabels            []string // "title (name)" of each file, for rendering
	at                    time.Time
}

func (m *message) export() Message {
	out := Message{
		Channel: m.channel, TS: m.ts, ThreadTS: m.threadTS, User: m.user, Text: m.text,
		Blocks: toSlackBlocks(m.blocks), Ephemeral: m.ephemeral, To: m.to,
		Deleted: m.deleted, Edited: m.edited, Files: append([]string(nil), m.files...),
	}
	if m.metadata != nil {
		out.Metadata, _ = json.Marshal(m.metadata)
	}
	return out
}

// rendered is the plain text a person reads: the blocks when there are any,
// the text otherwise.
func (m *message) rendered() string {
	var parts []string
	switch {
	case len(m.blocks) > 0:
		parts = append(parts, renderBlocks(m.blocks))
	case m.text != "":
		parts = append(parts, m.text)
	}
	for _, l := range m.fileLabels {
		parts = append(parts, "📎 "+l)
	}
	return strings.Join(parts, "\n")
}

// Messages returns the messages of a conversation in order, deleted and
// ephemeral ones included (and flagged). channelID may also be a user ID,
// meaning the bot's DM with that user.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.resolveChannelLocked(channelID)
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, m.export())
	}
	return out
}

func (s *Server) botProfile() map[string]any {
	return map[string]any{
		"id": s.opts.BotID, "app_id": s.opts.AppID, "name": s.opts.BotName,
		"deleted": false, "team_id": s.opts.TeamID, "updated": time.Now().Unix(),
		"icons": map[string]any{"image_36": "https://a.slack-edge.com/bot-36.png"},
	}
}

// messageJSON renders a message as conversations.history and interaction
// payloads carry it.
func (s *Server) messageJSON(m *message, withMetadata bool) map[string]any {
	obj := map[string]any{"type": "message", "text": m.text, "ts": m.ts, "team": s.opts.TeamID}
	if m.user != "" {
		obj["user"] = m.user
	}
	if m.botID != "" {
		obj["bot_id"] = m.botID
		obj["app_id"] = s.opts.AppID
		obj["bot_profile"] = s.botProfile()
	}
	if m.clientMsgID != "" {
		obj["client_msg_id"] = m.clientMsgID
	}
	if m.blocks != nil {
		obj["blocks"] = m.blocks
	}
	if m.threadTS != "" {
		obj["thread_ts"] = m.threadTS
	}
	if m.edited {
		obj["edited"] = map[string]any{"user": m.user, "ts": m.editedTS}
	}
	if withMetadata && m.metadata != nil {
		obj["metadata"] = m.metadata
	}
	if len(m.files) > 0 {
		var files []map[string]any
		for _, id := range m.files {
			if f := s.files[id]; f != nil {
				files = append(files, s.fileJSON(f))
			}
		}
		obj["files"] = files
		obj["upload"] = false
		obj["display_as_bot"] = false
	}
	return obj
}

// messageContent is the text, blocks, attachments and metadata of
// chat.postMessage, chat.postEphemeral and chat.update; the Given fields
// tell an absent argument from an empty one.
type messageContent struct {
	text             string
	textGiven        bool
	blocks           []any
	blocksGiven      bool
	attachmentsGiven bool
	metadata         map[string]any
}

// readMessageContent reads and checks a message's content; a non-nil result
// is the error to answer with.
func readMessageContent(r *apiRequest) (messageContent, *apiResult) {
	var mc messageContent
	_, mc.textGiven = r.params["text"]
	mc.text = r.str("text")
	if len([]rune(mc.text)) > maxMessageText {
		res := fail("msg_too_long")
		return mc, &res
	}
	bv, given, err := r.jsonParam("blocks")
	if err != nil {
		res := fail("invalid_blocks_format")
		return mc, &res
	}
	if given {
		list, isList := bv.([]any)
		if !isList {
			res := fail("invalid_blocks_format")
			return mc, &res
		}
		mc.blocks, mc.blocksGiven = list, true
		if problems := validateMessageBlocks(list); len(problems) > 0 {
			res := failBlocks(problems)
			return mc, &res
		}
	}
	if av, given, err := r.jsonParam("attachments"); err != nil {
		res := fail("invalid_attachments")
		return mc, &res
	} else if given {
		list, isList := av.([]any)
		mc.attachmentsGiven = isList && len(list) > 0
	}
	mv, given, err := r.jsonParam("metadata")
	if err != nil {
		res := fail("invalid_metadata_format")
		return mc, &res
	}
	if given {
		md, isObj := mv.(map[string]any)
		if !isObj {
			res := fail("invalid_metadata_format")
			return mc, &res
		}
		if et, _ := md["event_type"].(string); et == "" {
			res := fail("invalid_metadata_schema")
			return mc, &res
		}
		if _, isObj := md["event_payload"].(map[string]any); !isObj {
			res := fail("invalid_metadata_schema")
			return mc, &res
		}
		mc.metadata = md
	}
	return mc, nil
}

func (mc messageContent) empty() bool {
	return strings.TrimSpace(mc.text) == "" && len(mc.blocks) == 0 && !mc.attachmentsGiven
}

// postLocked stores a message in c and shows it to the people who can see it.
func (s *Server) postLocked(c *conversation, m *message) {
	m.channel = c.id
	if m.ts == "" {
		m.ts = s.ids.ts()
	}
	m.at = time.Now()
	if m.blocks != nil {
		ensureIDs(&s.ids, m.blocks)
	}
	c.messages = append(c.messages, m)
	kind := "message"
	switch {
	case m.ephemeral:
		kind = "ephemeral"
	case len(m.files) > 0:
		kind = "file"
	}
	s.showMessageLocked(c, m, kind)
	if s.opts.EchoBotMessages && m.botID != "" && !m.ephemeral && c.botMember {
		s.echoLocked(c, m)
	}
}

// showMessageLocked records a message, its update or its deletion as seen by
// everyone who can see it.
func (s *Server) showMessageLocked(c *conversation, m *message, kind string) {
	seen := Seen{At: time.Now(), Kind: kind, Channel: c.id, TS: m.ts, User: m.user, Text: m.rendered()}
	if kind == "message_delete" {
		seen.Text = ""
	} else {
		seen.Blocks = toSlackBlocks(m.blocks)
	}
	if m.ephemeral {
		if p := s.people[m.to]; p != nil {
			p.seeLocked(seen)
		}
	} else {
		for _, id := range c.members {
			if p := s.people[id]; p != nil {
				p.seeLocked(seen)
			}
		}
	}
	s.notifyLocked()
}

// echoLocked sends the bot's own message back to it as a message event.
func (s *Server) echoLocked(c *conversation, m *message) {
	ev := s.messageJSON(m, false)
	ev["channel"] = c.id
	ev["event_ts"] = m.ts
	ev["channel_type"] = channelType(c)
	s.queueEventLocked(ev)
}

func channelType(c *conversation) string {
	switch c.kind {
	case convIM:
		return "im"
	case convMPIM:
		return "mpim"
	default:
		return "channel"
	}
}

func (s *Server) chatPostMessage(r *apiRequest) apiResult {
	mc, bad := readMessageContent(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.resolveChannelLocked(r.str("channel"))
	switch {
	case c == nil:
		return fail("channel_not_found")
	case !c.botMember:
		return fail("not_in_channel")
	case bad != nil:
		return *bad
	case mc.empty():
		return fail("no_text")
	}
	m := &message{
		user: s.opts.BotUserID, botID: s.opts.BotID, text: mc.text,
		blocks: mc.blocks, metadata: mc.metadata, threadTS: r.str("thread_ts"),
	}
	s.postLocked(c, m)
	return ok(map[string]any{"channel": c.id, "ts": m.ts, "message": s.messageJSON(m, true)})
}

func (s *Server) chatPostEphemeral(r *apiRequest) apiResult {
	mc, bad := readMessageContent(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.resolveChannelLocked(r.str("channel"))
	userID := r.str("user")
	u := s.users[userID]
	switch {
	case c == nil:
		return fail("channel_not_found")
	case u == nil:
		return fail("user_not_found")
	case !c.botMember:
		return fail("not_in_channel")
	case !c.hasMember(userID):
		return fail("user_not_in_channel")
	case bad != nil:
		return *bad
	case mc.empty():
		return fail("no_text")
	}
	m := &message{
		user: s.opts.BotUserID, botID: s.opts.BotID, text: mc.text, blocks: mc.blocks,
		threadTS: r.str("thread_ts"), ephemeral: true, to: userID,
	}
	s.postLocked(c, m)
	return ok(map[string]any{"message_ts": m.ts})
}

// findMessageLocked returns a message of c by ts, ephemeral ones excluded.
func findMessageLocked(c *conversation, ts string) *message {
	for _, m := range c.messages {
		if m.ts == ts && !m.ephemeral && !m.deleted {
			return m
		}
	}
	return nil
}

// botMessageLocked finds the message a chat.update or chat.delete names (channel, ts)
// and checks the bot wrote it; notMine is Slack's error when another user did. s.mu must
// be held.
func (s *Server) botMessageLocked(r *apiRequest, notMine string) (*conversation, *message, *apiResult) {
	c := s.resolveChannelLocked(r.str("channel"))
	if c == nil {
		res := fail("channel_not_found")
		return nil, nil, &res
	}
	m := findMessageLocked(c, r.str("ts"))
	switch {
	case m == nil:
		res := fail("message_not_found")
		return nil, nil, &res
	case m.botID != s.opts.BotID:
		res := fail(notMine)
		return nil, nil, &res
	}
	return c, m, nil
}

func (s *Server) chatUpdate(r *apiRequest) apiResult {
	mc, bad := readMessageContent(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, denied := s.botMessageLocked(r, "cant_update_message")
	switch {
	case denied != nil:
		return *denied
	case bad != nil:
		return *bad
	case !mc.textGiven && !mc.blocksGiven && !mc.attachmentsGiven:
		return fail("no_text")
	}
	// As Slack does: new text without blocks drops the old blocks; blocks without
	// text keep the old text.
	if mc.textGiven {
		m.text = mc.text
		if !mc.blocksGiven {
			m.blocks = nil
		}
	}
	if mc.blocksGiven {
		m.blocks = mc.blocks
		ensureIDs(&s.ids, m.blocks)
	}
	if mc.metadata != nil {
		m.metadata = mc.metadata
	}
	m.edited, m.editedTS = true, s.ids.ts()
	s.showMessageLocked(c, m, "message_update")
	return ok(map[string]any{"channel": c.id, "ts": m.ts, "text": m.text, "message": s.messageJSON(m, true)})
}

func (s *Server) chatDelete(r *apiRequest) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, denied := s.botMessageLocked(r, "cant_delete_message")
	if denied != nil {
		return *denied
	}
	m.deleted = true
	s.showMessageLocked(c, m, "message_delete")
	return ok(map[string]any{"channel": c.id, "ts": m.ts})
}
