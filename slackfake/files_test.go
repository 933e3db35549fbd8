package slackfake_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/reverse-mentor/reverse-mentor/slackfake"
)

func TestUploadFile_ExternalFlowSharesToChannel(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	hr := s.AddUser(slackfake.User{Name: "hr"})
	s.AddChannel("CHR000001", "hr-summary", hr.ID())
	api := apiFor(s)
	png := []byte("\x89PNG\r\n\x1a\nchart")
	sum, err := api.UploadFile(slack.UploadFileParameters{
		Reader: bytes.NewReader(png), FileSize: len(png), Filename: "weekly.png", Title: "Weekly chart",
		Channel: "CHR000001", InitialComment: "This week's trends",
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.ID == "" || sum.Title != "Weekly chart" {
		t.Errorf("summary = %+v", sum)
	}
	files := s.Files()
	if len(files) != 1 {
		t.Fatalf("files = %d", len(files))
	}
	f := files[0]
	if f.ID != sum.ID || f.Name != "weekly.png" || f.Title != "Weekly chart" || f.Channel != "CHR000001" ||
		f.InitialComment != "This week's trends" || !bytes.Equal(f.Bytes, png) {
		t.Errorf("file = %+v", f)
	}
	msgs := s.Messages("CHR000001")
	if len(msgs) != 1 || len(msgs[0].Files) != 1 || msgs[0].Files[0] != sum.ID || msgs[0].Text != "This week's trends" {
		t.Errorf("messages = %+v", msgs)
	}
	seen := hr.Seen()
	if len(seen) != 1 || seen[0].Kind != "file" || !strings.Contains(seen[0].Text, "📎 Weekly chart (weekly.png") {
		t.Errorf("seen = %+v", seen)
	}
	for _, m := range []string{"files.getUploadURLExternal", "files.completeUploadExternal"} {
		if len(s.Calls(m)) != 1 {
			t.Errorf("%s called %d times", m, len(s.Calls(m)))
		}
	}
}

func TestUploadFile_Errors(t *testing.T) {
	s := newFake(t, slackfake.Options{})
	api := apiFor(s)
	tests := []struct {
		name, channel, wantErr string
	}{
		{"unknown channel", "CNOWHERE1", "channel_not_found"},
		{"not shared", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.UploadFile(slack.UploadFileParameters{Content: "x,y\n1,2\n", FileSize: 8, Filename: "export.csv", Channel: tt.channel})
			if got := slackErr(err); !strings.Contains(got, tt.wantErr) || (tt.wantErr == "" && err != nil) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
	if _, err := api.CompleteUploadExternalContext(ctxFor(t, 5e9), slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: "FNOSUCH01"}}}); slackErr(err) != "file_not_found" {
		t.Errorf("complete of an unknown file: %v", err)
	}
}
