package outbox

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/reverse-mentor/reverse-mentor/mentoring"
)

// fileRenderer renders notices of kind "chart" as a PNG-like file named after the key.
type fileRenderer struct{ testRenderer }

func (fileRenderer) RenderFile(_ context.Context, n mentoring.Notice) (string, string, []byte, bool, error) {
	if n.Kind != "chart" {
		return "", "", nil, false, nil
	}
	return n.Key + ".png", "Chart " + n.Key, []byte("\x89PNG chart of " + n.Key), true, nil
}

func TestSender_UploadsAFileOnceEvenAfterACrash(t *testing.T) {
	e := newSenderEnv(t, 1)
	e.fake.AddChannel("CHR0001", "hr", e.users[0])
	e.enqueue(t, mentoring.Notice{Key: "summary-2026-06-26", Kind: "chart", Channel: "CHR0001"},
		mentoring.Notice{Key: "post", Kind: mentoring.NoticeSummary, Channel: "CHR0001"})
	s := e.sender(t, func(o *Options) { o.Renderer = fileRenderer{} })
	e.drain(t, s)
	files := e.fake.Files()
	if len(files) != 1 || files[0].Name != "summary-2026-06-26.png" || files[0].Channel != "CHR0001" ||
		!bytes.HasPrefix(files[0].Bytes, []byte("\x89PNG")) {
		t.Fatalf("files %+v", files)
	}
	if got := e.delivered("CHR0001"); got["post"] != 1 {
		t.Fatalf("the message beside the file: %v", got)
	}
	// The process dies after the upload, before recording it: the row is found
	// 'sending' with its lease run out, and the next sender must not upload again.
	raw, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	past := e.clock.Now().Add(-time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z")
	if _, err := raw.Exec(`UPDATE outbox SET state = 'sending', lease_until = ? WHERE key = 'summary-2026-06-26'`, past); err != nil {
		t.Fatal(err)
	}
	e.drain(t, e.sender(t, func(o *Options) { o.Renderer = fileRenderer{} }))
	if files := e.fake.Files(); len(files) != 1 {
		t.Fatalf("uploaded again after the crash: %d files", len(files))
	}
	if r := e.row("summary-2026-06-26"); r.State != "sent" {
		t.Fatalf("row %+v", r)
	}
}

func TestSender_FileToADMOpensTheConversation(t *testing.T) {
	e := newSenderEnv(t, 1)
	e.enqueue(t, mentoring.Notice{Key: "export-1", Kind: "chart", UserIDs: []string{e.users[0]}})
	e.drain(t, e.sender(t, func(o *Options) { o.Renderer = fileRenderer{} }))
	files := e.fake.Files()
	if len(files) != 1 || files[0].Channel != e.fake.DMChannel(e.users[0]) {
		t.Fatalf("files %+v (DM %s)", files, e.fake.DMChannel(e.users[0]))
	}
}
