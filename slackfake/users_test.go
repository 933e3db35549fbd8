package slackfake_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestUsersList_PagesThroughEveryoneAsSlackDoes(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	for i := range 5 {
		s.AddUser(slackfake.User{ID: fmt.Sprintf("U%08d", i), Name: fmt.Sprintf("person%d", i)})
	}
	s.AddUser(slackfake.User{ID: "UGONE0001", Name: "gone", Deleted: true})
	s.AddUser(slackfake.User{ID: "BOTUSER01", Name: "otherbot", IsBot: true})
	api := apiFor(s)

	page, err := api.GetUsersPaginated(slack.GetUsersOptionLimit(3)).Next(ctxFor(t, 5e9))
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Users) != 3 || page.Cursor == "" {
		t.Fatalf("first page: %d users, cursor %q", len(page.Users), page.Cursor)
	}
	all, err := api.GetUsers(slack.GetUsersOptionLimit(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 {
		t.Fatalf("users = %d, want 5 people + deleted + bot + Slackbot + the app's bot", len(all))
	}
	byID := map[string]slack.User{}
	for _, u := range all {
		if _, dup := byID[u.ID]; dup {
			t.Errorf("user %s listed twice", u.ID)
		}
		byID[u.ID] = u
	}
	tests := []struct {
		id             string
		deleted, isBot bool
	}{
		{"USLACKBOT", false, false}, // Slackbot is not flagged as a bot
		{"UBOT0FAKE", false, true},
		{"UGONE0001", true, false},
		{"BOTUSER01", false, true},
		{"U00000000", false, false},
	}
	for _, tt := range tests {
		u, found := byID[tt.id]
		if !found || u.Deleted != tt.deleted || u.IsBot != tt.isBot {
			t.Errorf("%s: found %v deleted %v is_bot %v", tt.id, found, u.Deleted, u.IsBot)
		}
	}
	if byID["UBOT0FAKE"].Profile.BotID != "B0FAKE" {
		t.Error("bot user has no profile.bot_id")
	}
	if _, err := api.GetUsersPaginated(slack.GetUsersOptionCursor("bogus")).Next(ctxFor(t, 5e9)); slackErr(err) != "invalid_cursor" {
		t.Errorf("bogus cursor: %v", err)
	}
}

func TestUsersInfo_LocaleAndTimeZone(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{
		Name: "aiko", RealName: "Aiko Tanaka", DisplayName: "あいこ", Email: "aiko@example.com",
		TZ: "Asia/Tokyo", Locale: "ja-JP", IsAdmin: true,
	})
	api := apiFor(s)
	tests := []struct {
		name       string
		opts       []slack.GetUserInfoOption
		wantLocale string
	}{
		{"with include_locale", nil, "ja-JP"},
		{"without include_locale", []slack.GetUserInfoOption{slack.GetUserInfoOptionIncludeLocale(false)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := api.GetUserInfo(p.ID(), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if u.Locale != tt.wantLocale || u.TZ != "Asia/Tokyo" || u.TZLabel != "Japan Standard Time" || u.TZOffset != 32400 {
				t.Errorf("locale %q tz %q %q %d", u.Locale, u.TZ, u.TZLabel, u.TZOffset)
			}
			if u.Profile.DisplayName != "あいこ" || u.Profile.RealName != "Aiko Tanaka" || u.Profile.Email != "aiko@example.com" || !u.IsAdmin {
				t.Errorf("user = %+v", u)
			}
		})
	}
	if _, err := api.GetUserInfo("UNOBODY"); slackErr(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
}

func TestUsersLookupByEmail(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "ken", Email: "Ken@Example.com"})
	s.AddUser(slackfake.User{Name: "gone", Email: "gone@example.com", Deleted: true})
	api := apiFor(s)
	tests := []struct {
		email, wantID, wantErr string
	}{
		{"ken@example.com", p.ID(), ""},
		{"nobody@example.com", "", "users_not_found"},
		{"gone@example.com", "", "users_not_found"},
	}
	for _, tt := range tests {
		u, err := api.GetUserByEmail(tt.email)
		if slackErr(err) != tt.wantErr || (err == nil && u.ID != tt.wantID) {
			t.Errorf("%s: user %v err %v", tt.email, u, err)
		}
	}
}

func TestDeactivateUser_AsSlackTreatsThem(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	gone := s.AddUser(slackfake.User{Name: "gone", RealName: "Gone Person", Email: "gone@example.com"})
	other := s.AddUser(slackfake.User{Name: "other"})
	never := s.AddUser(slackfake.User{Name: "never"})
	api := apiFor(s)
	dm, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{gone.ID()}})
	if err != nil {
		t.Fatal(err)
	}
	group, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{gone.ID(), other.ID()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{gone.ID(), never.ID()} {
		if err := s.DeactivateUser(id); err != nil {
			t.Fatal(err)
		}
	}

	u, err := api.GetUserInfo(gone.ID())
	if err != nil || !u.Deleted {
		t.Errorf("users.info: deleted %v, err %v", u != nil && u.Deleted, err)
	}
	if _, err := api.GetUserByEmail("gone@example.com"); slackErr(err) != "users_not_found" {
		t.Errorf("users.lookupByEmail: %v, want users_not_found", err)
	}
	tests := []struct {
		name, wantErr string
		call          func() error
	}{
		{"conversations.open with them", "user_disabled", func() error {
			_, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{gone.ID()}})
			return err
		}},
		{"conversations.open of a group with them", "user_disabled", func() error {
			_, _, _, err := api.OpenConversation(&slack.OpenConversationParameters{Users: []string{other.ID(), gone.ID()}})
			return err
		}},
		{"chat.postMessage in their DM", "", func() error {
			_, _, err := api.PostMessage(dm.ID, slack.MsgOptionText("still lands", false))
			return err
		}},
		{"chat.postMessage to their user ID, DM open", "", func() error {
			_, _, err := api.PostMessage(gone.ID(), slack.MsgOptionText("still lands", false))
			return err
		}},
		{"chat.postMessage to their user ID, no DM ever", "channel_not_found", func() error {
			_, _, err := api.PostMessage(never.ID(), slack.MsgOptionText("nowhere", false))
			return err
		}},
		{"chat.postMessage in a group DM with them", "", func() error {
			_, _, err := api.PostMessage(group.ID, slack.MsgOptionText("to the group", false))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.wantErr {
				t.Errorf("err = %q, want %q", got, tt.wantErr)
			}
		})
	}
	if n := len(s.Messages(dm.ID)); n != 2 {
		t.Errorf("messages in their DM = %d, want 2", n)
	}
	if seen := gone.Seen(); len(seen) != 0 {
		t.Errorf("a deactivated person saw %+v", seen)
	}
	if seen := other.Seen(); len(seen) != 1 || seen[0].Text != "to the group" {
		t.Errorf("the group's other member saw %+v", seen)
	}
	if _, err := gone.Command(ctxFor(t, 5*time.Second), "help"); !errors.Is(err, slackfake.ErrDeactivated) {
		t.Errorf("command by a deactivated person: %v, want ErrDeactivated", err)
	}
	if err := s.DeactivateUser(s.BotUserID()); err == nil {
		t.Error("the app's bot user was deactivated")
	}
	if err := s.DeactivateUser("UNOBODY"); err == nil {
		t.Error("an unknown user was deactivated")
	}
}

func TestDeactivateUser_ClosesTheirModal(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	startModalApp(t, s, formModal(), nil)
	p := s.AddUser(slackfake.User{Name: "aiko"})
	openForm(t, s, p)
	if err := s.DeactivateUser(p.ID()); err != nil {
		t.Fatal(err)
	}
	if _, open := p.Modal(); open {
		t.Error("modal still open")
	}
	if _, err := p.Submit(ctxFor(t, time.Second), slackfake.Values{}); !errors.Is(err, slackfake.ErrNoModal) {
		t.Errorf("submit: %v, want ErrNoModal", err)
	}
}
