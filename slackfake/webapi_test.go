package slackfake_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestWebAPI_TokensAreChecked(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	tests := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"auth.test with the bot token", func() error {
			_, err := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL())).AuthTest()
			return err
		}, ""},
		{"auth.test without a token", func() error {
			_, err := slack.New("", slack.OptionAPIURL(s.APIURL())).AuthTest()
			return err
		}, "not_authed"},
		{"auth.test with a wrong token", func() error {
			_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL())).AuthTest()
			return err
		}, "invalid_auth"},
		{"auth.test with the app token", func() error {
			_, err := slack.New(s.AppToken(), slack.OptionAPIURL(s.APIURL())).AuthTest()
			return err
		}, "not_allowed_token_type"},
		{"apps.connections.open with the app token", func() error {
			_, _, err := apiFor(s).StartSocketModeContext(ctxFor(t, 5*time.Second))
			return err
		}, ""},
		{"apps.connections.open with the bot token", func() error {
			api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken(s.BotToken()))
			_, _, err := api.StartSocketModeContext(ctxFor(t, 5*time.Second))
			return err
		}, "not_allowed_token_type"},
		{"apps.connections.open with a wrong token", func() error {
			api := slack.New(s.BotToken(), slack.OptionAPIURL(s.APIURL()), slack.OptionAppLevelToken("xapp-wrong"))
			_, _, err := api.StartSocketModeContext(ctxFor(t, 5*time.Second))
			return err
		}, "invalid_auth"},
		{"views.publish (JSON body) with a wrong token", func() error {
			_, err := slack.New("xoxb-wrong", slack.OptionAPIURL(s.APIURL())).PublishView("U1", slack.HomeTabViewRequest{Type: slack.VTHomeTab}, "")
			return err
		}, "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slackErr(tt.call()); got != tt.wantErr {
				t.Errorf("error = %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func TestWebAPI_AuthTestDescribesTheBot(t *testing.T) {
	s := newFake(t, slackfake.Options{TeamName: "Example Co."})
	got, err := apiFor(s).AuthTest()
	if err != nil {
		t.Fatal(err)
	}
	want := slack.AuthTestResponse{
		URL: "https://example-co.slack.com/", Team: "Example Co.", User: "reverse-mentor",
		TeamID: "T0FAKE", UserID: "UBOT0FAKE", BotID: "B0FAKE",
	}
	got.Header = nil
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("auth.test = %+v, want %+v", *got, want)
	}
}

func TestWebAPI_ConnectionsOpenReturnsSocketURL(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	_, u, err := apiFor(s).StartSocketModeContext(ctxFor(t, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	base := "ws" + strings.TrimPrefix(strings.TrimSuffix(s.APIURL(), "/api/"), "http") + "/link/?ticket="
	if !strings.HasPrefix(u, base) {
		t.Errorf("url = %q, want prefix %q", u, base)
	}
}

func TestWebAPI_UnknownMethod(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	resp, err := http.PostForm(s.APIURL()+"chat.teleport", url.Values{"token": {s.BotToken()}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body["ok"] != false || body["error"] != "unknown_method" {
		t.Errorf("body = %v", body)
	}
}

func TestWebAPI_CallsAreRecordedWithoutTheToken(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	p := s.AddUser(slackfake.User{Name: "aiko"})
	if _, _, err := apiFor(s).PostMessage(p.ID(), slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	calls := s.Calls("chat.postMessage")
	if len(calls) != 1 {
		t.Fatalf("calls = %d", len(calls))
	}
	c := calls[0]
	if c.Params["channel"] != p.ID() || c.Params["text"] != "hello" || c.Status != 200 || c.Error != "" {
		t.Errorf("call = %+v", c)
	}
	if _, leaked := c.Params["token"]; leaked {
		t.Error("token recorded in params")
	}
}
