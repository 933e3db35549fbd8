package slackfake_test

import (
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestFailNext(t *testing.T) {
	tests := []struct {
		name   string
		method string
		fault  slackfake.Fault
		check  func(t *testing.T, err error)
	}{
		{"429 with Retry-After", "chat.postMessage", slackfake.Fault{Status: 429, RetryAfter: 2 * time.Second}, func(t *testing.T, err error) {
			var rl *slack.RateLimitedError
			if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
				t.Errorf("err = %#v, want RateLimitedError after 2s", err)
			}
		}},
		{"429 rounds Retry-After up to whole seconds", "*", slackfake.Fault{Status: 429, RetryAfter: 1200 * time.Millisecond}, func(t *testing.T, err error) {
			var rl *slack.RateLimitedError
			if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
				t.Errorf("err = %#v, want RateLimitedError after 2s", err)
			}
		}},
		{"500", "chat.postMessage", slackfake.Fault{Status: 500}, func(t *testing.T, err error) {
			var sc slack.StatusCodeError
			if !errors.As(err, &sc) || sc.Code != 500 {
				t.Errorf("err = %#v, want StatusCodeError 500", err)
			}
		}},
		{"503", "*", slackfake.Fault{Status: 503}, func(t *testing.T, err error) {
			var sc slack.StatusCodeError
			if !errors.As(err, &sc) || sc.Code != 503 {
				t.Errorf("err = %#v, want StatusCodeError 503", err)
			}
		}},
		{"Slack error", "chat.postMessage", slackfake.Fault{SlackError: "channel_not_found"}, func(t *testing.T, err error) {
			if slackErr(err) != "channel_not_found" {
				t.Errorf("err = %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake(t, slackfake.Options{})
			p := s.AddUser(slackfake.User{Name: "aiko"})
			api := apiFor(s)
			s.FailNext(tt.method, 2, tt.fault)
			for range 2 {
				_, _, err := api.PostMessage(p.ID(), slack.MsgOptionText("hi", false))
				tt.check(t, err)
			}
			if _, _, err := api.PostMessage(p.ID(), slack.MsgOptionText("hi", false)); err != nil {
				t.Errorf("third call: %v", err)
			}
			if n := len(p.Messages()); n != 1 {
				t.Errorf("messages = %d, want only the third", n)
			}
			calls := s.Calls("chat.postMessage")
			if len(calls) != 3 || calls[0].Status != max(tt.fault.Status, 200) || calls[2].Error != "" {
				t.Errorf("calls = %+v", calls)
			}
		})
	}
}

func TestSetRateLimit_PerChannel(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	a := s.AddUser(slackfake.User{Name: "a"})
	b := s.AddUser(slackfake.User{Name: "b"})
	api := apiFor(s)
	s.SetRateLimit("chat.postMessage", 2, 1, true)
	post := func(ch string) error {
		_, _, err := api.PostMessage(ch, slack.MsgOptionText("hi", false))
		return err
	}
	if err := post(a.ID()); err != nil {
		t.Fatal(err)
	}
	var rl *slack.RateLimitedError
	if err := post(s.DMChannel(a.ID())); !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("second post to the same channel: %v, want 429 with Retry-After 1", err)
	}
	if err := post(b.ID()); err != nil {
		t.Fatalf("post to another channel: %v", err)
	}
	// Rate limits run on the wall clock, as Slack's do: this sleep is what is measured.
	// At 2 per second a token is back after 500 ms.
	time.Sleep(550 * time.Millisecond)
	if err := post(a.ID()); err != nil {
		t.Fatalf("post after the refill: %v", err)
	}
	s.SetRateLimit("chat.postMessage", 0, 0, true)
	for range 3 {
		if err := post(a.ID()); err != nil {
			t.Fatalf("post after the limit was removed: %v", err)
		}
	}
}

func TestSetRateLimit_WorkspaceWide(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	api := apiFor(s)
	s.SetRateLimit("*", 1, 3, false)
	limited := 0
	for range 5 {
		if _, err := api.AuthTest(); err != nil {
			var rl *slack.RateLimitedError
			if !errors.As(err, &rl) {
				t.Fatal(err)
			}
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("rate limited %d of 5 calls, want 2 beyond the burst of 3", limited)
	}
}
