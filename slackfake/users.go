package slackfake

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// User describes a member of the fake workspace.
type User struct {
	ID, Name, RealName, DisplayName, Email string
	TZ, TZLabel                            string // e.g. "Asia/Tokyo", "Japan Standard Time"
	TZOffset                               int    // seconds east of UTC, e.g. 32400
	Locale                                 string // e.g. "ja-JP", "en-US"
	IsBot, Deleted, IsAdmin                bool
}

// slackbotID is the ID of Slackbot, which every workspace has.
const slackbotID = "USLACKBOT"

type userRecord struct {
	User
	botID   string // for bot users
	updated int64
}

func (s *Server) addBuiltinUsers() {
	s.putUserLocked(&userRecord{User: User{
		ID: slackbotID, Name: "slackbot", RealName: "Slackbot",
		TZ: "America/Los_Angeles", TZLabel: "Pacific Standard Time", TZOffset: -28800, Locale: "en-US",
	}})
	s.putUserLocked(&userRecord{User: User{
		ID: s.opts.BotUserID, Name: s.opts.BotName, RealName: s.opts.BotName, IsBot: true,
		TZ: "America/Los_Angeles", TZLabel: "Pacific Standard Time", TZOffset: -28800, Locale: "en-US",
	}, botID: s.opts.BotID})
}

func (s *Server) putUserLocked(u *userRecord) {
	if _, exists := s.users[u.ID]; !exists {
		s.userOrder = append(s.userOrder, u.ID)
	}
	u.updated = time.Now().Unix()
	s.users[u.ID] = u
}

// AddUser adds a member to the workspace (or replaces the one with the same
// ID) and returns the Person that acts as them. A missing ID is generated;
// missing names, time zone and locale get plausible defaults.
func (s *Server) AddUser(u User) *Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.ID == "" {
		u.ID = s.ids.user()
	}
	if u.Name == "" {
		u.Name = strings.ToLower(strings.Join(strings.Fields(u.RealName), "."))
		if u.Name == "" {
			u.Name = strings.ToLower(u.ID)
		}
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	if u.TZ == "" {
		u.TZ, u.TZLabel, u.TZOffset = "America/Los_Angeles", "Pacific Standard Time", -28800
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		abbrev, off := time.Now().In(loc).Zone()
		if u.TZOffset == 0 {
			u.TZOffset = off
		}
		if u.TZLabel == "" {
			u.TZLabel = zoneLabels[u.TZ]
			if u.TZLabel == "" {
				u.TZLabel = abbrev
			}
		}
	}
	if u.Locale == "" {
		u.Locale = "en-US"
	}
	s.putUserLocked(&userRecord{User: u})
	p := s.people[u.ID]
	if p == nil {
		p = &Person{s: s, id: u.ID}
		s.people[u.ID] = p
	}
	s.notifyLocked()
	return p
}

// Person returns the Person for a user added with AddUser, or nil.
func (s *Server) Person(id string) *Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.people[id]
}

// People returns every Person in the order they were added.
func (s *Server) People() []*Person {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Person
	for _, id := range s.userOrder {
		if p := s.people[id]; p != nil {
			out = append(out, p)
		}
	}
	return out
}

// DeactivateUser deactivates a member, as a workspace admin does when someone leaves.
// From then on users.info and users.list report "deleted": true, users.lookupByEmail
// finds no one, and conversations.open naming them fails with user_disabled, as
// Slack's method reference says. Their DM and group DMs live on, and posting in
// them still succeeds, as Slack's own staff describe it (python-slack-sdk issue
// 1156): an app must check "deleted" itself. They see nothing any more: their modals
// close and, as a Person, they can no longer act (ErrDeactivated). Slackbot and the
// app's bot user cannot be deactivated.
func (s *Server) DeactivateUser(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	switch {
	case u == nil:
		return fmt.Errorf("slackfake: no user %q", id)
	case id == slackbotID || id == s.opts.BotUserID:
		return fmt.Errorf("slackfake: %s cannot be deactivated", id)
	}
	u.Deleted = true
	u.updated = time.Now().Unix()
	if p := s.people[id]; p != nil {
		for _, v := range p.modals {
			v.open = false
		}
		p.modals = nil
	}
	s.notifyLocked()
	return nil
}

// User returns the workspace member with this ID.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.users[id]
	if !found {
		return User{}, false
	}
	return u.User, true
}

// userJSON renders a user object as users.info and users.list return it.
func (s *Server) userJSON(u *userRecord, withLocale bool) map[string]any {
	profile := map[string]any{
		"title":                   "",
		"phone":                   "",
		"skype":                   "",
		"real_name":               u.RealName,
		"real_name_normalized":    u.RealName,
		"display_name":            u.DisplayName,
		"display_name_normalized": u.DisplayName,
		"fields":                  map[string]any{},
		"status_text":             "",
		"status_emoji":            "",
		"status_expiration":       0,
		"avatar_hash":             "g" + strings.ToLower(u.ID[1:]),
		"first_name":              firstWord(u.RealName),
		"last_name":               lastWords(u.RealName),
		"image_24":                "https://a.slack-edge.com/avatar-24.png",
		"image_32":                "https://a.slack-edge.com/avatar-32.png",
		"image_48":                "https://a.slack-edge.com/avatar-48.png",
		"image_72":                "https://a.slack-edge.com/avatar-72.png",
		"image_192":               "https://a.slack-edge.com/avatar-192.png",
		"image_512":               "https://a.slack-edge.com/avatar-512.png",
		"status_text_canonical":   "",
		"team":                    s.opts.TeamID,
	}
	if u.Email != "" {
		profile["email"] = u.Email
	}
	if u.botID != "" {
		profile["bot_id"] = u.botID
		profile["api_app_id"] = s.opts.AppID
		profile["always_active"] = true
	}
	obj := map[string]any{
		"id":                  u.ID,
		"team_id":             s.opts.TeamID,
		"name":                u.Name,
		"deleted":             u.Deleted,
		"color":               "9f69e7",
		"real_name":           u.RealName,
		"tz":                  u.TZ,
		"tz_label":            u.TZLabel,
		"tz_offset":           u.TZOffset,
		"profile":             profile,
		"is_admin":            u.IsAdmin,
		"is_owner":            false,
		"is_primary_owner":    false,
		"is_restricted":       false,
		"is_ultra_restricted": false,
		"is_bot":              u.IsBot,
		"is_app_user":         false,
		"updated":             u.updated,
		"is_email_confirmed":  u.Email != "",
	}
	if withLocale {
		obj["locale"] = u.Locale
	}
	return obj
}

// zoneLabels are the tz_label Slack shows for common time zones.
var zoneLabels = map[string]string{
	"Asia/Tokyo":          "Japan Standard Time",
	"Asia/Seoul":          "Korea Standard Time",
	"Asia/Shanghai":       "China Standard Time",
	"Asia/Singapore":      "Singapore Standard Time",
	"Asia/Kolkata":        "India Standard Time",
	"Europe/London":       "Greenwich Mean Time",
	"Europe/Paris":        "Central European Time",
	"Europe/Berlin":       "Central European Time",
	"America/New_York":    "Eastern Standard Time",
	"America/Chicago":     "Central Standard Time",
	"America/Los_Angeles": "Pacific Standard Time",
	"UTC":                 "Universal Coordinated Time",
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

func lastWords(s string) string {
	if f := strings.Fields(s); len(f) > 1 {
		return strings.Join(f[1:], " ")
	}
	return ""
}

func (s *Server) usersInfo(r *apiRequest) apiResult {
	id := r.str("user")
	s.mu.Lock()
	defer s.mu.Unlock()
	u, found := s.users[id]
	if !found {
		return fail("user_not_found")
	}
	return ok(map[string]any{"user": s.userJSON(u, r.flag("include_locale"))})
}

// usersList pages through every member, deleted users, bots and Slackbot
// included, as Slack does. The cursor is opaque: base64 of "user:<ID>".
func (s *Server) usersList(r *apiRequest) apiResult {
	limit := r.num("limit", 0)
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	start := 0
	if c := r.str("cursor"); c != "" {
		raw, err := base64.StdEncoding.DecodeString(c)
		id, found := strings.CutPrefix(string(raw), "user:")
		if err != nil || !found {
			return fail("invalid_cursor")
		}
		start = -1
		for i, uid := range s.userOrder {
			if uid == id {
				start = i
				break
			}
		}
		if start < 0 {
			return fail("invalid_cursor")
		}
	}
	end := min(start+limit, len(s.userOrder))
	members := make([]map[string]any, 0, end-start)
	for _, id := range s.userOrder[start:end] {
		members = append(members, s.userJSON(s.users[id], r.flag("include_locale")))
	}
	next := ""
	if end < len(s.userOrder) {
		next = base64.StdEncoding.EncodeToString([]byte("user:" + s.userOrder[end]))
	}
	return ok(map[string]any{
		"members":           members,
		"cache_ts":          time.Now().Unix(),
		"response_metadata": map[string]any{"next_cursor": next},
	})
}

func (s *Server) usersLookupByEmail(r *apiRequest) apiResult {
	email := strings.ToLower(strings.TrimSpace(r.str("email")))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.userOrder {
		u := s.users[id]
		if email != "" && strings.ToLower(u.Email) == email && !u.Deleted {
			return ok(map[string]any{"user": s.userJSON(u, false)})
		}
	}
	return fail("users_not_found")
}
