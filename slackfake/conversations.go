package slackfake

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

type convKind int

const (
	convChannel convKind = iota
	convIM
	convMPIM
)

// conversation is a channel, a DM between the bot and one person, or a
// group DM of the bot and several people.
type conversation struct {
	id, name  string
	kind      convKind
	members   []string // human members; the bot is tracked by botMember
	botMember bool
	created   int64
	messages  []*message
}

func (c *conversation) hasMember(userID string) bool {
	return slices.Contains(c.members, userID)
}

// AddChannel adds a channel with the bot and the given people in it, or adds
// members to an existing one. The bot can post in it; commands typed in
// channels never added here arrive from channels the bot is not in.
func (s *Server) AddChannel(id, name string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convs[id]
	if c == nil {
		c = &conversation{id: id, name: name, kind: convChannel, created: time.Now().Unix()}
		s.convs[id] = c
	}
	c.botMember = true
	if name != "" {
		c.name = name
	}
	for _, m := range members {
		if m != s.opts.BotUserID && !c.hasMember(m) {
			c.members = append(c.members, m)
		}
	}
	s.notifyLocked()
}

// DMChannel returns the ID conversations.open returns for this set of people:
// a D… ID for the bot's DM with one person, a G… ID for a group DM. IDs are
// stable per set; the bot's own user ID in the list is ignored.
func (s *Server) DMChannel(userIDs ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, _ := s.openConvLocked(userIDs)
	if c == nil {
		return ""
	}
	return c.id
}

// openConvLocked returns the DM or group DM for a set of users, creating it
// on first use. existed reports whether it was open already.
func (s *Server) openConvLocked(userIDs []string) (c *conversation, existed bool) {
	var set []string
	for _, id := range userIDs {
		id = strings.TrimSpace(id)
		if id != "" && id != s.opts.BotUserID && !slices.Contains(set, id) {
			set = append(set, id)
		}
	}
	if len(set) == 0 {
		return nil, false
	}
	slices.Sort(set)
	key := strings.Join(set, ",")
	if id, found := s.convKeys[key]; found {
		return s.convs[id], true
	}
	c = &conversation{members: set, botMember: true, created: time.Now().Unix()}
	if len(set) == 1 {
		c.kind, c.id, c.name = convIM, s.ids.dm(), set[0]
	} else {
		c.kind, c.id = convMPIM, s.ids.mpim()
		names := []string{s.opts.BotName}
		for _, id := range set {
			if u := s.users[id]; u != nil {
				names = append(names, u.Name)
			}
		}
		c.name = "mpdm-" + strings.Join(names, "--") + "-1"
	}
	s.convs[c.id] = c
	s.convKeys[key] = c.id
	return c, false
}

// resolveChannelLocked finds the conversation a Web API call names: a
// conversation ID, a user ID (meaning the bot's DM with that user) or a
// channel name with or without "#".
func (s *Server) resolveChannelLocked(ref string) *conversation {
	if ref == "" {
		return nil
	}
	if c := s.convs[ref]; c != nil {
		return c
	}
	if u := s.users[ref]; u != nil && ref != s.opts.BotUserID && !u.IsBot {
		if u.Deleted {
			// Slack keeps a deactivated person's DM, and posts there still land;
			// it opens no new one.
			return s.convs[s.convKeys[ref]]
		}
		c, _ := s.openConvLocked([]string{ref})
		return c
	}
	name := strings.TrimPrefix(ref, "#")
	for _, c := range s.convs {
		if c.kind == convChannel && c.name == name {
			return c
		}
	}
	return nil
}

// commandChannelLocked returns the conversation a person types a command
// in: their DM with the bot when id is "", a known conversation, or a channel
// the bot is not in.
func (s *Server) commandChannelLocked(userID, id string) *conversation {
	if id == "" {
		c, _ := s.openConvLocked([]string{userID})
		return c
	}
	if c := s.convs[id]; c != nil {
		if c.kind == convChannel && !c.hasMember(userID) {
			c.members = append(c.members, userID) // typing in it, they are in it
		}
		return c
	}
	c := &conversation{id: id, name: strings.ToLower(id), kind: convChannel, members: []string{userID}, created: time.Now().Unix()}
	s.convs[id] = c
	return c
}

// channelName is the channel_name Slack puts in slash command payloads.
func (c *conversation) channelName() string {
	switch c.kind {
	case convIM:
		return "directmessage"
	default:
		return c.name
	}
}

func (s *Server) convJSON(c *conversation) map[string]any {
	obj := map[string]any{
		"id":                    c.id,
		"created":               c.created,
		"is_archived":           false,
		"is_org_shared":         false,
		"context_team_id":       s.opts.TeamID,
		"updated":               c.created * 1000,
		"is_channel":            c.kind == convChannel,
		"is_group":              false,
		"is_im":                 c.kind == convIM,
		"is_mpim":               c.kind == convMPIM,
		"is_private":            c.kind != convChannel,
		"is_shared":             false,
		"is_ext_shared":         false,
		"is_pending_ext_shared": false,
	}
	switch c.kind {
	case convIM:
		obj["user"] = c.members[0]
		obj["is_open"] = true
		obj["priority"] = 0
	case convMPIM:
		obj["name"] = c.name
		obj["name_normalized"] = c.name
		obj["is_open"] = true
		obj["num_members"] = len(c.members) + 1
	default:
		obj["name"] = c.name
		obj["name_normalized"] = c.name
		obj["is_member"] = c.botMember
		obj["is_general"] = false
		obj["num_members"] = len(c.members)
	}
	return obj
}

func (s *Server) conversationsOpen(r *apiRequest) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := r.str("channel"); ch != "" {
		c := s.convs[ch]
		if c == nil || c.kind == convChannel {
			return fail("channel_not_found")
		}
		return ok(map[string]any{"no_op": true, "already_open": true, "channel": s.convJSON(c)})
	}
	var users []string
	for u := range strings.SplitSeq(r.str("users"), ",") {
		if u = strings.TrimSpace(u); u != "" {
			users = append(users, u)
		}
	}
	if len(users) == 0 {
		return fail("users_list_not_supplied")
	}
	if len(users) > 8 {
		return fail("too_many_users")
	}
	for _, id := range users {
		u := s.users[id]
		switch {
		case u == nil:
			return fail("user_not_found")
		case u.Deleted:
			return fail("user_disabled")
		}
	}
	if len(users) == 1 && users[0] == s.opts.BotUserID {
		return fail("cannot_dm_bot")
	}
	c, existed := s.openConvLocked(users)
	s.notifyLocked()
	chJSON := map[string]any{"id": c.id}
	if c.kind == convMPIM || r.flag("return_im") {
		chJSON = s.convJSON(c)
	}
	res := map[string]any{"channel": chJSON}
	if existed {
		res["no_op"] = true
		res["already_open"] = true
	}
	return ok(res)
}

// conversationsHistory returns a conversation's top-level messages, newest
// first, between oldest and latest, with cursor pagination. Message metadata
// is included only with include_all_metadata, as in Slack.
func (s *Server) conversationsHistory(r *apiRequest) apiResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convs[r.str("channel")]
	if c == nil {
		return fail("channel_not_found")
	}
	if !c.botMember {
		return fail("not_in_channel")
	}
	limit := r.num("limit", 100)
	if limit <= 0 || limit > 999 {
		limit = 100
	}
	oldest, latest := tsValue(r.str("oldest")), tsValue(r.str("latest"))
	if r.str("latest") == "" {
		latest = 1 << 62
	}
	inclusive := r.flag("inclusive")
	cursorTS := int64(1 << 62)
	if cur := r.str("cursor"); cur != "" {
		raw, err := base64.StdEncoding.DecodeString(cur)
		ts, found := strings.CutPrefix(string(raw), "next_ts:")
		if err != nil || !found {
			return fail("invalid_cursor")
		}
		cursorTS = tsValue(ts)
	}
	var out []map[string]any
	hasMore, nextCursor := false, ""
	for _, m := range slices.Backward(c.messages) {
		if m.deleted || m.ephemeral || (m.threadTS != "" && m.threadTS != m.ts) {
			continue
		}
		v := tsValue(m.ts)
		if v > cursorTS || v > latest || v < oldest || (!inclusive && (v == oldest || v == latest)) {
			continue
		}
		if len(out) == limit {
			hasMore = true
			nextCursor = base64.StdEncoding.EncodeToString([]byte("next_ts:" + m.ts))
			break
		}
		out = append(out, s.messageJSON(m, r.flag("include_all_metadata")))
	}
	if out == nil {
		out = []map[string]any{}
	}
	res := map[string]any{"messages": out, "has_more": hasMore, "pin_count": 0}
	if hasMore {
		res["response_metadata"] = map[string]any{"next_cursor": nextCursor}
	}
	return ok(res)
}

// tsValue turns a message ts into microseconds for comparison.
func tsValue(ts string) int64 {
	if ts == "" {
		return 0
	}
	sec, frac, _ := strings.Cut(ts, ".")
	frac = (frac + "000000")[:6]
	s, err1 := strconv.ParseInt(sec, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return s*1e6 + f
}
