package slackfake_test

import (
	"fmt"
	"testing"

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
