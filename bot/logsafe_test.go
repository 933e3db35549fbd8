package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestRespond_FailingResponseURLIsNeverLogged: a response_url lets anyone post as the app
// for 30 minutes. When posting to one fails, the error names the URL; the log must not.
func TestRespond_FailingResponseURLIsNeverLogged(t *testing.T) {
	var logs bytes.Buffer
	b, err := New(langOnly{}, nil, Options{AppToken: "xapp-1-A0-1-x", BotToken: "xoxb-secret-token",
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "k8Hq2ZsecretPart"
	for _, url := range []string{
		"http://127.0.0.1:1/commands/T0FAKE/1000001/" + secret, // nothing listens: the error quotes the URL
		"https://hooks.invalid/actions/T0FAKE/1000002/" + secret,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		b.respond(ctx, url, "hello", nil)
		cancel()
	}
	out := logs.String()
	if !strings.Contains(out, "respond to command") {
		t.Fatalf("the failure was not logged at all:\n%s", out)
	}
	if strings.Contains(out, secret) || strings.Contains(out, "/commands/") || strings.Contains(out, "/actions/") {
		t.Fatalf("a response_url reached the log:\n%s", out)
	}
	if !strings.Contains(out, "[response_url]") {
		t.Errorf("the log does not say where the call went:\n%s", out)
	}
}
